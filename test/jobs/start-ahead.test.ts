/**
 * A large run's start read ahead (src/app/jobs/start-run.ts): its count of the lines in scope is read in a snapshot
 * before the start transaction, by the planner's thread in `serve`, so the request thread never counts a million
 * lines. Here the reader is a stand-in that can make things happen between its snapshot and the start transaction:
 *  - the run is that of a run started at the snapshot: a line held later is out of its scope, a line canceled later
 *    is counted as canceled, and the counts add up to `processed`;
 *  - a run of the job type that started and ended in between makes the start read again in its transaction;
 *  - a run in progress is refused before anything is counted, and small runs are counted without the reader.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { BatchPlanner } from '../../src/jobs/batch-planner.ts';
import { readRunStartAhead, startRun } from '../../src/app/jobs/start-run.ts';
import type { RunStartAhead, RunStartReader } from '../../src/app/jobs/start-run.ts';
import { endRun } from '../../src/app/jobs/end-run.ts';
import { runBatch } from '../../src/app/jobs/job-batch.ts';
import { AppError } from '../../src/app/errors.ts';
import { T0, expectInvariants, ok, place, setOnHand, setupWorld } from './job-helpers.ts';

const LEASE = { leaseTimeoutMs: 60_000, owner: 'test' };

/** A runner whose planner only reads starts, through `reader` (every batch is then planned under its lock). */
function runnerWith(t: TestService, reader: RunStartReader, minLines = 0): JobRunner {
  const planner = { readStart: reader, plan: async () => null, prestart: () => undefined, stop: async () => undefined } as unknown as BatchPlanner;
  return new JobRunner(t.service.ctx, { leaseTimeoutMs: 60_000, batchSkus: 10, planner, plannerMinLines: minLines });
}

describe.each(DATABASE_KINDS)('a run start read ahead on %s', (kind) => {
  const services: TestService[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const s of services.splice(0)) await s.close();
  });

  /** Three held lines of SA-1 (one order each), none releasable. */
  async function world(): Promise<{ t: TestService; orders: any[] }> {
    const t = await startTestService(kind, { now: T0 });
    services.push(t);
    await setupWorld(t, { products: { 'SA-1': {}, 'SA-2': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    const orders = [];
    for (const name of ['a', 'b', 'c']) orders.push(await place(t, name, [['SA-1', 1]]));
    return { t, orders };
  }

  it('runs as a run started at its snapshot: a line held later waits, a line canceled later counts as canceled', async () => {
    const { t, orders } = await world();
    let late: any = null;
    const runner = runnerWith(t, async (request, startedAt) => {
      const ahead = await readRunStartAhead(t.service.ctx, request, startedAt);
      // Between the snapshot and the start transaction: a new held line, and a held line canceled.
      late = await place(t, 'late', [['SA-2', 1]]);
      await ok(t, 'POST', `/api/orders/${orders[0].id}/cancel`);
      return ahead;
    });
    const started = await runner.start({ jobType: 'backorder', trigger: 'manual', skus: null });
    expect(started.run.processed).toBe(3);
    const run = await started.done;
    expect(run).toMatchObject({ status: 'succeeded', processed: 3, stillOnHold: 2, canceled: 1, movedToFulfillment: 0, failedRecords: 0 });
    const records = (await ok(t, 'GET', `/api/jobs/runs/${run.id}?limit=100`)).records.items as { lineId: string }[];
    expect(records.map((r) => r.lineId)).not.toContain(late.lines[0].id);
    expect((await ok(t, 'GET', `/api/orders/${late.id}`)).lines[0].statusReason).toBe('BackorderHold');
    await expectInvariants(t.service.database.db);
  });

  it('reads the start again in its transaction when a run of the type started and ended since the snapshot', async () => {
    const { t } = await world();
    const { ctx } = t.service;
    let stale: RunStartAhead | null = null;
    const runner = runnerWith(t, async (request, startedAt) => {
      stale = await readRunStartAhead(ctx, request, startedAt);
      // Another runner's whole run goes between: stock for two lines arrives, and it releases them.
      await setOnHand(t, [{ sku: 'SA-1', locationId: 'EAST', onHand: 2 }]);
      const other = await startRun(ctx, { jobType: 'backorder', trigger: 'manual', skus: null }, { leaseTimeoutMs: 60_000, owner: 'other' });
      await runBatch(ctx, other, ['SA-1'], null);
      // The other run ends a minute after this start was asked for.
      await t.setClock('2028-06-01T09:01:00Z');
      await endRun(ctx, other.run, 'succeeded', null);
      otherRunId = other.run.id;
      return stale;
    });
    let otherRunId = '';
    const started = await runner.start({ jobType: 'backorder', trigger: 'manual', skus: null });
    expect(stale!.processed, 'the snapshot counted all three').toBe(3);
    expect(started.run.processed, 'counted again: one line is still held').toBe(1);
    // This run holds the lease only after the other ended: it starts then, not when it was asked for.
    const ended = await ok(t, 'GET', `/api/jobs/runs/${otherRunId}?limit=1`);
    expect(Date.parse(ended.finishedAt)).toBe(Date.parse('2028-06-01T09:01:00Z'));
    expect(Date.parse((await ok(t, 'GET', `/api/jobs/runs/${started.run.id}?limit=1`)).startedAt)).toBeGreaterThanOrEqual(Date.parse(ended.finishedAt));
    const run = await started.done;
    expect(run).toMatchObject({ status: 'succeeded', processed: 1, stillOnHold: 1, canceled: 0, movedToFulfillment: 0 });
    await expectInvariants(t.service.database.db);
  });

  it('refuses a run while one is in progress without counting, and counts small runs without the reader', async () => {
    const { t } = await world();
    let reads = 0;
    const reader: RunStartReader = (request, startedAt) => {
      reads++;
      return readRunStartAhead(t.service.ctx, request, startedAt);
    };
    const live = await startRun(t.service.ctx, { jobType: 'backorder', trigger: 'manual', skus: null }, LEASE);
    const refused = await runnerWith(t, reader).start({ jobType: 'backorder', trigger: 'manual', skus: null }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('job_running');
    expect(reads).toBe(0);
    await endRun(t.service.ctx, live.run, 'succeeded', null);

    // Three lines in scope: under a minimum of 4 they are counted here, at 3 or more by the reader.
    const small = await runnerWith(t, reader, 4).start({ jobType: 'backorder', trigger: 'manual', skus: null });
    expect((await small.done).processed).toBe(3);
    expect(reads).toBe(0);
    const large = await runnerWith(t, reader, 3).start({ jobType: 'backorder', trigger: 'manual', skus: null });
    expect((await large.done).processed).toBe(3);
    expect(reads).toBe(1);
  });

  it('counts through the planner thread in a service whose runs plan ahead', async () => {
    // Watched before the service starts: its runner keeps the planner's reader from then on.
    const readStart = vi.spyOn(BatchPlanner.prototype, 'readStart');
    const t = await startTestService(kind, { now: T0, config: { jobPlannerMinLines: 0 } });
    services.push(t);
    await setupWorld(t, { products: { 'SB-1': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    for (const name of ['a', 'b']) await place(t, name, [['SB-1', 2]]);
    await setOnHand(t, [{ sku: 'SB-1', locationId: 'EAST', onHand: 2 }]);
    const r = await t.api('POST', '/api/jobs/backorder/runs?wait=true');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'succeeded', processed: 2, movedToFulfillment: 1, stillOnHold: 1 });
    expect(readStart, 'starts read by the planner').toHaveBeenCalledTimes(1);
    await expectInvariants(t.service.database.db);
  });
});
