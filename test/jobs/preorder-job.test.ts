/**
 * The preorder job on a manual clock (SPEC section 5): launched preorder lines are released when they fit today,
 * else moved to BackorderHold with their dates and backorderedAt = the run's time, or to OutOfStock where
 * backorders are off or the product disallows them. Locations: EAST (1 handling day), WEST (2); time zone UTC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectInvariants, expectRunAccounted, getOrder, lineSnapshot, ok, place, runDetails, runNow, schedule, setOnHand, setupWorld } from './job-helpers.ts';

const LAUNCH = '2028-06-10';
const LAUNCH_DAY = '2028-06-10T09:00:00.000Z';

describe.each(DATABASE_KINDS)('preorder job on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('releases a launched preorder line that fits on launch day; the backorder job only re-dates it', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'VR-9': { preorderEligible: true, launchDate: LAUNCH } }, settings: { backorders: true } });
    const c = await place(t, 'C', [['VR-9', 2]]);
    // Schedule off: the horizon is day 0 alone, and a line not launched today has no date.
    expect(c.lines[0]).toMatchObject({ statusReason: 'PreorderHold', launchDate: LAUNCH, inventoryAvailabilityDate: null, locationId: null });

    const early = await runNow(t, 'preorder');
    expect(early).toMatchObject({ jobType: 'preorder', trigger: 'manual', status: 'succeeded', processed: 0, movedToFulfillment: 0 });
    expect((await getOrder(t, c.id)).lines[0].statusReason).toBe('PreorderHold');

    // Launch day: 4 arrive at EAST. The event-triggered backorder run finds C's line promised today but may not
    // move it (it is the preorder job's); it keeps that promise meanwhile.
    await t.setClock(LAUNCH_DAY);
    await setOnHand(t, [{ sku: 'VR-9', locationId: 'EAST', onHand: 4 }]);
    await t.service.jobs.idle();
    const eventRuns = (await t.api('GET', '/api/jobs/runs?jobType=backorder')).body.items;
    expect(eventRuns).toHaveLength(1);
    expect(eventRuns[0]).toMatchObject({ trigger: 'event', status: 'succeeded', skus: ['VR-9'], processed: 0 });
    const held = (await getOrder(t, c.id)).lines[0];
    expect(held).toMatchObject({ statusReason: 'PreorderHold', locationId: 'EAST', inventoryAvailabilityDate: LAUNCH, estimatedShipmentDate: '2028-06-11' });
    const eventDetails = await runDetails(t, eventRuns[0].id);
    expect(eventDetails.records).toEqual([
      { lineId: held.id, orderId: c.id, sku: 'VR-9', locationId: 'EAST', quantity: held.quantity, from: 'PreorderHold', to: 'PreorderHold', inventoryAvailabilityDate: LAUNCH, estimatedShipmentDate: '2028-06-11', error: null },
    ]);

    const before = await lineSnapshot(t.service.database.db);
    const run = await runNow(t, 'preorder');
    const after = await lineSnapshot(t.service.database.db);
    expect(run).toMatchObject({ status: 'succeeded', processed: 1, movedToFulfillment: 1, movedToBackorder: 0, stillOnHold: 0, canceled: 0, failedRecords: 0, error: null });
    const order = await getOrder(t, c.id);
    expect(order.status).toBe('InFulfillment');
    expect(order.lines[0]).toMatchObject({
      state: 'InFulfillment',
      statusReason: 'AwaitingFulfillment',
      locationId: 'EAST',
      inventoryAvailabilityDate: LAUNCH,
      estimatedShipmentDate: '2028-06-11',
      version: 3,
    });
    const inv = (await t.api('GET', '/api/inventory/VR-9')).body.locations.find((l: any) => l.locationId === 'EAST');
    expect(inv).toMatchObject({ onHand: 4, reserved: 2, available: 2 });
    const { records } = await runDetails(t, run.id);
    expect(records).toEqual([
      { lineId: held.id, orderId: c.id, sku: 'VR-9', locationId: 'EAST', quantity: held.quantity, from: 'PreorderHold', to: 'AwaitingFulfillment', inventoryAvailabilityDate: LAUNCH, estimatedShipmentDate: '2028-06-11', error: null },
    ]);
    expectRunAccounted(run, records, before, after);
    await expectInvariants(t.service.database.db);
  });

  it('moves a launched preorder with no stock today to BackorderHold with its dates and backorderedAt = the run time; OutOfStock where the product disallows backorders', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: {
        'VR-8': { preorderEligible: true, launchDate: LAUNCH },
        'VR-7': { preorderEligible: true, launchDate: LAUNCH, allowBackorder: false },
      },
      settings: { backorders: true, onHandChangeSchedule: true },
    });
    await schedule(t, [{ sku: 'VR-8', locationId: 'EAST', date: '2028-06-15', quantity: 5 }]);
    await t.service.jobs.idle(); // the receipt's event run (nothing held yet) must not overlap the runs below
    // Today 06-01: P(t) at EAST is 0 until day 14 (06-15), then 5, so ATP(d) >= 3 from 06-15 (not before launch).
    const a = await place(t, 'A', [['VR-8', 3]]);
    expect(a.lines[0]).toMatchObject({ statusReason: 'PreorderHold', launchDate: LAUNCH, locationId: 'EAST', inventoryAvailabilityDate: '2028-06-15', estimatedShipmentDate: '2028-06-16' });
    const b = await place(t, 'B', [['VR-7', 1]]);
    expect(b.lines[0]).toMatchObject({ statusReason: 'PreorderHold', inventoryAvailabilityDate: null });

    // Launch day 06-10: the receipt is day 5, so A's line is not promised today -> BackorderHold, dates kept.
    await t.setClock(LAUNCH_DAY);
    const before = await lineSnapshot(t.service.database.db);
    const run = await runNow(t, 'preorder');
    const after = await lineSnapshot(t.service.database.db);
    expect(run).toMatchObject({ status: 'succeeded', processed: 2, movedToFulfillment: 0, movedToBackorder: 1, stillOnHold: 0, canceled: 1, failedRecords: 0 });
    expect(run.startedAt).toBe(LAUNCH_DAY);

    const oa = await getOrder(t, a.id);
    expect(oa.status).toBe('OnHold');
    expect(oa.lines[0]).toMatchObject({
      state: 'OnHold',
      statusReason: 'BackorderHold',
      locationId: 'EAST',
      inventoryAvailabilityDate: '2028-06-15',
      estimatedShipmentDate: '2028-06-16',
      launchDate: LAUNCH,
      backorderedAt: run.startedAt,
    });
    const ob = await getOrder(t, b.id);
    expect(ob.status).toBe('Canceled');
    expect(ob.lines[0]).toMatchObject({ state: 'Canceled', statusReason: 'OutOfStock', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });

    const events = (await t.api('GET', `/api/orders/${a.id}/events`)).body.items;
    expect(events.map((e: any) => [e.type, e.from, e.to])).toEqual([
      ['line.preordered', 'New', 'PreorderHold'],
      ['line.backordered', 'PreorderHold', 'BackorderHold'],
    ]);
    // The run's event names the run and its job; intake's names neither. backorderedAt is an instant, as on the line.
    expect(events[1].data).toMatchObject({ runId: run.id, jobType: 'preorder', trigger: 'manual', backorderedAt: run.startedAt });
    expect(events[0].data).not.toHaveProperty('runId');
    expect(events[0].data).not.toHaveProperty('jobType');
    const { records } = await runDetails(t, run.id, 1);
    expect(records).toHaveLength(2);
    expectRunAccounted(run, records, before, after);

    // The next backorder run has the line in its scope (backordered at the run's time, not before).
    const bo = await runNow(t, 'backorder');
    expect(bo).toMatchObject({ processed: 1, stillOnHold: 1, movedToFulfillment: 0 });
    await expectInvariants(t.service.database.db);
  });

  it('with backorders off, a launched preorder with no stock today goes to OutOfStock', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: { 'VR-8': { preorderEligible: true, launchDate: LAUNCH } },
      settings: { backorders: false, onHandChangeSchedule: true },
    });
    await schedule(t, [{ sku: 'VR-8', locationId: 'EAST', date: '2028-06-15', quantity: 5 }]);
    await t.service.jobs.idle(); // the receipt's event run (nothing held yet) must not overlap the runs below
    const a = await place(t, 'A', [['VR-8', 3]]);
    expect(a.lines[0]).toMatchObject({ statusReason: 'PreorderHold', inventoryAvailabilityDate: '2028-06-15' });

    await t.setClock(LAUNCH_DAY);
    const before = await lineSnapshot(t.service.database.db);
    const run = await runNow(t, 'preorder');
    const after = await lineSnapshot(t.service.database.db);
    expect(run).toMatchObject({ status: 'succeeded', processed: 1, movedToFulfillment: 0, movedToBackorder: 0, stillOnHold: 0, canceled: 1 });
    const order = await getOrder(t, a.id);
    expect(order.status).toBe('Canceled');
    expect(order.lines[0]).toMatchObject({
      state: 'Canceled',
      statusReason: 'OutOfStock',
      locationId: null,
      inventoryAvailabilityDate: null,
      estimatedShipmentDate: null,
      backorderedAt: null,
    });
    const { records } = await runDetails(t, run.id);
    expect(records).toEqual([
      { lineId: a.lines[0].id, orderId: a.id, sku: a.lines[0].sku, locationId: null, quantity: a.lines[0].quantity, from: 'PreorderHold', to: 'OutOfStock', inventoryAvailabilityDate: null, estimatedShipmentDate: null, error: null },
    ]);
    expectRunAccounted(run, records, before, after);
    await expectInvariants(t.service.database.db);
  });

  it('writes the dates of its one pass even where a line it sends to OutOfStock was counted in it; the next run re-dates', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: { 'VR-6': { preorderEligible: true, launchDate: '2028-06-05' } },
      settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } },
    });
    await schedule(t, [
      { sku: 'VR-6', locationId: 'EAST', date: '2028-06-15', quantity: 2 },
      { sku: 'VR-6', locationId: 'EAST', date: '2028-06-20', quantity: 2 },
    ]);
    // B: a preorder launching 06-05, promised the 06-15 receipt; on launch day it goes to BackorderHold.
    const b = await place(t, 'B', [['VR-6', 2]]);
    expect(b.lines[0]).toMatchObject({ statusReason: 'PreorderHold', inventoryAvailabilityDate: '2028-06-15' });
    await t.setClock('2028-06-05T09:00:00.000Z');
    expect(await runNow(t, 'preorder')).toMatchObject({ processed: 1, movedToBackorder: 1 });
    // The launch moves to 06-10; A (priority 9) comes in after B's promise, so intake gives it 06-20.
    await ok(t, 'PUT', '/api/products/VR-6', { name: 'VR-6', preorderEligible: true, launchDate: LAUNCH });
    await t.setClock('2028-06-05T10:00:00.000Z');
    const a = await place(t, 'A', [['VR-6', 2]], { priority: 9 });
    expect(a.lines[0]).toMatchObject({ statusReason: 'PreorderHold', launchDate: LAUNCH, inventoryAvailabilityDate: '2028-06-20' });

    // Launch day with backorders off. The pass takes A first (priority 9): 06-15 (day 5); B then gets 06-20.
    // A is not promised today -> OutOfStock, yet B keeps the date of that pass.
    await ok(t, 'PATCH', '/api/settings', { backorders: false });
    await t.setClock(LAUNCH_DAY);
    const before = await lineSnapshot(t.service.database.db);
    const pre = await runNow(t, 'preorder');
    const after = await lineSnapshot(t.service.database.db);
    expect(pre).toMatchObject({ processed: 1, canceled: 1, movedToBackorder: 0, movedToFulfillment: 0 });
    const { records } = await runDetails(t, pre.id);
    expect(records.map((r) => [r.lineId, r.from, r.to, r.inventoryAvailabilityDate, r.estimatedShipmentDate]).sort()).toEqual(
      [
        [a.lines[0].id, 'PreorderHold', 'OutOfStock', null, null],
        [b.lines[0].id, 'BackorderHold', 'BackorderHold', '2028-06-20', '2028-06-21'],
      ].sort(),
    );
    expectRunAccounted(pre, records, before, after);

    // The next run re-dates B without A: back to 06-15.
    const bo = await runNow(t, 'backorder');
    expect(bo).toMatchObject({ processed: 1, stillOnHold: 1 });
    expect((await getOrder(t, b.id)).lines[0]).toMatchObject({ statusReason: 'BackorderHold', inventoryAvailabilityDate: '2028-06-15', estimatedShipmentDate: '2028-06-16' });
    await expectInvariants(t.service.database.db);
  });

  it('takes launch day in the business time zone', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: { 'VR-5': { preorderEligible: true, launchDate: LAUNCH } },
      settings: { backorders: true, timeZone: 'America/New_York', jobs: { backorder: { onSupplyChange: false } } },
    });
    await setOnHand(t, [{ sku: 'VR-5', locationId: 'EAST', onHand: 5 }]);
    const o = await place(t, 'TZ', [['VR-5', 1]]);
    expect(o.lines[0].statusReason).toBe('PreorderHold');
    // 2028-06-10T03:59:59.999Z is still 06-09 in New York (UTC-4): not launched.
    await t.setClock('2028-06-10T03:59:59.999Z');
    expect(await runNow(t, 'preorder')).toMatchObject({ processed: 0, movedToFulfillment: 0 });
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('PreorderHold');
    await t.setClock('2028-06-10T04:00:00.000Z');
    expect(await runNow(t, 'preorder')).toMatchObject({ processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', inventoryAvailabilityDate: LAUNCH, estimatedShipmentDate: '2028-06-11' });
    await expectInvariants(t.service.database.db);
  });
});

