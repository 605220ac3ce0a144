/**
 * The job runner: one run per job type at a time, held by a lease with a heartbeat in the database, so it
 * works across processes. Work goes in batches of skus, in sku order; each batch is one transaction holding
 * the line moves, their events, the run's records and its counters, and it commits only while the lease is
 * still ours. A run that dies leaves committed batches done and the rest untouched; the next run recomputes
 * from the current state, so it finishes the work and never moves a line twice.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { AppError } from '../app/errors.ts';
import type { AppContext } from '../app/context.ts';
import { readPolicy, readSettings } from '../app/settings/settings.query.ts';
import { loadSupply } from '../app/inventory/supply.ts';
import { businessDateOf } from '../domain/calendar/business-date.ts';
import { SupplyBook } from '../domain/atp/promising.ts';
import { CandidateResolver } from '../domain/policy/fulfillment-policy.ts';
import { horizonOf } from '../domain/settings/settings.ts';
import type { Settings } from '../domain/settings/settings.ts';
import { planJobBatch } from '../domain/holds/job-plan.ts';
import type { JobLine, JobOutcome, JobType } from '../domain/holds/job-plan.ts';
import type { LineChange } from '../domain/order/order-line.ts';
import { RetryableConflict } from '../store/database.ts';
import type { Executor } from '../store/database.ts';
import { allLocations, findProducts } from '../store/repositories/catalog.repository.ts';
import { reserve } from '../store/repositories/stock.repository.ts';
import {
  addRunCounts,
  countInScope,
  dropLease,
  finishRun,
  heldLinesOfSkus,
  insertRun,
  insertRunRecords,
  nextHeldSkus,
  readLease,
  renewLease,
  takeLease,
  getRun,
} from '../store/repositories/jobs.repository.ts';
import type { JobRun, LeaseHolder, RunCounts } from '../store/repositories/jobs.repository.ts';
import { writeLineChanges } from '../app/orders/line-writes.ts';
import { JOB_DEFINITIONS } from './job-definitions.ts';

export type Trigger = 'scheduled' | 'manual' | 'event';

export interface RunRequest {
  readonly jobType: JobType;
  readonly trigger: Trigger;
  /** The skus an event run covers; null for every sku. */
  readonly skus: readonly string[] | null;
}

export interface RunnerOptions {
  readonly leaseTimeoutMs: number;
  readonly batchSkus: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface StartedRun {
  readonly run: JobRun;
  /** Settles with the finished run (succeeded or failed); never rejects. */
  readonly done: Promise<JobRun>;
}

class LeaseLost extends Error {}
class Interrupted extends Error {}

/** Everything a run reads once at its start: one consistent pass for the whole run. */
interface RunFrame {
  readonly run: JobRun;
  readonly settings: Settings;
  readonly today: string;
  readonly horizon: number;
  readonly resolver: CandidateResolver;
}

const ZERO: RunCounts = { movedToFulfillment: 0, movedToBackorder: 0, stillOnHold: 0, canceled: 0, failedRecords: 0 };
const COUNT_OF: Record<JobOutcome, keyof RunCounts> = {
  movedToFulfillment: 'movedToFulfillment',
  movedToBackorder: 'movedToBackorder',
  stillOnHold: 'stillOnHold',
  canceled: 'canceled',
};

export class JobRunner {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly active = new Map<string, Promise<JobRun>>();
  private stopping = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: RunnerOptions,
  ) {}

  /**
   * Claims the job type's lease and records the run, then works in the background. Throws `job_running` (409)
   * while a live run of the type holds the lease; a run whose heartbeat stopped is marked failed and replaced.
   */
  async start(request: RunRequest): Promise<StartedRun> {
    if (this.stopping) throw new AppError('unavailable', 'the service is shutting down');
    const { database, clock, ids } = this.ctx;
    const frame = await database.transaction(async (trx) => {
      const lease = await readLease(trx, request.jobType, database.dialect === 'postgres');
      const realNow = Date.now();
      if (lease.runId !== null) {
        if (lease.heartbeatAt > realNow - this.options.leaseTimeoutMs) {
          throw new AppError('job_running', `a ${request.jobType} run (${lease.runId}) is in progress; try again when it has ended`);
        }
        await this.failDeadRun(trx, request.jobType, lease, realNow);
      }
      const startedAt = clock.now();
      const [settings, policy, locations] = await Promise.all([readSettings(trx), readPolicy(trx), allLocations(trx)]);
      const today = businessDateOf(startedAt, settings.timeZone);
      const only = request.skus === null ? null : [...new Set(request.skus)].sort();
      const run: JobRun = {
        id: ids.next('run'),
        jobType: request.jobType,
        trigger: request.trigger,
        status: 'running',
        startedAt,
        finishedAt: null,
        processed: await countInScope(trx, { jobType: request.jobType, startedAt, today, only }),
        ...ZERO,
        error: null,
        skus: only,
      };
      await insertRun(trx, run, this.owner, realNow);
      await takeLease(trx, request.jobType, run.id, this.owner, realNow);
      return { run, settings, today, horizon: horizonOf(settings), resolver: new CandidateResolver(policy, locations) } satisfies RunFrame;
    });
    const done = this.execute(frame);
    this.active.set(frame.run.id, done);
    void done.finally(() => this.active.delete(frame.run.id));
    return { run: frame.run, done };
  }

