/**
 * Assembles a running Holdfast: the core (database, clock, use-case context, jobs) with its metrics, the webhook
 * dispatcher and the HTTP app. `serve`, `demo` and the tests start from here.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import type { AppContext } from './app/context.ts';
import type { ManualClock } from './app/clock.ts';
import { KeyAuthenticator } from './app/access/api-keys.ts';
import { PrometheusMetrics } from './app/monitoring/prometheus-metrics.ts';
import { WebhookAgent } from './app/webhooks/webhook-agent.ts';
import { HttpWebhookSender } from './app/webhooks/http-sender.ts';
import { WebhookDispatcher } from './jobs/webhook-dispatcher.ts';
import { LoopLag } from './jobs/loop-lag.ts';
import type { LoopPressure } from './jobs/loop-lag.ts';
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
  readonly webhooks: WebhookDispatcher;
  readonly metrics: PrometheusMetrics;
  readonly manualClock: ManualClock | null;
  readonly app: FastifyInstance;
  /** Stops the jobs (letting runs end after their batch), the webhook dispatcher, the HTTP app and the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /**
   * Start the background work of `serve`: cron schedules (unless the clock is manual), the dead-run watch and the
   * webhook dispatcher.
   */
  readonly background?: boolean;
  /** Start the webhook dispatcher alone (tests that deliver webhooks without the rest of the background work). */
  readonly dispatcher?: boolean;
  /** `json` (serve: one JSON line per request) or `line` (demo: one readable line per request, other logs at warn). */
  readonly requestLog?: RequestLog;
  /** The label of the admin key `config.adminKey` stands for (default: HOLDFAST_ADMIN_KEY). */
  readonly adminKeyLabel?: string;
  /** When the request thread counts as busy, so the webhook dispatcher holds back (default: its timers run late by over 20 ms). */
  readonly pressure?: LoopPressure;
  /** How long a key found valid is remembered before it is looked up again (default 2 s); a revoke ends it at once. */
  readonly keyMemoryMs?: number;
}

export async function createService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const metrics = new PrometheusMetrics();
  const core = await createCore(config, { adminKeyLabel: options.adminKeyLabel, metrics });
  metrics.readFrom(core.ctx);
  const sender = new HttpWebhookSender();
  const agent = new WebhookAgent(core.ctx, sender, {
    timeoutMs: config.webhookTimeoutMs,
    retry: { baseMs: config.webhookRetryBaseMs, maxMs: config.webhookRetryMaxMs, windowMs: config.webhookRetryWindowMs },
  });
  // Above this, a timer runs late because the request thread is busy: a job batch on SQLite takes about 15 ms.
  const lag = options.pressure ? null : new LoopLag(20);
  let log: ((level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void) | null = null;
  const webhooks = new WebhookDispatcher(core.ctx, agent, {
    pollMs: config.webhookPollMs,
    concurrency: config.webhookConcurrency,
    fanOutBatch: 1_000,
    retentionMs: config.webhookRetentionMs,
    pruneEveryMs: 60_000,
    pressure: options.pressure ?? lag ?? undefined,
    log: (level, message, fields) => log?.(level, message, fields),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp(
      {
        ctx: core.ctx,
        authenticator: new KeyAuthenticator(core.ctx, options.keyMemoryMs),
        manualClock: core.manualClock,
        jobs: core.jobs,
        webhooks,
        metrics,
      },
      { logLevel: config.logLevel, requestLog: options.requestLog ?? 'json', timeouts: config.timeouts, consoleDir: config.consoleDir },
    );
  } catch (error) {
    lag?.stop();
    sender.close();
    await core.close();
    throw error;
  }
  log = (level, message, fields = {}) => app.log[level](fields, message);
  core.setLog(log);
  if (options.background) await core.jobs.startBackground({ cron: !config.manualClock });
  if (options.background || options.dispatcher) webhooks.start();

  let closed = false;
  return {
    config,
    database: core.database,
    ctx: core.ctx,
    jobs: core.jobs,
    webhooks,
    metrics,
    manualClock: core.manualClock,
    app,
    async close() {
      if (closed) return;
      closed = true;
      await core.jobs.stop();
      await webhooks.stop();
      lag?.stop();
      await app.close();
      sender.close();
      await core.database.close();
    },
  };
}
