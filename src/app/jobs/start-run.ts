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
import { dropLease, finishRun, getRun, insertRun, peekLease, readLease, takeLease } from '../../store/repositories/jobs.repository.ts';
import type { JobRun, LeaseHolder } from '../../store/repositories/jobs.repository.ts';
import { settledContextKey } from './settled-skus.ts';

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
  /** The run's side of the keys of settled skus (`settledContextKey`). */
  readonly settledKey: string;
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
export interface RunStart extends Omit<RunFrame, 'run' | 'settledKey'> {
  /** The lines in scope (`processed`); only when asked for, as it counts every such line. */
  readonly processed: number | null;
}

/**
 * Reads what a run started now works with: settings, policy, locations, today, its skus, the lines in scope (when
 * `count`) and the last committed event. A real run, a dry run and a line's explanation all start from this.
 */
export async function readRunStart(
  ctx: AppContext,
  trx: Executor,
  request: Omit<RunRequest, 'trigger'>,
  startedAt: number,
  options: { count: boolean | { upTo: number } },
): Promise<RunStart> {
  const { settings, today, horizon, resolver, policy, locations } = await readRunContext(trx, startedAt);
  const skus = request.skus === null ? null : [...new Set(request.skus)].sort();
  const kind = JOB_KINDS[request.jobType];
  // Count first, then the last event: a line committed in between is in scope without being counted, and the
  // run's end makes `processed` grow to match; the other order could count a line that is not in scope.
  const { count } = options;
  const processed = count === false ? null : await ctx.database.store.countInScope(trx, { kind, today, skus }, count === true ? undefined : count.upTo);
  const startSeq = await ctx.database.store.lastEventId(trx);
  return { scope: { kind, today, startSeq, skus }, settings, horizon, resolver, policy, locations, processed };
}

/** A run's start read before its start transaction, in one snapshot, with the job type's lease as it stood then. */
export interface RunStartAhead extends Omit<RunStart, 'resolver'> {
  readonly lease: LeaseHolder;
}

/** Reads a run's start ahead (`readRunStartAhead`) off the request thread, through a connection of its own; null when it cannot. */
export type RunStartReader = (request: Omit<RunRequest, 'trigger'>, startedAt: number) => Promise<RunStartAhead | null>;

/**
 * Counting the lines in scope of a large run takes long (about half a second for a million held lines on a cold
 * cache), and on SQLite every statement of the service's connection holds the request thread. So a large run's start
 * is read ahead, in a snapshot, by a thread with a connection of its own; the start transaction then only checks
 * that it still holds. Runs with fewer lines than `minLines` are counted here.
 */
export interface StartAhead {
  readonly reader: RunStartReader;
  readonly minLines: number;
}

/**
 * Reads a run's start and the job type's lease in one snapshot. With `upTo`, null when at least that many lines are
 * in scope (the count stops there).
 */
export function readRunStartAhead(ctx: AppContext, request: Omit<RunRequest, 'trigger'>, startedAt: number, upTo?: number): Promise<RunStartAhead | null> {
  return ctx.database.read(async (trx) => {
    const lease = await peekLease(trx, request.jobType);
    const { resolver: _resolver, ...start } = await readRunStart(ctx, trx, request, startedAt, { count: upTo === undefined ? true : { upTo } });
    return upTo !== undefined && start.processed! >= upTo ? null : { ...start, lease };
  });
}

/**
 * Starts a run. The start it reads (with `ahead`, before the transaction) is that of a run started at that snapshot:
 * a line committed later is out of its scope (`startSeq`), and a line in scope that leaves its hold before the run
 * gets to it is counted as the run's end counts any such line. It holds only while no run of the job type started
 * or ended since, which the lease tells (every start and end rewrites it), and on the business day the run starts;
 * else it is read again in the transaction. The run's `startedAt` is when it took the lease.
 */
