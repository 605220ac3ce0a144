/**
 * A run's counts and its per-line records (SPEC section 5): movedToFulfillment + movedToBackorder + stillOnHold +
 * canceled + failedRecords = processed; one record per line moved or re-dated (a re-dated line's record has
 * from = to), none for the others; the records are paged by a cursor. Worked by hand, today 2028-06-01 (UTC),
 * schedule on, EAST (1 handling day) only stocked. `processed` stays the number of lines in scope when the run
 * started, even when a line leaves the scope before its batch comes or the run ends before reaching it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/tables/index.ts';
import { finishRun } from '../../src/store/repositories/jobs.repository.ts';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectInvariants, expectRunAccounted, getOrder, lineSnapshot, ok, place, plusMs, runDetails, runNow, schedule, setOnHand, setupWorld } from './job-helpers.ts';

const MINUTE = 60_000;
const rec = (line: any, from: string, to: string, iad: string | null, esd: string | null, locationId: string | null = iad === null ? null : 'EAST') => ({
  lineId: line.id,
  orderId: line.orderId,
  sku: line.sku,
  locationId,
  quantity: line.quantity,
  from,
  to,
  inventoryAvailabilityDate: iad,
  estimatedShipmentDate: esd,
  error: null,
});

const COUNTS = ['movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
const accounted = (run: any) => COUNTS.reduce((sum, k) => sum + run[k], 0);

/** The runner's batch step (private), wrapped by the tests to act between batches. */
type BatchStep = (frame: unknown, skus: readonly string[]) => Promise<void>;

/** A run row as a runner leaves it while it works: `processed` from the start, counts from committed batches. */
async function insertRunningRun(db: Kysely<DB>, id: string, processed: number, counts: Partial<Record<(typeof COUNTS)[number], number>>): Promise<void> {
  await db
    .insertInto('job_runs')
    .values({
      id,
      job_type: 'backorder',
      trigger: 'manual',
      status: 'running',
      started_at: Date.parse(T0),
      finished_at: null,
      heartbeat_at: Date.now(),
      owner: 'test',
      skus: null,
      processed,
      moved_to_fulfillment: counts.movedToFulfillment ?? 0,
      moved_to_backorder: counts.movedToBackorder ?? 0,
      still_on_hold: counts.stillOnHold ?? 0,
      canceled: counts.canceled ?? 0,
      failed_records: counts.failedRecords ?? 0,
      error: null,
    })
    .execute();
}

