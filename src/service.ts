/**
 * Assembles a running Holdfast: the core (database, clock, use-case context, jobs) and the HTTP app. `serve`,
 * `demo` and the tests start from here.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import type { AppContext } from './app/context.ts';
import type { ManualClock } from './app/clock.ts';
import { KeyAuthenticator } from './app/access/api-keys.ts';
import type { Database } from './store/database.ts';
import type { JobsService } from './jobs/jobs-service.ts';
import { buildApp } from './http/app.ts';
import type { RequestLog } from './http/app.ts';
import { createCore } from './core.ts';

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
  /** `json` (serve: one JSON line per request) or `line` (demo: one readable line per request, other logs at warn). */
  readonly requestLog?: RequestLog;
  /** The label of the admin key `config.adminKey` stands for (default: HOLDFAST_ADMIN_KEY). */
  readonly adminKeyLabel?: string;
}

export async function createService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const core = await createCore(config, { adminKeyLabel: options.adminKeyLabel });
  let app: FastifyInstance;
  try {
    app = await buildApp(
      { ctx: core.ctx, authenticator: new KeyAuthenticator(core.ctx), manualClock: core.manualClock, jobs: core.jobs },
      { logLevel: config.logLevel, requestLog: options.requestLog ?? 'json', timeouts: config.timeouts, consoleDir: config.consoleDir },
    );
  } catch (error) {
    await core.close();
    throw error;
  }
  core.setLog((level, message, fields = {}) => app.log[level](fields, message));
  if (options.background) await core.jobs.startBackground({ cron: !config.manualClock });

  let closed = false;
  return {
    config,
    database: core.database,
    ctx: core.ctx,
    jobs: core.jobs,
    manualClock: core.manualClock,
    app,
    async close() {
      if (closed) return;
      closed = true;
      await core.jobs.stop();
      await app.close();
      await core.database.close();
    },
  };
}
