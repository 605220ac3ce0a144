/**
 * The service without HTTP: database (migrated), clock, use-case context and jobs. `createService` adds the
 * HTTP app on top; CLI commands that run jobs (`jobs run`, `import`) start from here, which keeps them quick
 * to start.
 */
import type { Config } from './config/config.ts';
import type { AppContext } from './app/context.ts';
import { ManualClock, systemClock } from './app/clock.ts';
import type { Clock } from './app/clock.ts';
import { IdGenerator } from './app/ids.ts';
import { createApiKey } from './app/access/api-keys.ts';
import { storedManualTime } from './app/clock-control.ts';
import { noopMetrics } from './app/metrics.ts';
import type { Metrics } from './app/metrics.ts';
import { useIntakeGroups } from './app/group-commit.ts';
import { openDatabase } from './store/database.ts';
import type { Database } from './store/database.ts';
import { JobsService } from './jobs/jobs-service.ts';
import { SupplySignal } from './jobs/supply-signal.ts';
import { BatchPlanner } from './jobs/batch-planner.ts';
import { refuseForeignDatabase } from './app/runtime.ts';

export type LogFn = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface Core {
  readonly config: Config;
  readonly database: Database;
  readonly ctx: AppContext;
  readonly jobs: JobsService;
  readonly manualClock: ManualClock | null;
  /** Where job messages go; `createService` points it at the HTTP app's logger. */
  setLog(log: LogFn): void;
  /** Stops the jobs (letting runs end after their batch) and closes the database. */
  close(): Promise<void>;
}

export interface CoreOptions {
  /** The label of the admin key `config.adminKey` stands for (default: HOLDFAST_ADMIN_KEY). */
  readonly adminKeyLabel?: string;
  /** Where use cases and jobs report committed work (`serve`: Prometheus); CLI commands keep the no-op. */
  readonly metrics?: Metrics;
  /** PostgreSQL: how long to wait to connect (commands set it; a service waits). */
  readonly connectTimeoutMs?: number;
  /** A command on Holdfast's data: refuse a database that is not Holdfast's before migrating it. */
  readonly existingOnly?: boolean;
}

export async function createCore(config: Config, options: CoreOptions = {}): Promise<Core> {
  const database = openDatabase({ url: config.databaseUrl, checkpointInBackground: true, connectTimeoutMs: options.connectTimeoutMs, atpMemoryMs: config.atpMemoryMs });
  try {
    if (options.existingOnly) await refuseForeignDatabase(database, config.databaseUrl);
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
  useIntakeGroups(database, config.intakeGroups);
  const signal = new SupplySignal();
  const ctx: AppContext = { database, clock, ids: new IdGenerator(), supplyChanged: signal.emit, metrics: options.metrics ?? noopMetrics };
  if (config.adminKey) await createApiKey(ctx, 'admin', options.adminKeyLabel ?? 'HOLDFAST_ADMIN_KEY', config.adminKey);

  let logFn: LogFn | null = null;
  const jobs = new JobsService(ctx, signal, {
    leaseTimeoutMs: config.leaseTimeoutMs,
    batchSkus: config.jobBatchSkus,
    batchLines: config.jobBatchLines,
    parallelBatches: config.jobParallelBatches || (database.store.concurrentWriters ? 2 : 1),
    // On SQLite a batch holds the request thread from its first statement to its commit; on PostgreSQL only its own
    // JavaScript does (the waits on the database are not), and each batch costs a dozen round trips and statements
    // whatever its size, so larger batches there cost requests little and save the database much.
    batchTargetMs: config.jobBatchTargetMs || (database.store.concurrentWriters ? 100 : 15),
    // A thread with a connection of its own needs a database another connection can open.
    planner: config.databaseUrl === ':memory:' ? null : new BatchPlanner(config.databaseUrl),
    plannerMinLines: config.jobPlannerMinLines,
    // On SQLite a batch and intake share the request thread, and a planner still reading during the pause would take
    // the core intake has then; on PostgreSQL the run mostly waits on the database, and intake keeps its share.
    pauseAfterPlanning: !database.store.concurrentWriters,
    eventDebounceMs: config.eventDebounceMs,
    log: (level, message, fields) => logFn?.(level, message, fields),
  });
  let closed = false;
  return {
    config,
    database,
    ctx,
    jobs,
    manualClock,
    setLog(log) {
      logFn = log;
    },
    async close() {
      if (closed) return;
      closed = true;
      await jobs.stop();
      await database.close();
    },
  };
}
