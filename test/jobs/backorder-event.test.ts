/**
 * Event-triggered backorder runs (SPEC sections 2 and 5): when supply changes, a `backorder` run with trigger
 * `event` covers just the affected skus, debounced, releases held lines in priority order where supply grew and
 * re-dates the promises that no longer hold where it shrank; a later line may
 * take earlier supply only when that delays no line before it; while another run holds the lease, the waiting
 * skus are retried every half second (never in a tight loop) and run once it is free. Manual clock at 2028-06-01T09:00Z (UTC), locations
 * EAST (priority 1, 1 handling day) and WEST (priority 2, 2 handling days).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import {
  T0,
  allRuns,
  expectInvariants,
  expectRunAccounted,
  getOrder,
  lineSnapshot,
  ok,
  place,
  plusMs,
  runDetails,
  runNow,
  schedule,
  setOnHand,
  setupWorld,
  sleep,
  until,
} from './job-helpers.ts';
import type { RunRequest, StartedRun } from '../../src/jobs/runner.ts';

const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('event-triggered backorder runs on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Applies a supply change and waits for the event run it starts; answers that run and the lines around it. */
  async function eventRun(change: () => Promise<unknown>, changedByRequest: string[] = []) {
    const s = t!;
    const before = await lineSnapshot(s.service.database.db);
    const known = new Set((await allRuns(s)).map((r) => r.id));
    await change();
    await s.service.jobs.idle();
    const fresh = (await allRuns(s)).filter((r) => !known.has(r.id));
    expect(fresh, 'one event run per change').toHaveLength(1);
    const run = fresh[0];
    expect(run).toMatchObject({ jobType: 'backorder', trigger: 'event', status: 'succeeded' });
    const after = await lineSnapshot(s.service.database.db);
    // Lines the change itself moved (a cancel) are not the run's doing.
    for (const id of changedByRequest) before.set(id, after.get(id)!);
    const { records } = await runDetails(s, run.id);
    expectRunAccounted(run, records, before, after);
    return { run, records };
  }

  it('releases in priority order as stock arrives; a later small order never jumps an earlier large one', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'BX-1': {}, 'BY-2': {} }, settings: { backorders: true, onHandChangeSchedule: true } });
    await schedule(t, [{ sku: 'BX-1', locationId: 'EAST', date: '2028-06-05', quantity: 2 }]);
    await t.service.jobs.idle(); // a receipt is supply too: its event run finds no held line yet
    expect(await allRuns(t)).toMatchObject([{ trigger: 'event', skus: ['BX-1'], processed: 0 }]);

    // O1 needs 5: P(t) at EAST is 0 until day 4 (06-05), then 2, so it is promised nowhere.
    const o1 = await place(t, 'O1', [['BX-1', 5]]);
    expect(o1.lines[0]).toMatchObject({ statusReason: 'BackorderHold', inventoryAvailabilityDate: null, locationId: null });
    // O2 (a minute later) needs 1: O1 holds no promise, so intake gives O2 the receipt of 06-05.
    await t.setClock(plusMs(T0, MINUTE));
    const o2 = await place(t, 'O2', [['BX-1', 1]]);
    expect(o2.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
    await t.setClock(plusMs(T0, 2 * MINUTE));
    const o3 = await place(t, 'O3', [['BY-2', 1]]);
    expect(o3.lines[0].statusReason).toBe('BackorderHold');

    // With onSupplyChange off, BY-2's stock starts no run.
    await ok(t, 'PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: false } } });
    await setOnHand(t, [{ sku: 'BY-2', locationId: 'EAST', onHand: 1 }]);
    await t.service.jobs.idle();
    expect(await allRuns(t), 'no run for BY-2').toHaveLength(1);
    await ok(t, 'PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: true } } });

    // 3 arrive at EAST: P = 3 on days 0-3, 5 from day 4. O1 (first in priority) fits only from 06-05 and takes
    // 5 there, which leaves ATP(0) = min(3, 0) = 0: O2 may not take today's 3, since that would delay O1.
    const step1 = await eventRun(() => setOnHand(t!, [{ sku: 'BX-1', locationId: 'EAST', onHand: 3 }]));
    expect(step1.run).toMatchObject({ skus: ['BX-1'], processed: 2, movedToFulfillment: 0, stillOnHold: 2, canceled: 0 });
    let l1 = (await getOrder(t, o1.id)).lines[0];
    let l2 = (await getOrder(t, o2.id)).lines[0];
    expect(l1).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
    expect(l2).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
    expect(step1.records.map((r) => [r.lineId, r.from, r.to]).sort()).toEqual(
      [
        [l1.id, 'BackorderHold', 'BackorderHold'],
        [l2.id, 'BackorderHold', 'BackorderHold'],
      ].sort(),
    );

    // One more (an adjustment): P = 4 on days 0-3, 6 from day 4. O1 still fits only on 06-05 and leaves 1 on
    // every day, so O2 takes 1 today without delaying O1. O1 is neither moved nor re-dated: no record.
    const step2 = await eventRun(() => ok(t!, 'POST', '/api/inventory/adjustments', [{ sku: 'BX-1', locationId: 'EAST', delta: 1, reference: 'ADJ-1' }]));
    expect(step2.run).toMatchObject({ skus: ['BX-1'], processed: 2, movedToFulfillment: 1, stillOnHold: 1 });
    l1 = (await getOrder(t, o1.id)).lines[0];
    l2 = (await getOrder(t, o2.id)).lines[0];
    expect(l1).toMatchObject({ statusReason: 'BackorderHold', inventoryAvailabilityDate: '2028-06-05' });
    expect(l2).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-01', estimatedShipmentDate: '2028-06-02' });
    expect(step2.records).toEqual([
      { lineId: l2.id, orderId: o2.id, sku: 'BX-1', locationId: 'EAST', quantity: l2.quantity, from: 'BackorderHold', to: 'AwaitingFulfillment', inventoryAvailabilityDate: '2028-06-01', estimatedShipmentDate: '2028-06-02', error: null },
    ]);

    // On-hand 6 (1 reserved): 5 available today, so O1 is released.
    const step3 = await eventRun(() => setOnHand(t!, [{ sku: 'BX-1', locationId: 'EAST', onHand: 6 }]));
    expect(step3.run).toMatchObject({ skus: ['BX-1'], processed: 1, movedToFulfillment: 1, stillOnHold: 0 });
    expect((await getOrder(t, o1.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-01' });
    const inv = (await t.api('GET', '/api/inventory/BX-1')).body.locations.find((l: any) => l.locationId === 'EAST');
    expect(inv).toMatchObject({ onHand: 6, reserved: 6, available: 0 });

    // None of the event runs covered BY-2: its line still waits, though 1 is on hand; a manual run covers it.
    expect((await getOrder(t, o3.id)).lines[0].statusReason).toBe('BackorderHold');
    const manual = await runNow(t, 'backorder');
    expect(manual).toMatchObject({ trigger: 'manual', skus: null, processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o3.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
    await expectInvariants(t.service.database.db);
  });

  it('takes order priority before intake time, and stock freed by a cancellation releases the next line', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'BZ-3': {} }, settings: { backorders: true } });
    const o4 = await place(t, 'O4', [['BZ-3', 2]], { priority: 0 });
    await t.setClock(plusMs(T0, MINUTE));
    const o5 = await place(t, 'O5', [['BZ-3', 2]], { priority: 9 });
    const raise = await eventRun(() => setOnHand(t!, [{ sku: 'BZ-3', locationId: 'EAST', onHand: 2 }]));
    expect(raise.run).toMatchObject({ skus: ['BZ-3'], processed: 2, movedToFulfillment: 1, stillOnHold: 1 });
    expect((await getOrder(t, o5.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    expect((await getOrder(t, o4.id)).lines[0]).toMatchObject({ statusReason: 'BackorderHold', inventoryAvailabilityDate: null });

    const freed = await eventRun(() => ok(t!, 'POST', `/api/orders/${o5.id}/cancel`), [o5.lines[0].id]);
    expect(freed.run).toMatchObject({ skus: ['BZ-3'], processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o4.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-01' });
    await expectInvariants(t.service.database.db);
  });

  it('starts one run for a burst of supply changes (debounce)', async () => {
    t = await startTestService(kind, { now: T0, config: { eventDebounceMs: 1_500 } });
    const skus = ['D-1', 'D-2', 'D-3', 'D-4'];
    await setupWorld(t, { products: Object.fromEntries(skus.map((s) => [s, {}])), settings: { backorders: true, onHandChangeSchedule: true } });
    const orders = [];
    for (const [i, sku] of skus.entries()) {
      await t.setClock(plusMs(T0, i * MINUTE));
      orders.push(await place(t, `D${i}`, [[sku, 1]]));
    }
    const before = await lineSnapshot(t.service.database.db);
    // Four changes of four kinds, each well within the quiet spell of the one before.
    await setOnHand(t, [{ sku: 'D-1', locationId: 'EAST', onHand: 1 }]);
    await setOnHand(t, [{ sku: 'D-2', locationId: 'WEST', onHand: 1 }]);
    await ok(t, 'POST', '/api/inventory/adjustments', [{ sku: 'D-3', locationId: 'EAST', delta: 2, reference: 'ADJ-D3' }]);
    await schedule(t, [{ sku: 'D-4', locationId: 'EAST', date: '2028-06-03', quantity: 3 }]);
    await t.service.jobs.idle();

    const runs = await allRuns(t);
    expect(runs, 'a burst of changes starts one run').toHaveLength(1);
    const run = runs[0];
    expect(run).toMatchObject({ jobType: 'backorder', trigger: 'event', status: 'succeeded', skus, processed: 4, movedToFulfillment: 3, stillOnHold: 1 });
    const lines = await Promise.all(orders.map(async (o) => (await getOrder(t!, o.id)).lines[0]));
    expect(lines.map((l) => [l.statusReason, l.locationId, l.inventoryAvailabilityDate, l.estimatedShipmentDate])).toEqual([
      ['AwaitingFulfillment', 'EAST', '2028-06-01', '2028-06-02'],
      ['AwaitingFulfillment', 'WEST', '2028-06-01', '2028-06-03'],
      ['AwaitingFulfillment', 'EAST', '2028-06-01', '2028-06-02'],
      ['BackorderHold', 'EAST', '2028-06-03', '2028-06-04'],
    ]);
    const after = await lineSnapshot(t.service.database.db);
    const { records } = await runDetails(t, run.id);
    expectRunAccounted(run, records, before, after);
    await expectInvariants(t.service.database.db);
  });

  it('runs on supply growth with backorders off and the cron schedule disabled: only onSupplyChange switches event runs', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'BO-1': {} }, settings: { backorders: true } });
    const o = await place(t, 'BO', [['BO-1', 2]]);
    expect(o.lines[0].statusReason).toBe('BackorderHold');
    await ok(t, 'PATCH', '/api/settings', { backorders: false, jobs: { backorder: { enabled: false } } });
    const raise = await eventRun(() => setOnHand(t!, [{ sku: 'BO-1', locationId: 'EAST', onHand: 2 }]));
    expect(raise.run).toMatchObject({ skus: ['BO-1'], processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    await expectInvariants(t.service.database.db);
  });

  it('retries every half second while another backorder run holds a live lease, and runs once the lease is free', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'SP-1': {} }, settings: { backorders: true } });
    const o = await place(t, 'SP', [['SP-1', 1]]);
    expect(o.lines[0].statusReason).toBe('BackorderHold');
    const db = t.service.database.db;

    // Another process's live run: its lease row names a run and its heartbeat is kept fresh.
    const hold = () =>
      db
        .insertInto('job_leases')
        .values({ job_type: 'backorder', run_id: 'run_elsewhere', owner: 'elsewhere:4242:cafe', heartbeat_at: Date.now() })
        .onConflict((oc) => oc.column('job_type').doUpdateSet({ run_id: 'run_elsewhere', owner: 'elsewhere:4242:cafe', heartbeat_at: Date.now() }))
        .execute();
    await hold();
    let beat: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      beat = hold().catch(() => undefined);
    }, 200);

    // Count the trigger's attempts to start its run.
    const runner = t.service.jobs.runner;
    const start = runner.start.bind(runner);
    let calls = 0;
    runner.start = (request: RunRequest): Promise<StartedRun> => {
      calls++;
      return start(request);
    };
    try {
      await setOnHand(t, [{ sku: 'SP-1', locationId: 'EAST', onHand: 1 }]);
      await sleep(2_000);
    } finally {
      clearInterval(heartbeat);
      await beat;
    }
    expect(calls, 'the supply change tried to start its run').toBeGreaterThanOrEqual(1);
    expect(calls, 'a busy lease is retried every 500 ms, not in a spin').toBeLessThanOrEqual(8);
    expect(await allRuns(t), 'no run started past the live lease').toEqual([]);
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('BackorderHold');

    // The other run ends: the waiting skus get their event run.
    await db.updateTable('job_leases').set({ run_id: null, owner: null }).where('job_type', '=', 'backorder').execute();
    await until('the event run after the lease is freed', async () => (await allRuns(t!)).some((r) => r.status !== 'running'), 15_000, 50);
    await t.service.jobs.idle();
    const runs = await allRuns(t);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ jobType: 'backorder', trigger: 'event', status: 'succeeded', skus: ['SP-1'], processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    await expectInvariants(t.service.database.db);
  });

  it('re-dates promises that no longer hold when supply shrinks: a deleted receipt, a negative adjustment, a new expected issue, a lowered count', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'SH-1': {} }, settings: { backorders: true, onHandChangeSchedule: true } });
    await setOnHand(t, [{ sku: 'SH-1', locationId: 'EAST', onHand: 2 }]);
    await ok(t, 'POST', '/api/inventory/schedules', [
      { sku: 'SH-1', locationId: 'EAST', date: '2028-06-05', quantity: 3, reference: 'PO-5' },
      { sku: 'SH-1', locationId: 'EAST', date: '2028-06-20', quantity: 1, reference: 'PO-20' },
    ]);
    await t.service.jobs.idle();
    // 3 units: ATP(0) = 2; from 06-05 P = 5, so it is promised 06-05.
    const o = await place(t, 'SH', [['SH-1', 3]]);
    const id = o.lines[0].id;
    expect(o.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05' });
    const dated = (iad: string | null, esd: string | null) => [
      { lineId: id, from: 'BackorderHold', to: 'BackorderHold', locationId: iad === null ? null : 'EAST', inventoryAvailabilityDate: iad, estimatedShipmentDate: esd },
    ];

    // The 06-05 receipt is withdrawn: P = 2 until 06-20, then 3.
    const early = (await t.api('GET', '/api/inventory/schedules?sku=SH-1')).body.items.find((e: any) => e.date === '2028-06-05');
    const deleted = await eventRun(() => ok(t!, 'DELETE', `/api/inventory/schedules/${early.id}`));
    expect(deleted.run).toMatchObject({ skus: ['SH-1'], processed: 1, stillOnHold: 1, movedToFulfillment: 0 });
    expect(deleted.records).toMatchObject(dated('2028-06-20', '2028-06-21'));

    // One unit written off: P = 1, then 2 from 06-20; 3 fit nowhere within the horizon.
    const adjusted = await eventRun(() => ok(t!, 'POST', '/api/inventory/adjustments', [{ sku: 'SH-1', locationId: 'EAST', delta: -1, reference: 'DMG-1' }]));
    expect(adjusted.records).toMatchObject(dated(null, null));

    // A receipt of 2 on 06-10 makes it fit from then (P = 3) ...
    const receipt = await eventRun(() => ok(t!, 'POST', '/api/inventory/schedules', [{ sku: 'SH-1', locationId: 'EAST', date: '2028-06-10', quantity: 2, reference: 'PO-10' }]));
    expect(receipt.records).toMatchObject(dated('2028-06-10', '2028-06-11'));
    // ... until an expected issue of 1 on 06-15 takes P back to 2 from then to 06-20: ATP(06-10) = 2, so 06-20.
    const issue = await eventRun(() => ok(t!, 'POST', '/api/inventory/schedules', [{ sku: 'SH-1', locationId: 'EAST', date: '2028-06-15', quantity: -1, reference: 'TR-15' }]));
    expect(issue.records).toMatchObject(dated('2028-06-20', '2028-06-21'));

    // A count of 0 on hand: P reaches 2 at most, so no promise holds any more.
    const counted = await eventRun(() => setOnHand(t!, [{ sku: 'SH-1', locationId: 'EAST', onHand: 0 }]));
    expect(counted.records).toMatchObject(dated(null, null));
    expect((await getOrder(t, o.id)).lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
    await expectInvariants(t.service.database.db);
  });

  it('a run covers the lines committed before it starts, whatever the clock says: a line backordered "later" than the run start by the clock is in scope', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'SK-1': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    // The line is backordered at 12:00 by the clock of the process that took it ...
    await t.setClock('2028-06-01T12:00:00.000Z');
    const o = await place(t, 'SK', [['SK-1', 1]]);
    expect(o.lines[0].statusReason).toBe('BackorderHold');
    await setOnHand(t, [{ sku: 'SK-1', locationId: 'EAST', onHand: 1 }]);
    // ... and a run starts at 11:59 by another clock (here: the same one moved back).
    await t.setClock('2028-06-01T11:59:00.000Z');
    const run = await runNow(t, 'backorder');
    expect(run).toMatchObject({ processed: 1, movedToFulfillment: 1, stillOnHold: 0 });
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
    await expectInvariants(t.service.database.db);
  });
});