describe.each(DATABASE_KINDS)('run counts and records on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('records every line moved or re-dated, none of the others, and the counts match them', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: { 'R-1': {}, 'PV-1': { preorderEligible: true, launchDate: '2028-06-03' } },
      settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } },
    });
    await schedule(t, [
      { sku: 'R-1', locationId: 'EAST', date: '2028-06-05', quantity: 3 },
      { sku: 'R-1', locationId: 'EAST', date: '2028-06-10', quantity: 3 },
    ]);
    // Intake, nothing on hand: a takes 2 of the 06-05 receipt (1 left there), b and c fit from 06-10 only.
    const a = await place(t, 'a', [['R-1', 2]]);
    await t.setClock(plusMs(T0, MINUTE));
    const b = await place(t, 'b', [['R-1', 2]]);
    await t.setClock(plusMs(T0, 2 * MINUTE));
    const c = await place(t, 'c', [['R-1', 2]]);
    await t.setClock(plusMs(T0, 3 * MINUTE));
    const p = await place(t, 'p', [['PV-1', 1]]);
    expect([a, b, c, p].map((o) => o.lines[0].inventoryAvailabilityDate)).toEqual(['2028-06-05', '2028-06-10', '2028-06-10', null]);
    expect(p.lines[0].statusReason).toBe('PreorderHold');

    // 2 arrive at EAST and PV-1 gets a receipt on 06-02. P(R-1) = 2 / 5 / 8 from days 0 / 4 / 9: a fits today;
    // then b fits from 06-05 (re-dated), c stays on 06-10 (no record). p: receipt day 1, launch day 2 -> 06-03.
    await setOnHand(t, [{ sku: 'R-1', locationId: 'EAST', onHand: 2 }]);
    await schedule(t, [{ sku: 'PV-1', locationId: 'EAST', date: '2028-06-02', quantity: 1 }]);
    const before = await lineSnapshot(t.service.database.db);
    const run = await runNow(t, 'backorder');
    const after = await lineSnapshot(t.service.database.db);
    expect(run).toMatchObject({ processed: 3, movedToFulfillment: 1, movedToBackorder: 0, stillOnHold: 2, canceled: 0, failedRecords: 0 });

    const one = await runDetails(t, run.id, 1);
    const two = await runDetails(t, run.id, 2);
    const all = await runDetails(t, run.id, 500);
    expect(one.pages).toBe(3);
    expect(two.pages).toBe(2);
    expect(all.pages).toBe(1);
    expect(one.records).toEqual(all.records);
    expect(two.records).toEqual(all.records);
    expect(all.run).toMatchObject({ id: run.id, processed: 3, movedToFulfillment: 1, stillOnHold: 2 });
    const [la, lb, lc, lp] = [a, b, c, p].map((o) => o.lines[0]);
    expect([...all.records].sort((x, y) => x.lineId.localeCompare(y.lineId))).toEqual(
      [
        rec(la, 'BackorderHold', 'AwaitingFulfillment', '2028-06-01', '2028-06-02'),
        rec(lb, 'BackorderHold', 'BackorderHold', '2028-06-05', '2028-06-06'),
        rec(lp, 'PreorderHold', 'PreorderHold', '2028-06-03', '2028-06-04'),
      ].sort((x, y) => x.lineId.localeCompare(y.lineId)),
    );
    expect(all.records.some((r) => r.lineId === lc.id), "c's line was neither moved nor re-dated").toBe(false);
    expect((await getOrder(t, c.id)).lines[0]).toMatchObject({ inventoryAvailabilityDate: '2028-06-10', version: 1 });
    expectRunAccounted(run, all.records, before, after);

    // Launch day 06-03: the 06-02 receipt is in the past (not counted) and nothing is on hand, so p goes to
    // BackorderHold with no dates.
    await t.setClock('2028-06-03T09:00:00.000Z');
    const before2 = await lineSnapshot(t.service.database.db);
    const pre = await runNow(t, 'preorder');
    const after2 = await lineSnapshot(t.service.database.db);
    expect(pre).toMatchObject({ processed: 1, movedToBackorder: 1, movedToFulfillment: 0, stillOnHold: 0, canceled: 0 });
    const preRecords = (await runDetails(t, pre.id)).records;
    expect(preRecords).toEqual([rec(lp, 'PreorderHold', 'BackorderHold', null, null)]);
    expectRunAccounted(pre, preRecords, before2, after2);

    // Today 06-03 on R-1: nothing available, receipts on day 2 and day 7: b keeps 06-05, c keeps 06-10; p has no
    // supply and keeps no date. Nothing moves or changes: no records at all.
    const quiet = await runNow(t, 'backorder');
    expect(quiet).toMatchObject({ processed: 3, stillOnHold: 3, movedToFulfillment: 0, canceled: 0 });
    expect((await runDetails(t, quiet.id)).records).toEqual([]);

    // Bad paging input is a 400 naming it.
    const tooMany = await t.api('GET', `/api/jobs/runs/${run.id}?limit=501`);
    expect(tooMany.status).toBe(400);
    const badCursor = await t.api('GET', `/api/jobs/runs/${run.id}?cursor=nonsense`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.text).toContain('cursor');
    await expectInvariants(t.service.database.db);
  });
  /** Two backordered lines of two skus, one batch per sku: PA-1 can be released, PA-2 has no stock. */
  async function twoBatches(): Promise<{ a: any; b: any; runner: { batch: BatchStep } }> {
    // One batch at a time (PostgreSQL would run two at once): the tests act between the batches.
    t = await startTestService(kind, { now: T0, config: { jobBatchSkus: 1, jobParallelBatches: 1 } });
    await setupWorld(t, { products: { 'PA-1': {}, 'PA-2': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    const a = await place(t, 'pa', [['PA-1', 1]]);
    await t.setClock(plusMs(T0, MINUTE));
    const b = await place(t, 'pb', [['PA-2', 1]]);
    expect([a, b].map((o) => o.lines[0].statusReason)).toEqual(['BackorderHold', 'BackorderHold']);
    await setOnHand(t, [{ sku: 'PA-1', locationId: 'EAST', onHand: 1 }]);
    return { a, b, runner: t.service.jobs.runner as unknown as { batch: BatchStep } };
  }

  it("lists exactly the run's events when intake writes events between its batches (the run's span of event ids)", async () => {
    const { a, b, runner } = await twoBatches();
    await setOnHand(t!, [{ sku: 'PA-2', locationId: 'EAST', onHand: 1 }]);
    const batch = runner.batch.bind(runner);
    let between: any;
    runner.batch = async (frame, skus) => {
      await batch(frame, skus);
      // Between the two batches an order comes in: its event is drawn inside the run's span, and is not the run's.
      if (skus.includes('PA-1')) between = await place(t!, 'pc', [['PA-1', 1]]);
    };
    const run = await runNow(t!, 'backorder');
    runner.batch = batch;
    expect(run).toMatchObject({ status: 'succeeded', processed: 2, movedToFulfillment: 2 });
    const db = t!.service.database.db;
    const span = await db.selectFrom('job_runs').select(['first_event_id', 'last_event_id']).where('id', '=', run.id).executeTakeFirstOrThrow();
    const intake = await db.selectFrom('line_events').select(['id', 'run_id']).where('order_id', '=', between.id).executeTakeFirstOrThrow();
    const [first, last, inside] = [Number(span.first_event_id), Number(span.last_event_id), Number(intake.id)];
    expect(first < inside && inside < last, `intake's event ${inside} lies in the run's span ${first}-${last}`).toBe(true);
    expect(intake.run_id).toBeNull();

    const expected = [
      rec(a.lines[0], 'BackorderHold', 'AwaitingFulfillment', '2028-06-01', '2028-06-02'),
      rec(b.lines[0], 'BackorderHold', 'AwaitingFulfillment', '2028-06-01', '2028-06-02'),
    ];
    for (const limit of [1, 2, 500]) {
      const page = await runDetails(t!, run.id, limit);
      expect(page.records, `records with limit ${limit}`).toEqual(expected);
    }
    // A run that wrote no event has no span, and no records.
    const quiet = await runNow(t!, 'backorder');
    expect(await db.selectFrom('job_runs').select(['first_event_id', 'last_event_id']).where('id', '=', quiet.id).executeTakeFirstOrThrow()).toEqual({ first_event_id: null, last_event_id: null });
    expect((await runDetails(t!, quiet.id)).records).toEqual([]);
  });

  it('keeps processed at the lines in scope at the start when a line is canceled before its batch (counted as canceled)', async () => {
    const { a, b, runner } = await twoBatches();
    const batch = runner.batch.bind(runner);
    const batches: string[][] = [];
    runner.batch = async (frame, skus) => {
      batches.push([...skus]);
      await batch(frame, skus);
      // Between the batches of PA-1 and PA-2 the customer cancels PA-2's order: the line leaves the job's scope.
      if (skus.includes('PA-1')) await ok(t!, 'POST', `/api/orders/${b.id}/cancel`);
    };
    const run = await runNow(t!, 'backorder');
    expect(batches).toEqual([['PA-1']]);
    expect(run).toMatchObject({ status: 'succeeded', processed: 2, movedToFulfillment: 1, stillOnHold: 0, canceled: 1, failedRecords: 0 });
    expect(accounted(run), 'the counts add up to processed').toBe(run.processed);
    expect((await getOrder(t!, a.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
    expect((await getOrder(t!, b.id)).lines[0].statusReason).toBe('CanceledByRequest');
    const stored = await ok(t!, 'GET', `/api/jobs/runs/${run.id}`);
    expect(stored).toMatchObject({ processed: 2, movedToFulfillment: 1, canceled: 1 });
    await expectInvariants(t!.service.database.db);
  });

  it('keeps processed at the lines in scope at the start when the run ends before their batch (counted as failed records)', async () => {
    const { a, b, runner } = await twoBatches();
    const batch = runner.batch.bind(runner);
    runner.batch = async (frame, skus) => {
      await batch(frame, skus);
      // The service starts shutting down after the first batch: the run ends failed before PA-2's batch.
      if (skus.includes('PA-1')) void t!.service.jobs.runner.stop();
    };
    const run = await runNow(t!, 'backorder');
    expect(run).toMatchObject({ status: 'failed', processed: 2, movedToFulfillment: 1, stillOnHold: 0, canceled: 0, failedRecords: 1 });
    expect(run.error).toMatch(/interrupted/);
    expect(accounted(run), 'the counts add up to processed').toBe(run.processed);
    expect((await getOrder(t!, a.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
    expect((await getOrder(t!, b.id)).lines[0].statusReason).toBe('BackorderHold');
    await expectInvariants(t!.service.database.db);
  });

  it('finishRun counts unaccounted lines as canceled (succeeded) or failed (failed), and raises processed to what batches counted', async () => {
    t = await startTestService(kind, { now: T0 });
    const db = t.service.database.db;
    const at = Date.parse(T0) + MINUTE;
    await insertRunningRun(db, 'run_ok', 3, { movedToFulfillment: 1, stillOnHold: 1 });
    await insertRunningRun(db, 'run_failed', 3, { movedToFulfillment: 1, stillOnHold: 1 });
    await insertRunningRun(db, 'run_more', 3, { movedToFulfillment: 2, stillOnHold: 1, canceled: 1 });
    await insertRunningRun(db, 'run_exact', 3, { movedToBackorder: 1, stillOnHold: 2 });
    await finishRun(db, 'run_ok', 'succeeded', null, at);
    await finishRun(db, 'run_failed', 'failed', 'it broke', at);
    await finishRun(db, 'run_more', 'succeeded', null, at);
    await finishRun(db, 'run_exact', 'succeeded', null, at);

    const view = async (id: string) => ok(t!, 'GET', `/api/jobs/runs/${id}`);
    const finishedAt = plusMs(T0, MINUTE);
    expect(await view('run_ok')).toMatchObject({ status: 'succeeded', finishedAt, processed: 3, movedToFulfillment: 1, stillOnHold: 1, canceled: 1, failedRecords: 0, error: null });
    expect(await view('run_failed')).toMatchObject({ status: 'failed', finishedAt, processed: 3, movedToFulfillment: 1, stillOnHold: 1, canceled: 0, failedRecords: 1, error: 'it broke' });
    expect(await view('run_more')).toMatchObject({ status: 'succeeded', processed: 4, movedToFulfillment: 2, stillOnHold: 1, canceled: 1, failedRecords: 0 });
    expect(await view('run_exact')).toMatchObject({ status: 'succeeded', processed: 3, movedToBackorder: 1, stillOnHold: 2, canceled: 0, failedRecords: 0 });
    for (const id of ['run_ok', 'run_failed', 'run_more', 'run_exact']) {
      const run = await view(id);
      expect(accounted(run), `${id}: the counts add up to processed`).toBe(run.processed);
    }

    // A run that has ended is left as it is.
    await finishRun(db, 'run_ok', 'failed', 'too late', at + MINUTE);
    expect(await view('run_ok')).toMatchObject({ status: 'succeeded', finishedAt, processed: 3, canceled: 1, failedRecords: 0, error: null });
  });
});
