import type { Config } from '../config/config.ts';
import { createService } from '../service.ts';
import type { Service } from '../service.ts';

/** Starts the API (and the scheduler) and listens until SIGINT/SIGTERM, then shuts down in order. */
export async function serve(config: Config, onListening?: (url: string, service: Service) => void): Promise<void> {
  const service = await createService(config, { background: true });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const url = await service.app.listen({ port: config.port, host: config.host });
  if (onListening) onListening(url, service);
  else process.stdout.write(`Holdfast listening on ${url} (database: ${service.database.dialect}${config.manualClock ? ', manual clock' : ''})\n`);
}
