/**
 * Assembles a running Holdfast: database (migrated), clock, metrics, use-case context, jobs, the webhook
 * dispatcher and the HTTP app. `serve`, `demo`, the CLI commands and the tests all start from here.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import type { AppContext } from './app/context.ts';
import { ManualClock, systemClock } from './app/clock.ts';
import type { Clock } from './app/clock.ts';
import { IdGenerator } from './app/ids.ts';
import { KeyAuthenticator, createApiKey } from './app/access/api-keys.ts';
import { storedManualTime } from './app/clock-control.ts';
import { PrometheusMetrics } from './app/monitoring/prometheus-metrics.ts';
import { WebhookAgent } from './app/webhooks/webhook-agent.ts';
import { HttpWebhookSender } from './app/webhooks/http-sender.ts';
import { openDatabase } from './store/database.ts';
import type { Database } from './store/database.ts';
import { JobsService } from './jobs/jobs-service.ts';
import { SupplySignal } from './jobs/supply-signal.ts';
import { WebhookDispatcher } from './jobs/webhook-dispatcher.ts';
import { buildApp } from './http/app.ts';

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
  const metrics = new PrometheusMetrics();
  const ctx: AppContext = { database, clock, ids: new IdGenerator(), supplyChanged: signal.emit, metrics };
  metrics.readFrom(ctx);
  if (config.adminKey) await createApiKey(ctx, 'admin', 'HOLDFAST_ADMIN_KEY', config.adminKey);

  let logger: FastifyBaseLogger | null = null;
  const log = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => logger?.[level](fields, message);
  const jobs = new JobsService(ctx, signal, {
    leaseTimeoutMs: config.leaseTimeoutMs,
    batchSkus: config.jobBatchSkus,
    batchLines: config.jobBatchLines,
    parallelBatches: config.jobParallelBatches || (database.store.concurrentWriters ? 2 : 1),
    eventDebounceMs: config.eventDebounceMs,
    log,
  });
  const sender = new HttpWebhookSender();
  const agent = new WebhookAgent(ctx, sender, {
    timeoutMs: config.webhookTimeoutMs,
    retry: { baseMs: config.webhookRetryBaseMs, maxMs: config.webhookRetryMaxMs, windowMs: config.webhookRetryWindowMs },
  });
  const webhooks = new WebhookDispatcher(ctx, agent, {
    pollMs: config.webhookPollMs,
    concurrency: config.webhookConcurrency,
    fanOutBatch: 1_000,
    retentionMs: config.webhookRetentionMs,
    pruneEveryMs: 60_000,
    log,
  });
  const app = await buildApp({ ctx, authenticator: new KeyAuthenticator(ctx), manualClock, jobs, webhooks: agent, dispatcher: webhooks, metrics }, { logLevel: config.logLevel });
  logger = app.log;
  if (options.background) await jobs.startBackground({ cron: !config.manualClock });
  if (options.background || options.dispatcher) webhooks.start();

  let closed = false;
  return {
    config,
    database,
    ctx,
    jobs,
    webhooks,
    metrics,
    manualClock,
    app,
    async close() {
      if (closed) return;
      closed = true;
      await jobs.stop();
      await webhooks.stop();
      await app.close();
      sender.close();
      await database.close();
    },
  };
}
