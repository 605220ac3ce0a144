/**
 * SLA cancellation by the backorder job (SPEC section 5, step 1): a BackorderHold line whose backorderedAt +
 * cancellationSlaDays x 24 h is at or before now is canceled (BackorderSlaExpired), before the promising pass,
 * so it takes no supply in it. Not one millisecond early. Order status is derived from the lines afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { DAY_MS, T0, expectInvariants, expectRunAccounted, getOrder, lineSnapshot, place, plusMs, runDetails, runNow, setOnHand, setupWorld } from './job-helpers.ts';

describe.each(DATABASE_KINDS)('backorder SLA on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('cancels at backorderedAt + cancellationSlaDays x 24 h exactly, not 1 ms before, and the canceled lines take no supply', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: { 'SL-1': {}, 'KB-1': {} },
      settings: { backorders: true, cancellationSlaDays: 9, jobs: { backorder: { onSupplyChange: false } } },
    });
    await setOnHand(t, [{ sku: 'KB-1', locationId: 'EAST', onHand: 5 }]);
    // A and B at T0 (backordered then), C a minute later.
    const a = await place(t, 'A', [['SL-1', 2]]);
    const b = await place(t, 'B', [
      ['KB-1', 1],
      ['SL-1', 1],
    ]);
    await t.setClock(plusMs(T0, 60_000));
    const c = await place(t, 'C', [['SL-1', 2]]);
    expect(a.lines[0]).toMatchObject({ statusReason: 'BackorderHold', backorderedAt: T0 });
    expect(b.lines.map((l: any) => l.statusReason)).toEqual(['AwaitingFulfillment', 'BackorderHold']);
    expect(c.lines[0]).toMatchObject({ statusReason: 'BackorderHold', backorderedAt: plusMs(T0, 60_000) });

    const deadline = plusMs(T0, 9 * DAY_MS);
    expect(deadline).toBe('2028-06-10T09:00:00.000Z');

    // 1 ms early: nothing expires.
    await t.setClock(plusMs(deadline, -1));
    const early = await runNow(t, 'backorder');
    expect(early).toMatchObject({ status: 'succeeded', processed: 3, canceled: 0, stillOnHold: 3, movedToFulfillment: 0 });
    expect((await getOrder(t, a.id)).lines[0].statusReason).toBe('BackorderHold');

    // 2 arrive (no event run: onSupplyChange is off). At the deadline A's and B's SL-1 lines expire first, so the
    // pass gives the 2 to C, which fits today and is released.
    await setOnHand(t, [{ sku: 'SL-1', locationId: 'EAST', onHand: 2 }]);
    await t.setClock(deadline);
    const before = await lineSnapshot(t.service.database.db);
    const run = await runNow(t, 'backorder');
    const after = await lineSnapshot(t.service.database.db);
    expect(run).toMatchObject({ status: 'succeeded', processed: 3, canceled: 2, movedToFulfillment: 1, stillOnHold: 0, failedRecords: 0 });

    const oa = await getOrder(t, a.id);
    expect(oa.status).toBe('Canceled');
    expect(oa.lines[0]).toMatchObject({ state: 'Canceled', statusReason: 'BackorderSlaExpired', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
    const ob = await getOrder(t, b.id);
    expect(ob.status).toBe('InFulfillment');
    expect(ob.lines.map((l: any) => l.statusReason)).toEqual(['AwaitingFulfillment', 'BackorderSlaExpired']);
    const oc = await getOrder(t, c.id);
    expect(oc.status).toBe('InFulfillment');
    expect(oc.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10', estimatedShipmentDate: '2028-06-11' });

    const { records } = await runDetails(t, run.id);
    expect(records.filter((r) => r.to === 'BackorderSlaExpired').map((r) => r.lineId).sort()).toEqual([a.lines[0].id, b.lines[1].id].sort());
    expectRunAccounted(run, records, before, after);
    const events = (await t.api('GET', `/api/orders/${a.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'line.canceled', from: 'BackorderHold', to: 'BackorderSlaExpired', at: deadline });
    await expectInvariants(t.service.database.db);
  });

  it('expires a line backordered later exactly at its own deadline', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'SL-2': {} }, settings: { backorders: true, cancellationSlaDays: 1 } });
    const backorderedAt = '2028-06-01T09:00:00.123Z';
    await t.setClock(backorderedAt);
    const d = await place(t, 'D', [['SL-2', 1]]);
    expect(d.lines[0].backorderedAt).toBe(backorderedAt);

    await t.setClock('2028-06-02T09:00:00.122Z');
    expect(await runNow(t, 'backorder')).toMatchObject({ processed: 1, canceled: 0, stillOnHold: 1 });
    await t.setClock('2028-06-02T09:00:00.123Z');
    expect(await runNow(t, 'backorder')).toMatchObject({ processed: 1, canceled: 1, stillOnHold: 0 });
    const od = await getOrder(t, d.id);
    expect(od).toMatchObject({ status: 'Canceled', lines: [{ statusReason: 'BackorderSlaExpired' }] });

    // Once canceled, the line is out of every later run.
    expect(await runNow(t, 'backorder')).toMatchObject({ processed: 0, canceled: 0 });
    await expectInvariants(t.service.database.db);
  });
});