  /**
   * Marks the run of a job type failed when its lease has gone stale, so the job log does not show a dead run
   * as running until the next start. `serve` calls this every few seconds.
   */
  async reapDeadRun(jobType: JobType): Promise<boolean> {
    const { database } = this.ctx;
    return database.transaction(async (trx) => {
      const lease = await readLease(trx, jobType, database.dialect === 'postgres');
      const realNow = Date.now();
      if (lease.runId === null || lease.heartbeatAt > realNow - this.options.leaseTimeoutMs) return false;
      await this.failDeadRun(trx, jobType, lease, realNow);
      await dropLease(trx, jobType, lease.runId);
      return true;
    });
  }

  private async failDeadRun(trx: Executor, jobType: JobType, lease: LeaseHolder, realNow: number): Promise<void> {
    const silentFor = Math.round((realNow - lease.heartbeatAt) / 1000);
    const why = `its runner (${lease.owner}) stopped sending heartbeats for ${silentFor} s (the process ended or lost the database); the work it committed stays done`;
    this.options.log?.('warn', 'job run presumed dead', { jobType, runId: lease.runId, owner: lease.owner });
    await finishRun(trx, lease.runId!, 'failed', why, this.ctx.clock.now());
  }

  /** Runs of this process that have not ended yet. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Stops taking runs, lets each active run end after its current batch (as failed) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.active.values());
  }

  private async execute(frame: RunFrame): Promise<JobRun> {
    const { run } = frame;
    const startedReal = Date.now();
    const { database, clock } = this.ctx;
    let lost = false;
    let failure: string | null = null;
    const heartbeat = setInterval(() => {
      renewLease(database.db, run.jobType, run.id, Date.now()).then(
        (held) => {
          if (!held) lost = true;
        },
        () => {
          // A missed beat is no failure by itself: the next batch renews the lease or fails the run.
        },
      );
    }, Math.max(50, Math.floor(this.options.leaseTimeoutMs / 3)));
    try {
      const preorderOnly = JOB_DEFINITIONS[run.jobType as JobType].preorderSkusOnly;
      let after: string | null = null;
      for (;;) {
        if (this.stopping) throw new Interrupted('interrupted: the service stopped; the next run finishes the work');
        if (lost) throw new LeaseLost('another runner took over the lease');
        const skus = await nextHeldSkus(database.db, { after, limit: this.options.batchSkus, only: run.skus, preorderOnly });
        if (skus.length === 0) break;
        await this.batch(frame, skus);
        after = skus[skus.length - 1]!;
      }
      await database.transaction(async (trx) => {
        await finishRun(trx, run.id, 'succeeded', null, clock.now());
        await dropLease(trx, run.jobType, run.id);
      });
      this.options.log?.('info', 'job run succeeded', { runId: run.id, jobType: run.jobType });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failure = message;
      this.options.log?.('error', 'job run failed', { runId: run.id, jobType: run.jobType, error: message });
      try {
        await database.transaction(async (trx) => {
          await finishRun(trx, run.id, 'failed', message, clock.now());
          await dropLease(trx, run.jobType, run.id);
        });
      } catch {
        // The database is gone: the lease times out and the next run marks this one failed.
      }
    } finally {
      clearInterval(heartbeat);
    }
    // With the database gone the run could not record its end: answer the failure as this process saw it.
    const ended = (await getRun(database.db, run.id).catch(() => undefined)) ?? { ...run, status: 'failed' as const, error: failure ?? 'the run could not be read back' };
    this.ctx.metrics.jobRunEnded(ended, (Date.now() - startedReal) / 1000);
    return ended;
  }

  /** One batch of skus in one transaction; a batch that cannot be done is recorded line by line as failed. */
  private async batch(frame: RunFrame, skus: readonly string[]): Promise<void> {
    try {
      const changes = await this.ctx.database.transaction((trx) => this.batchInTransaction(trx, frame, skus));
      this.ctx.metrics.linesMoved(changes.map((c) => c.event));
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      await this.recordFailedBatch(frame, skus, error);
    }
  }

