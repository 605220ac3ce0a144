/**
 * Starting a job run: in one transaction, take the job type's lease (refusing while a live run holds it, failing a
 * run whose runner went silent), read what the whole run works with (settings, policy, locations, today), fix its
 * scope (the lines in scope now, and the last committed event) and record the run. Everything a run decides comes
 * from this one frame, so its batches make one consistent pass.
 */
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { readPolicy, readSettings } from '../settings/settings.query.ts';
import { businessDateOf } from '../../domain/calendar/business-date.ts';
import { CandidateResolver } from '../../domain/policy/fulfillment-policy.ts';
import type { FulfillmentPolicy } from '../../domain/policy/fulfillment-policy.ts';
import type { Location } from '../../domain/inventory/location.ts';
import { horizonOf } from '../../domain/settings/settings.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import { JOB_KINDS } from '../../domain/holds/job-kind.ts';
import type { JobType, RunScope } from '../../domain/holds/job-kind.ts';
import type { Executor } from '../../store/database.ts';
import { allLocations } from '../../store/repositories/catalog.repository.ts';
import { dropLease, finishRun, insertRun, readLease, takeLease } from '../../store/repositories/jobs.repository.ts';
import type { JobRun, LeaseHolder } from '../../store/repositories/jobs.repository.ts';

export type Trigger = 'scheduled' | 'manual' | 'event';

export interface RunRequest {
  readonly jobType: JobType;
  readonly trigger: Trigger;
  /** The skus an event run covers; null for every sku. */
  readonly skus: readonly string[] | null;
}

/** What a run reads once at its start. */
export interface RunFrame {
  readonly run: JobRun;
  readonly scope: RunScope;
  readonly settings: Settings;
  readonly horizon: number;
  readonly resolver: CandidateResolver;
  /** What the resolver was made of, as plain data (a planner in another thread rebuilds it). */
  readonly policy: FulfillmentPolicy;
  readonly locations: readonly Location[];
}

export interface LeaseOptions {
  /** A run whose heartbeat is older than this is taken to be dead. */
  readonly leaseTimeoutMs: number;
  /** Who runs it (host, pid, random): recorded on the run and the lease. */
  readonly owner: string;
  readonly onDeadRun?: (jobType: JobType, lease: LeaseHolder) => void;
}

export const ZERO_COUNTS = { movedToFulfillment: 0, movedToBackorder: 0, stillOnHold: 0, canceled: 0, failedRecords: 0 } as const;

/** Reads what a run (or a dry run) works with: settings, policy and locations, and the business date now. */
export async function readRunContext(
  trx: Executor,
  now: number,
): Promise<{ settings: Settings; today: string; horizon: number; resolver: CandidateResolver; policy: FulfillmentPolicy; locations: Location[] }> {
  const [settings, policy, locations] = await Promise.all([readSettings(trx), readPolicy(trx), allLocations(trx)]);
  const today = businessDateOf(now, settings.timeZone);
  return { settings, policy, locations, today, horizon: horizonOf(settings, today), resolver: new CandidateResolver(policy, locations) };
}

/** A run's scope and context as a run of `request` starting at `startedAt` would fix them, read in `trx`. */
export interface RunStart extends Omit<RunFrame, 'run'> {
  /** The lines in scope (`processed`); only when asked for, as it counts every such line. */
  readonly processed: number | null;
}

/**
 * Reads what a run started now works with: settings, policy, locations, today, its skus, the lines in scope (when
 * `count`) and the last committed event. A real run, a dry run and a line's explanation all start from this.
 */
export async function readRunStart(ctx: AppContext, trx: Executor, request: Omit<RunRequest, 'trigger'>, startedAt: number, options: { count: boolean }): Promise<RunStart> {
  const { settings, today, horizon, resolver, policy, locations } = await readRunContext(trx, startedAt);
  const skus = request.skus === null ? null : [...new Set(request.skus)].sort();
  const kind = JOB_KINDS[request.jobType];
  // Count first, then the last event: a line committed in between is in scope without being counted, and the
  // run's end makes `processed` grow to match; the other order could count a line that is not in scope.
  const processed = options.count ? await ctx.database.store.countInScope(trx, { kind, today, skus }) : null;
  const startSeq = await ctx.database.store.lastEventId(trx);
  return { scope: { kind, today, startSeq, skus }, settings, horizon, resolver, policy, locations, processed };
}

export async function startRun(ctx: AppContext, request: RunRequest, lease: LeaseOptions): Promise<RunFrame> {
  const { database, clock, ids } = ctx;
  await database.store.beforeRun(database.db);
  return database.transaction(async (trx) => {
    const holder = await readLease(trx, database.store, request.jobType);
    const realNow = Date.now();
    if (holder.runId !== null) {
      if (holder.heartbeatAt > realNow - lease.leaseTimeoutMs) {
        throw new AppError('job_running', `a ${request.jobType} run (${holder.runId}) is in progress; try again when it has ended`);
      }
      await failDeadRun(ctx, trx, request.jobType, holder, realNow, lease);
    }
    const startedAt = clock.now();
    const { scope, settings, horizon, resolver, policy, locations, processed } = await readRunStart(ctx, trx, request, startedAt, { count: true });
    const run: JobRun = {
      id: ids.next('run'),
      jobType: request.jobType,
      trigger: request.trigger,
      status: 'running',
      startedAt,
      finishedAt: null,
      processed: processed ?? 0,
      ...ZERO_COUNTS,
      error: null,
      skus: scope.skus === null ? null : [...scope.skus],
    };
    await insertRun(trx, run, lease.owner, realNow);
    await takeLease(trx, request.jobType, run.id, lease.owner, realNow);
    return { run, scope, settings, horizon, resolver, policy, locations };
  });
}

/**
 * Marks the run of a job type failed when its lease has gone stale, so the job log does not show a dead run as
 * running until the next start. True when it found one.
 */
export async function reapDeadRun(ctx: AppContext, jobType: JobType, lease: LeaseOptions): Promise<boolean> {
  const { database } = ctx;
  return database.transaction(async (trx) => {
    const holder = await readLease(trx, database.store, jobType);
    const realNow = Date.now();
    if (holder.runId === null || holder.heartbeatAt > realNow - lease.leaseTimeoutMs) return false;
    await failDeadRun(ctx, trx, jobType, holder, realNow, lease);
    await dropLease(trx, jobType, holder.runId);
    return true;
  });
}

async function failDeadRun(ctx: AppContext, trx: Executor, jobType: JobType, holder: LeaseHolder, realNow: number, lease: LeaseOptions): Promise<void> {
  const silentFor = Math.round((realNow - holder.heartbeatAt) / 1000);
  const why = `its runner (${holder.owner}) stopped sending heartbeats for ${silentFor} s (the process ended or lost the database); the work it committed stays done`;
  lease.onDeadRun?.(jobType, holder);
  await finishRun(trx, holder.runId!, 'failed', why, ctx.clock.now());
}
