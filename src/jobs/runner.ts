/**
 * The job runner: one run per job type at a time, held by a lease with a heartbeat in the database, so it works
 * across processes. It walks the skus in sku order in small batches (a few skus, bounded by their held lines); each
 * batch is one transaction (`runBatch` in src/app/jobs) committed only while the lease is still ours. Between
 * batches it gives the event loop back, so the service answers while a run goes on, whatever its size. A run that
 * dies leaves committed batches done and the rest untouched; the next run recomputes from the current state, so it
 * finishes the work and never moves a line twice.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../app/errors.ts';
import type { AppContext } from '../app/context.ts';
import { reapDeadRun, startRun } from '../app/jobs/start-run.ts';
import type { LeaseOptions, RunFrame, RunRequest, Trigger } from '../app/jobs/start-run.ts';
import { LeaseLost, recordFailedBatch, runBatch } from '../app/jobs/job-batch.ts';
import type { PlannedBatch } from '../app/jobs/job-batch.ts';
import type { BatchPlanner } from './batch-planner.ts';
import { endRun, heartbeat, readRun } from '../app/jobs/end-run.ts';
import { nextSkus } from '../app/jobs/next-skus.ts';
import { intakeActive } from '../app/group-commit.ts';
import type { JobType } from '../domain/holds/job-kind.ts';
import type { JobRun } from '../app/jobs/jobs.query.ts';

export type { RunRequest, Trigger };

export interface RunnerOptions {
  readonly leaseTimeoutMs: number;
  /** At most this many skus per batch transaction. */
  readonly batchSkus: number;
  /** A batch stops taking skus once their held lines reach this many (a sku is never split). */
  readonly batchLines?: number;
  /**
   * Batches are sized to keep the request thread busy for about this long each (its own work, not its waits on the
   * database): the size follows the busy time per line of the batches so far, between a hundred lines and
   * `batchLines`. Null: every batch takes `batchLines`.
   */
  readonly batchTargetMs?: number | null;
  /** Batches of one run in progress at once (disjoint skus, each its own transaction); 1 where writers queue anyway. */
  readonly parallelBatches?: number;
  /** Plans batches ahead in a worker thread (null: every batch is planned under its lock). */
  readonly planner?: BatchPlanner | null;
  /** Runs with fewer lines in scope than this plan under the lock: a thread is not worth it for a few batches. */
  readonly plannerMinLines?: number;
  /**
   * While intake goes on, the pause after a batch starts only once the next batch's plan (made meanwhile in the
   * planner's thread) is ready, and lasts in proportion to both: the planner then leaves intake the cores as well as
   * the database (docs/performance-journal.md, "The pause waits for the next plan (SQLite)").
   */
  readonly pauseAfterPlanning?: boolean;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface StartedRun {
  readonly run: JobRun;
  /** Settles with the finished run (succeeded or failed); never rejects. */
  readonly done: Promise<JobRun>;
}

class Interrupted extends Error {}

/** A batch waiting its turn: its skus, the lines it was sized for, and its plan (made ahead, or null). */
interface Queued {
  readonly skus: readonly string[];
  readonly lines: number;
  planned: Promise<PlannedBatch | null>;
  /** Whether `planned` has settled. */
  ready: boolean;
}

export const DEFAULT_BATCH_LINES = 2_000;
/** The smallest batch an adaptive size goes down to: below it, per-batch costs outweigh the lines. */
const MIN_BATCH_LINES = 100;
/** How many times its usual lines a batch may span while the skus it meets are settled. */
const SETTLED_STRETCH = 10;
/** The longest pause a batch leaves to intake. */
const MAX_PAUSE_MS = 250;
/**
 * The pause after a batch while intake goes on, as a share of the time the batch held the database (with
 * `pauseAfterPlanning`, until the next plan was ready too): a quarter more, as SQLite's checkpoints still take part
 * of the cores meanwhile. Twice as long made a run under intake a third longer and bought intake hardly any more of
 * its rate (docs/performance-journal.md, "Intake during a run on SQLite, and a longer pause"): what it lacks then
 * is CPU, not the database.
 */
const PAUSE_SHARE = 1.25;