  /** Answers the line changes it wrote (for the metrics, once committed). */
  private async batchInTransaction(trx: Executor, frame: RunFrame, skus: readonly string[]): Promise<readonly LineChange[]> {
    const { run, settings, today, horizon, resolver } = frame;
    const { database, clock } = this.ctx;
    if (!(await renewLease(trx, run.jobType, run.id, Date.now()))) throw new LeaseLost('another runner took over the lease');
    await database.lockSkus(trx, skus);
    const now = clock.now();
    const [lines, products, supply] = await Promise.all([
      heldLinesOfSkus(trx, skus),
      findProducts(trx, skus),
      loadSupply(trx, skus, today, horizon, { withPromises: false }),
    ]);
    const definition = JOB_DEFINITIONS[run.jobType as JobType];
    const jobLines: JobLine[] = lines.map((l) => ({
      ...l,
      candidates: resolver.candidates({ country: l.shipCountry, region: l.shipRegion, channel: l.channel, sku: l.sku }),
      allowBackorder: products.get(l.sku)?.allowBackorder ?? true,
    }));
    const plan = planJobBatch(jobLines, {
      jobType: run.jobType as JobType,
      today,
      now,
      backorders: settings.backorders,
      cancellationSlaDays: settings.cancellationSlaDays,
      book: new SupplyBook(horizon, supply),
      inScope: (l) => definition.inScopeAtStart(l, run.startedAt),
      eventContext: { runId: run.id, jobType: run.jobType, trigger: run.trigger },
    });

    for (const [key, quantity] of releasedQuantities(plan.changes)) {
      const [sku, locationId] = key.split('\u0000') as [string, string];
      if (!(await reserve(trx, sku, locationId, quantity, now))) throw new RetryableConflict(`stock of ${sku} at ${locationId} changed during the run`);
    }
    await writeLineChanges(trx, plan.changes, now);
    await insertRunRecords(
      trx,
      run.id,
      plan.changes.map((c) => ({
        lineId: c.after.id,
        orderId: c.after.orderId,
        from: c.before.statusReason,
        to: c.after.statusReason,
        inventoryAvailabilityDate: c.after.inventoryAvailabilityDate,
        estimatedShipmentDate: c.after.estimatedShipmentDate,
        error: null,
      })),
    );
    const counts: Record<keyof RunCounts, number> = { ...ZERO };
    for (const outcome of plan.outcomes.values()) counts[COUNT_OF[outcome]]++;
    await addRunCounts(trx, run.id, counts);
    return plan.changes;
  }

  private async recordFailedBatch(frame: RunFrame, skus: readonly string[], error: unknown): Promise<void> {
    const { run } = frame;
    const message = error instanceof Error ? error.message : String(error);
    this.options.log?.('warn', 'job batch failed', { runId: run.id, skus: skus.length, error: message });
    const definition = JOB_DEFINITIONS[run.jobType as JobType];
    // If this fails too, the database is gone: the error ends the run and the next run redoes these skus.
    await this.ctx.database.transaction(async (trx) => {
      const failed = (await heldLinesOfSkus(trx, skus)).filter(
        (l) => definition.movesLine(l, frame.today) && definition.inScopeAtStart(l, run.startedAt),
      );
      await insertRunRecords(
        trx,
        run.id,
        failed.map((l) => ({
          lineId: l.id,
          orderId: l.orderId,
          from: l.statusReason,
          to: l.statusReason,
          inventoryAvailabilityDate: l.inventoryAvailabilityDate,
          estimatedShipmentDate: l.estimatedShipmentDate,
          error: message,
        })),
      );
      await addRunCounts(trx, run.id, { ...ZERO, failedRecords: failed.length });
    });
  }
}

/** Quantities released per (sku, location): one guarded reservation each. */
function releasedQuantities(changes: readonly LineChange[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of changes) {
    if (c.after.statusReason !== 'AwaitingFulfillment' || c.after.locationId === null) continue;
    const key = `${c.after.sku}\u0000${c.after.locationId}`;
    out.set(key, (out.get(key) ?? 0) + c.after.quantity);
  }
  return out;
}
