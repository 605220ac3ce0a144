/**
 * Assembles a running Holdfast: database (migrated), clock, use-case context, jobs and the HTTP app. `serve`,
 * `demo`, the CLI commands and the tests all start from here.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import type { AppContext } from './app/context.ts';
import { ManualClock, systemClock } from './app/clock.ts';
import type { Clock } from './app/clock.ts';
import { IdGenerator } from './app/ids.ts';
import { KeyAuthenticator, createApiKey } from './app/access/api-keys.ts';
import { storedManualTime } from './app/clock-control.ts';
import { openDatabase } from './store/database.ts';
import type { Database } from './store/database.ts';
import { JobsService } from './jobs/jobs-service.ts';
import { SupplySignal } from './jobs/supply-signal.ts';
import { buildApp } from './http/app.ts';

export interface Service {
  readonly config: Config;
  readonly database: Database;
  readonly ctx: AppContext;
  readonly jobs: JobsService;
  readonly manualClock: ManualClock | null;
  readonly app: FastifyInstance;
  /** Stops the jobs (letting runs end after their batch), the HTTP app and the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Start the background work of `serve`: cron schedules (unless the clock is manual) and the dead-run watch. */
  readonly background?: boolean;
}

export async function createService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const database = openDatabase({ url: config.databaseUrl });
  try {
    await database.migrate();
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  let manualClock: ManualClock | null = null;
  let clock: Clock = systemClock;
  if (config.manualClock) {
    manualClock = new ManualClock((await storedManualTime(database.db)) ?? Date.now());
    clock = manualClock;
  }
  const signal = new SupplySignal();
  const ctx: AppContext = { database, clock, ids: new IdGenerator(), supplyChanged: signal.emit };
  if (config.adminKey) await createApiKey(ctx, 'admin', 'HOLDFAST_ADMIN_KEY', config.adminKey);

  let logger: FastifyBaseLogger | null = null;
  const log = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => logger?.[level](fields, message);
  const jobs = new JobsService(ctx, signal, {
    leaseTimeoutMs: config.leaseTimeoutMs,
    batchSkus: config.jobBatchSkus,
    batchLines: config.jobBatchLines,
    eventDebounceMs: config.eventDebounceMs,
    log,
  });
  const app = await buildApp({ ctx, authenticator: new KeyAuthenticator(ctx), manualClock, jobs }, { logLevel: config.logLevel, consoleDir: config.consoleDir });
  logger = app.log;
  if (options.background) await jobs.startBackground({ cron: !config.manualClock });

  let closed = false;
  return {
    config,
    database,
    ctx,
    jobs,
    manualClock,
    app,
    async close() {
      if (closed) return;
      closed = true;
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
}