export class JobRunner {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly active = new Map<string, Promise<JobRun>>();
  private stopping = false;
  /**
   * Batches written from a plan made ahead, and batches planned under their lock (a plan out of date, or none); skus
   * skipped as settled, and skus planned; pauses left to intake, and those of them that began while the planner's
   * thread was still planning.
   */
  readonly batches = { plannedAhead: 0, plannedUnderLock: 0, skippedSkus: 0, plannedSkus: 0, pauses: 0, pausesWhilePlanning: 0 };
  private readonly lease: LeaseOptions;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: RunnerOptions,
  ) {
    this.lease = {
      leaseTimeoutMs: options.leaseTimeoutMs,
      owner: this.owner,
      onDeadRun: (jobType, holder) => options.log?.('warn', 'job run presumed dead', { jobType, runId: holder.runId, owner: holder.owner }),
    };
  }

  /**
   * Claims the job type's lease and records the run, then works in the background. Throws `job_running` (409)
   * while a live run of the type holds the lease; a run whose heartbeat stopped is marked failed and replaced.
   */
  async start(request: RunRequest): Promise<StartedRun> {
    if (this.stopping) throw new AppError('unavailable', 'the service is shutting down');
    const { planner, plannerMinLines } = this.options;
    // With a planner, a large run's start (its count of the lines in scope) is read in the planner's thread.
    const ahead = planner ? { reader: planner.readStart.bind(planner), minLines: plannerMinLines ?? 0 } : undefined;
    const frame = await startRun(this.ctx, request, this.lease, ahead);
    const done = this.execute(frame);
    this.active.set(frame.run.id, done);
    void done.finally(() => this.active.delete(frame.run.id));
    return { run: frame.run, done };
  }

  /** Marks a dead run of the job type failed (its lease went stale); `serve` calls this every few seconds. */
  reapDeadRun(jobType: JobType): Promise<boolean> {
    return reapDeadRun(this.ctx, jobType, this.lease);
  }

  /** Runs of this process that have not ended yet. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Stops taking runs, lets each active run end after its current batch (as failed) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.active.values());
    await this.options.planner?.stop();
  }

  private async execute(frame: RunFrame): Promise<JobRun> {
    const { run } = frame;
    const startedReal = Date.now();
    let lost = false;
    let failure: string | null = null;
    const bulk = this.ctx.database.bulkWrites();
    // One beat at a time: a beat that waits (the database busy) is not joined by more, each holding a connection; a
    // beat due meanwhile goes as soon as it lands.
    let beating = false;
    let due = false;
    const sendBeat = (): void => {
      if (beating) {
        due = true;
        return;
      }
      beating = true;
      heartbeat(this.ctx, run)
        .then(
          (held) => {
            if (!held) lost = true;
          },
          () => {
            // A missed beat is no failure by itself: the next one tries again, and a batch ends the run if another
            // runner has taken the lease meanwhile.
          },
        )
        .finally(() => {
          beating = false;
          if (due) {
            due = false;
            sendBeat();
          }
        });
    };
    const beat = setInterval(sendBeat, Math.max(50, Math.floor(this.options.leaseTimeoutMs / 3)));
    try {
      let after: string | null = null;
      let exhausted = false;
      const parallel = Math.max(1, this.options.parallelBatches ?? 1);
      const planner = run.processed >= (this.options.plannerMinLines ?? 0) ? (this.options.planner ?? null) : null;
      // With a planner, the next batches are read and planned in its thread while these are written.
      const lookahead = planner ? parallel + 1 : parallel;
      const queued: Queued[] = [];
      const size = new BatchSize(this.options.batchLines ?? DEFAULT_BATCH_LINES, this.options.batchTargetMs ?? null);
      const going = new Set<Promise<void>>();
      try {
        for (;;) {
          // Give the loop back between batches: requests, timers and the heartbeat run here.
          await yieldToLoop();
          if (this.stopping) throw new Interrupted('interrupted: the service stopped; the next run finishes the work');
          if (lost) throw new LeaseLost('another runner took over the lease');
          while (!exhausted && queued.length < lookahead) {
            const lines = size.next();
            const skus = await nextSkus(this.ctx, frame.scope, { after, maxSkus: this.options.batchSkus, maxLines: lines });
            if (skus.length === 0) {
              exhausted = true;
              break;
            }
            after = skus[skus.length - 1]!;
            const entry: Queued = { skus, lines, planned: Promise.resolve(null), ready: planner === null };
            if (planner) entry.planned = planner.plan(frame, skus, this.ctx.clock.now()).finally(() => (entry.ready = true));
            queued.push(entry);
          }
          // While intake is going on, one batch at a time, each followed by a pause a quarter longer than it took,
          // at most MAX_PAUSE_MS (below).
          const share = intakeActive(this.ctx.database);
          while (going.size < (share ? 1 : parallel) && queued.length > 0) {
            const { skus, lines, planned } = queued.shift()!;
            const batch: Promise<void> = planned.then((ahead) => this.batch(frame, skus, ahead, (ms, skipped) => size.took(ms, lines, skipped), () => queued[0])).finally(() => going.delete(batch));
            going.add(batch);
          }
          if (going.size === 0) break;
          await Promise.race(going);
        }
      } finally {
        // A run ends only once none of its batches is still writing.
        await Promise.allSettled([...going]);
      }
      await endRun(this.ctx, run, 'succeeded', null);
      this.options.log?.('info', 'job run succeeded', { runId: run.id, jobType: run.jobType });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failure = message;
      this.options.log?.('error', 'job run failed', { runId: run.id, jobType: run.jobType, error: message });
      try {
        await endRun(this.ctx, run, 'failed', message);
      } catch {
        // The database is gone: the lease times out and the next run marks this one failed.
      }
    } finally {
      clearInterval(beat);
      bulk();
    }
    // With the database gone the run could not record its end: answer the failure as this process saw it.
    const ended: JobRun = (await readRun(this.ctx, run.id).catch(() => undefined)) ?? { ...run, status: 'failed', error: failure ?? 'the run could not be read back' };
    this.ctx.metrics.jobRunEnded(ended, (Date.now() - startedReal) / 1000);
    return ended;
  }

  /**
   * One batch; a batch that cannot be written is recorded line by line as failed and the run goes on. `next` is the
   * batch after it, if one is queued.
   */
  private async batch(
    frame: RunFrame,
    skus: readonly string[],
    ahead: PlannedBatch | null,
    took: (ms: number, skippedShare: number) => void,
    next: () => Queued | undefined,
  ): Promise<void> {
    try {
      const began = performance.now();
      const loop = performance.eventLoopUtilization();
      const result = await runBatch(this.ctx, frame, skus, ahead);
      // The request thread's busy time during the batch (on SQLite all of it; on PostgreSQL without the waits).
      took(performance.eventLoopUtilization(loop).active, result.skipped / Math.max(1, skus.length));
      this.batches[result.usedPlanAhead ? 'plannedAhead' : 'plannedUnderLock']++;
      this.batches.skippedSkus += result.skipped;
      this.batches.plannedSkus += skus.length - result.skipped;
      this.ctx.metrics.linesMoved(result.moves);
      // Intake waits for a batch's commit (its skus' locks; on SQLite the one connection): while orders are
      // arriving, the run leaves the database to them for a little longer than the batch held it (with
      // `pauseAfterPlanning`, than until the next plan was ready), so intake keeps at least half of its rate and the
      // run keeps going.
      if (intakeActive(this.ctx.database)) {
        const following = next();
        // How the next plan settles is the next batch's concern, not this one's; a stopping run does not wait for it.
        if (this.options.pauseAfterPlanning && following && !this.stopping) await following.planned.catch(() => null);
        this.batches.pauses++;
        if (following?.ready === false) this.batches.pausesWhilePlanning++;
        await sleep(Math.min(MAX_PAUSE_MS, PAUSE_SHARE * (performance.now() - began)));
      }
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.('warn', 'job batch failed', { runId: frame.run.id, skus: skus.length, error: message });
      // If this fails too, the database is gone: the error ends the run and the next run redoes these skus.
      await recordFailedBatch(this.ctx, frame, skus, message);
    }
  }
}