export async function startRun(ctx: AppContext, request: RunRequest, lease: LeaseOptions, ahead?: StartAhead): Promise<RunFrame> {
  const { database, clock, ids } = ctx;
  await database.store.beforeRun(database.db);
  const requestedAt = clock.now();
  // A run in progress is refused at once, from a look without a lock: the lock would wait for that run's batches.
  const seen = await peekLease(database.db, request.jobType);
  if (seen.runId !== null) refuseWhileLive(request.jobType, seen, Date.now(), lease);
  const early = ahead ? ((await readRunStartAhead(ctx, request, requestedAt, ahead.minLines)) ?? (await ahead.reader(request, requestedAt))) : null;
  let reaped: JobRun | undefined;
  const frame = await database.transaction(async (trx) => {
    reaped = undefined;
    const holder = await readLease(trx, database.store, request.jobType);
    const realNow = Date.now();
    if (holder.runId !== null) {
      refuseWhileLive(request.jobType, holder, realNow, lease);
      reaped = await failDeadRun(ctx, trx, request.jobType, holder, realNow, lease);
    }
    // The run starts once it holds the lease: a start that waited for another runner's run to end (for its lock,
    // or SQLite's write lock in another process) begins after that run ended, not when it was asked for.
    const startedAt = Math.max(requestedAt, clock.now());
    const usable = early !== null && sameHolder(early.lease, holder) && early.scope.today === businessDateOf(startedAt, early.settings.timeZone);
    const { scope, settings, horizon, resolver, policy, locations, processed } = usable
      ? { ...early, scope: { ...early.scope, kind: JOB_KINDS[request.jobType] }, resolver: new CandidateResolver(early.policy, early.locations) }
      : await readRunStart(ctx, trx, request, startedAt, { count: true });
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
    return { run, scope, settings, horizon, resolver, policy, locations, settledKey: settledContextKey({ scope, horizon, settings, policy, locations }) };
  });
  reportReaped(ctx, reaped);
  return frame;
}

/** Whether the lease's holder beat within the timeout (a holder that has not is taken for dead). */
const beatRecently = (holder: LeaseHolder, realNow: number, lease: LeaseOptions): boolean => holder.heartbeatAt > realNow - lease.leaseTimeoutMs;

function refuseWhileLive(jobType: JobType, holder: LeaseHolder, realNow: number, lease: LeaseOptions): void {
  if (beatRecently(holder, realNow, lease)) {
    throw new AppError('job_running', `a ${jobType} run (${holder.runId}) is in progress; try again when it has ended`);
  }
}

const sameHolder = (a: LeaseHolder, b: LeaseHolder): boolean => a.runId === b.runId && a.owner === b.owner && a.heartbeatAt === b.heartbeatAt;

/**
 * Marks the run of a job type failed when its lease has gone stale, so the job log does not show a dead run as
 * running until the next start. True when it found one.
 */
export async function reapDeadRun(ctx: AppContext, jobType: JobType, lease: LeaseOptions): Promise<boolean> {
  const { database } = ctx;
  // A look without a lock first: the lock waits for the batches of a live run, which is nearly always what it finds.
  const seen = await peekLease(database.db, jobType);
  if (seen.runId === null || beatRecently(seen, Date.now(), lease)) return false;
  const reaped = await database.transaction(async (trx) => {
    const holder = await readLease(trx, database.store, jobType);
    const realNow = Date.now();
    if (holder.runId === null || beatRecently(holder, realNow, lease)) return null;
    const run = await failDeadRun(ctx, trx, jobType, holder, realNow, lease);
    await dropLease(trx, jobType, holder.runId);
    return run ?? null;
  });
  if (reaped === null) return false;
  reportReaped(ctx, reaped);
  return true;
}

/** Ends the run of a runner that stopped sending heartbeats; answers the run as it ended. */
async function failDeadRun(ctx: AppContext, trx: Executor, jobType: JobType, holder: LeaseHolder, realNow: number, lease: LeaseOptions): Promise<JobRun | undefined> {
  const silentFor = Math.round((realNow - holder.heartbeatAt) / 1000);
  const why = `its runner (${holder.owner}) stopped sending heartbeats for ${silentFor} s (the process ended or lost the database); the work it committed stays done`;
  lease.onDeadRun?.(jobType, holder);
  await finishRun(trx, holder.runId!, 'failed', why, ctx.clock.now());
  return getRun(trx, holder.runId!);
}

/** A run whose process died ends in this one, after the commit: the job-run metrics count it as failed too. */
function reportReaped(ctx: AppContext, run: JobRun | undefined): void {
  if (run?.finishedAt == null) return;
  ctx.metrics.jobRunEnded(run, Math.max(0, run.finishedAt - run.startedAt) / 1000);
}
