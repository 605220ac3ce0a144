/**
 * Configuration from the environment: read once, validated, frozen. Nothing else reads process.env.
 */
import path from 'node:path';
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A SQLite file path or a postgres:// URL. */
  readonly databaseUrl: string;
  readonly adminKey: string | null;
  readonly manualClock: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** A run whose heartbeat is older than this is taken to be dead. */
  readonly leaseTimeoutMs: number;
  /** Quiet time after a supply change before the event-triggered backorder run starts. */
  readonly eventDebounceMs: number;
  /** At most this many skus per job batch transaction. */
  readonly jobBatchSkus: number;
  /** A job batch stops taking skus once their held lines reach this many: what bounds one transaction. */
  readonly jobBatchLines: number;
  /** The built console served at `/` (index.html and assets/). */
  readonly consoleDir: string;
  /** Batches of a run written at once on PostgreSQL (SQLite has one writer); 0 picks for the database. */
  readonly jobParallelBatches: number;
  /** Groups of orders written at once by intake on PostgreSQL (SQLite has one writer); 0 picks for the database. */
  readonly intakeGroups: number;
  /**
   * PostgreSQL: ATP answers come from memory, kept current by this process's commits and the others' notices, and no
   * entry older than this many milliseconds is answered (the bound should a notice be lost); 0 reads every answer.
   */
  readonly atpMemoryMs: number;
  /** Runs with at least this many lines in scope plan their batches ahead in a worker thread. */
  readonly jobPlannerMinLines: number;
  /**
   * Job batches are sized to keep the request thread busy for about this long each (requests wait meanwhile); 0
   * picks for the database.
   */
  readonly jobBatchTargetMs: number;
  /** Webhooks: a 2xx answer within this long delivers (default 10 s). */
  readonly webhookTimeoutMs: number;
  /** Webhooks: the first retry delay; each next one doubles (default 1 s). */
  readonly webhookRetryBaseMs: number;
  /** Webhooks: the longest retry delay (default 1 h). */
  readonly webhookRetryMaxMs: number;
  /** Webhooks: how long after its event a delivery is still tried (default 24 h). */
  readonly webhookRetryWindowMs: number;
  /** Webhooks: requests out at once per subscription. */
  readonly webhookConcurrency: number;
  /** Webhooks: how often an idle dispatcher looks for new events. */
  readonly webhookPollMs: number;
  /** Webhooks: settled deliveries are pruned after this long (default 7 days). */
  readonly webhookRetentionMs: number;
  readonly timeouts: Timeouts;
}

/** How long the HTTP server waits for a client (0 turns a limit off). */
export interface Timeouts {
  /** The whole request, headers and body, must arrive within this; else a 408. */
  readonly requestMs: number;
  /** The headers must arrive within this; else a 408. At most requestMs. */
  readonly headersMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveMs: number;
  /** A connection on which nothing moves for this long is closed (above the longest `?wait=true` run). */
  readonly idleMs: number;
}

export const DEFAULT_DATABASE = './data/holdfast.db';
/** Where `npm run build` puts the console: dist/console under the package root (two levels above this file). */
export const DEFAULT_CONSOLE_DIR = path.resolve(import.meta.dirname, '..', '..', 'dist', 'console');
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

function timeouts(env: NodeJS.ProcessEnv): Timeouts {
  const requestMs = int(env, 'HOLDFAST_REQUEST_TIMEOUT_MS', 60_000, 0, 3_600_000);
  const headersMs = int(env, 'HOLDFAST_HEADERS_TIMEOUT_MS', 10_000, 1, 3_600_000);
  // Node refuses a header timeout longer than the request timeout.
  return Object.freeze({
    requestMs,
    headersMs: requestMs > 0 ? Math.min(headersMs, requestMs) : headersMs,
    keepAliveMs: int(env, 'HOLDFAST_KEEP_ALIVE_TIMEOUT_MS', 10_000, 1, 3_600_000),
    idleMs: int(env, 'HOLDFAST_IDLE_TIMEOUT_MS', 300_000, 0, 3_600_000),
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const clock = env.HOLDFAST_CLOCK ?? '';
  if (clock !== '' && clock !== 'manual' && clock !== 'system') throw new ConfigError(`HOLDFAST_CLOCK must be "manual", "system" or unset, got "${clock}"`);
  // A URL of another scheme would be taken for a file name (mysql://... as the folder "mysql:").
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(env.DATABASE_URL ?? '')?.[1];
  if (scheme !== undefined && !/^postgres(ql)?$/i.test(scheme)) throw new ConfigError(`DATABASE_URL must be a SQLite file path or a postgres:// URL, got a ${scheme}:// URL`);
  const adminKey = env.HOLDFAST_ADMIN_KEY ?? '';
  if (/\s/.test(adminKey)) throw new ConfigError('HOLDFAST_ADMIN_KEY must not contain spaces (it travels in an Authorization header)');
  return Object.freeze({
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE,
    adminKey: adminKey || null,
    manualClock: clock === 'manual',
    logLevel: logLevel as Config['logLevel'],
    leaseTimeoutMs: int(env, 'HOLDFAST_LEASE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    eventDebounceMs: int(env, 'HOLDFAST_EVENT_DEBOUNCE_MS', 1_000, 0, 600_000),
    jobBatchSkus: int(env, 'HOLDFAST_JOB_BATCH_SKUS', 200, 1, 100_000),
    jobBatchLines: int(env, 'HOLDFAST_JOB_BATCH_LINES', 2_000, 1, 1_000_000),
    consoleDir: env.HOLDFAST_CONSOLE_DIR || DEFAULT_CONSOLE_DIR,
    jobParallelBatches: int(env, 'HOLDFAST_JOB_PARALLEL_BATCHES', 0, 0, 16),
    intakeGroups: int(env, 'HOLDFAST_INTAKE_GROUPS', 0, 0, 16),
    atpMemoryMs: int(env, 'HOLDFAST_ATP_MEMORY_MS', 600_000, 0, 86_400_000),
    jobPlannerMinLines: int(env, 'HOLDFAST_JOB_PLANNER_MIN_LINES', 20_000, 0, Number.MAX_SAFE_INTEGER),
    jobBatchTargetMs: int(env, 'HOLDFAST_JOB_BATCH_TARGET_MS', 0, 0, 10_000),
    webhookTimeoutMs: int(env, 'HOLDFAST_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    webhookRetryBaseMs: int(env, 'HOLDFAST_WEBHOOK_RETRY_BASE_MS', 1_000, 1, 3_600_000),
    webhookRetryMaxMs: int(env, 'HOLDFAST_WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 86_400_000),
    webhookRetryWindowMs: int(env, 'HOLDFAST_WEBHOOK_RETRY_WINDOW_MS', 86_400_000, 1, 30 * 86_400_000),
    webhookConcurrency: int(env, 'HOLDFAST_WEBHOOK_CONCURRENCY', 32, 1, 256),
    webhookPollMs: int(env, 'HOLDFAST_WEBHOOK_POLL_MS', 50, 1, 60_000),
    webhookRetentionMs: int(env, 'HOLDFAST_WEBHOOK_RETENTION_MS', 7 * 86_400_000, 1_000, 365 * 86_400_000),
    timeouts: timeouts(env),
    ...overrides,
  });
}