/**
 * The size of the next batch: fixed, or following the time per line of the batches so far towards a target time,
 * starting from the smallest: the first batches of a process's first run run on code not yet compiled, and a first
 * batch of 500 lines held SQLite's request thread for about 60 ms where later ones took 15-25 ms (requests during the
 * first half-second of a run over 10,000 lines waited up to 180 ms at p99, against 40-80 ms starting at 100 lines).
 * Settled skus are skipped without their lines being read: while most skus of the recent batches were, a batch
 * spans up to `SETTLED_STRETCH` times as many lines.
 */
export class BatchSize {
  private msPerLine: number | null = null;
  private skippedShare = 0;

  constructor(
    private readonly maxLines: number,
    private readonly targetMs: number | null,
  ) {}

  next(): number {
    const stretch = Math.min(SETTLED_STRETCH, 1 / Math.max(1 / SETTLED_STRETCH, 1 - this.skippedShare));
    if (this.targetMs === null) return Math.round(this.maxLines * stretch);
    if (this.msPerLine === null) return Math.min(this.maxLines, MIN_BATCH_LINES);
    return Math.max(MIN_BATCH_LINES, Math.min(Math.round(this.maxLines * stretch), Math.round(this.targetMs / this.msPerLine)));
  }

  /** A batch of `lines` lines took `ms` of the request thread; `skippedShare` of its skus were skipped as settled. */
  took(ms: number, lines: number, skippedShare = 0): void {
    const perLine = ms / Math.max(1, lines);
    // Moving averages: one slow batch (a checkpoint, a collection) does not halve the next ones.
    this.msPerLine = this.msPerLine === null ? perLine : 0.7 * this.msPerLine + 0.3 * perLine;
    this.skippedShare = 0.5 * this.skippedShare + 0.5 * skippedShare;
  }
}
