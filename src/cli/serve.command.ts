/** `holdfast serve`: the API (and console), the scheduler and the background work, until SIGINT/SIGTERM. */
import type { Config } from '../config/config.ts';
import { createService } from '../service.ts';
import type { Service, ServiceOptions } from '../service.ts';
import { holdDatabase } from './holders.ts';

export async function serveCommand(config: Config): Promise<number> {
  await serve(config, {}, (url, service) =>
    process.stdout.write(`Holdfast listening on ${url} (database: ${service.database.dialect}${config.manualClock ? ', manual clock' : ''})\n`),
  );
  return -1;
}

/** Starts the service and listens; shuts down in order on SIGINT/SIGTERM. */
export async function serve(config: Config, options: ServiceOptions & { command?: string }, onListening: (url: string, service: Service) => void): Promise<void> {
  const release = holdDatabase(config.databaseUrl, options.command ?? 'serve');
  const service = await createService(config, { background: true, ...options });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await service.close();
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    const url = await service.app.listen({ port: config.port, host: config.host });
    onListening(url, service);
  } catch (error) {
    await service.close();
    throw error;
  }
}
