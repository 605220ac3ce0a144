/**
 * GET /api/order-lines/{id}/promise (SPEC section 11): hand-worked examples. Today is 2028-06-01 (UTC), the
 * horizon 30 days (to 2028-07-01), EAST (priority 1, 1 handling day) and WEST (2, 2 handling days); event runs
 * are off so nothing re-dates lines behind the test's back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { runNow } from '../jobs/job-helpers.ts';
import { T0, TODAY, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules } from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('why a line has its dates on %s', (kind) => {
  let t: TestService;
  let n = 0;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 } });
    await seedProducts(t, {
      WIDGET: {},
      GADGET: {},
      NOTHING: {},
      LAUNCH: { preorderEligible: true, launchDate: '2028-06-10' },
      LATE: { preorderEligible: true, launchDate: '2028-09-01' },
      FRONLY: {},
    });
    await patchSettings(t, { onHandChangeSchedule: true, backorders: true, atpHorizonDays: 30, jobs: { backorder: { onSupplyChange: false } } });
    await t.api('PUT', '/api/policies', { rules: [{ name: 'france-west', match: { country: ['FR'] }, locationIds: ['WEST'] }] });
    await seedOnHand(t, [
      ['LAUNCH', 'EAST', 20],
      ['FRONLY', 'EAST', 10],
      ['GADGET', 'EAST', 10],
    ]);
    await seedSchedules(t, [
      { sku: 'WIDGET', locationId: 'EAST', date: '2028-06-05', quantity: 8, reference: 'PO-1' },
      { sku: 'WIDGET', locationId: 'EAST', date: '2028-06-12', quantity: 6, reference: 'PO-2' },
    ]);
  });
  afterAll(async () => t?.close());

  const place = (lines: [string, number][], extra: Parameters<typeof placeOrder>[3] = {}) => placeOrder(t, `lp-${kind}-${++n}`, lines, extra);
  const explain = async (lineId: string, key?: string) => {
    const r = await t.api('GET', `/api/order-lines/${lineId}/promise`, undefined, key ? { key } : {});
    expectStatus(r, 200);
    return r.body;
  };
  const day = (answer: any, locationId: string, date: string) => answer.locations.find((l: any) => l.locationId === locationId).days.find((d: any) => d.date === date);

  it('names the units ahead, the receipt they take and the receipt that covers the line', async () => {
    // A (8) takes the 5 June receipt at EAST; B (4) waits for the 12 June receipt (PO-2, 6 units).
    const a = (await place([['WIDGET', 8]])).lines[0];
    const b = (await place([['WIDGET', 4]])).lines[0];
    expect(a).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05' });
    expect(b).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-12' });

    const p = await explain(b.id);
    expect(p).toMatchObject({
      lineId: b.id,
      sku: 'WIDGET',
      quantity: 4,
      state: 'OnHold',
      statusReason: 'BackorderHold',
      today: TODAY,
      horizonDays: 30,
      queue: { position: 2, ahead: { lines: 1, quantity: 8 }, expiringAhead: { lines: 0, quantity: 0 } },
      stored: { locationId: 'EAST', inventoryAvailabilityDate: '2028-06-12', estimatedShipmentDate: '2028-06-13' },
      next: { jobType: 'backorder', statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-12', estimatedShipmentDate: '2028-06-13' },
      reservation: null,
      decidedBy: null,
    });
    expect(p.locations.map((l: any) => [l.locationId, l.earliestDate])).toEqual([
      ['EAST', '2028-06-12'],
      ['WEST', null],
    ]);
    expect(p.locations[0].days).toHaveLength(31);
    expect(day(p, 'EAST', '2028-06-05')).toEqual({ date: '2028-06-05', supply: 8, promisedAhead: 8, projected: 0, atp: 0 });
    expect(day(p, 'EAST', '2028-06-12')).toEqual({ date: '2028-06-12', supply: 6, promisedAhead: 0, projected: 6, atp: 6 });
    expect(p.explanation).toBe(
      '8 units ahead of this line take the 5 June 2028 receipt at EAST; the next receipt that covers its 4 arrives on 12 June 2028 (PO-2, 6 units).',
    );

    // The first line has nobody ahead: EAST has nothing before the receipt that covers it.
    const first = await explain(a.id);
    expect(first.queue).toEqual({ position: 1, ahead: { lines: 0, quantity: 0 }, expiringAhead: { lines: 0, quantity: 0 } });
    expect(day(first, 'EAST', '2028-06-05')).toMatchObject({ supply: 8, promisedAhead: 0, projected: 8, atp: 8 });
    expect(first.explanation).toBe('EAST has no stock for it before 5 June 2028; the receipt that covers its 8 units arrives then (PO-1, 8 units).');
  });

  it('says when the next run re-dates a line that intake placed behind lower-priority lines', async () => {
    // C (priority 9, 4 units) arrives last: intake puts it after A and B (19 June: nothing left, so no date), but
    // the next backorder run promises by priority, so C takes the 5 June receipt and A moves to 12 June.
    const c = (await place([['WIDGET', 4]], { priority: 9 })).lines[0];
    expect(c).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null });
    const p = await explain(c.id);
    expect(p.queue).toEqual({ position: 1, ahead: { lines: 0, quantity: 0 }, expiringAhead: { lines: 0, quantity: 0 } });
    expect(p.next).toEqual({ jobType: 'backorder', statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
    expect(p.stored).toEqual({ locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
    expect(p.explanation).toBe(
      'EAST has no stock for it before 5 June 2028; the receipt that covers its 4 units arrives then (PO-1, 8 units). It is stored with no date; the next backorder run re-dates it to 5 June 2028 at EAST.',
    );
    // What the run then writes is what the explanation said.
    const run = await t.api('POST', '/api/jobs/backorder/runs?wait=true');
    expectStatus(run, 200);
    const after = await explain(c.id);
    expect(after.stored).toEqual({ locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
    expect(after.next).toMatchObject(after.stored);
  });

  it('names the launch date when only the launch holds a preorder back', async () => {
    const line = (await place([['LAUNCH', 5]])).lines[0];
    expect(line).toMatchObject({ statusReason: 'PreorderHold', launchDate: '2028-06-10', inventoryAvailabilityDate: '2028-06-10' });
    const p = await explain(line.id);
    expect(p.next).toMatchObject({ jobType: 'preorder', statusReason: 'PreorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10' });
    expect(p.locations[0]).toMatchObject({ locationId: 'EAST', earliestDate: '2028-06-10' });
    expect(p.explanation).toBe('Its launch date, 10 June 2028, decides: EAST could cover its 5 units today, but a preorder is never promised before it launches.');
  });

  it('names the horizon when nothing covers a line within it, and a launch after it', async () => {
    const none = (await place([['NOTHING', 4]])).lines[0];
    const p = await explain(none.id);
    expect(p.locations.map((l: any) => l.earliestDate)).toEqual([null, null]);
    expect(p.next).toMatchObject({ locationId: null, inventoryAvailabilityDate: null });
    expect(p.explanation).toBe('No candidate location can promise its 4 units by 1 July 2028, the end of the 30-day horizon: none has any stock or receipts for it.');

    const late = (await place([['LATE', 1]])).lines[0];
    expect((await explain(late.id)).explanation).toBe('It launches on 1 September 2028, after the 30-day horizon that ends on 1 July 2028, so it has no date yet.');
  });

  it('names a location the fulfillment policy leaves out', async () => {
    // Shipped to France only WEST is a candidate; EAST has 10 on hand.
    const line = (await place([['FRONLY', 3]], { shipTo: { country: 'FR' } })).lines[0];
    expect(line).toMatchObject({ statusReason: 'BackorderHold', locationId: null });
    const p = await explain(line.id);
    expect(p.locations.map((l: any) => l.locationId)).toEqual(['WEST']);
    expect(p.otherLocations).toEqual([{ locationId: 'EAST', earliestDate: TODAY }]);
    expect(p.explanation).toBe(
      'No candidate location can promise its 3 units by 1 July 2028, the end of the 30-day horizon: none has any stock or receipts for it. EAST could have it today, but the fulfillment policy (rule "france-west") does not make it a candidate for this line.',
    );
  });

  it('explains released, shipped and canceled lines by the move that decided them', async () => {
    const order = await place([['GADGET', 2], ['GADGET', 3]]);
    const [released, toShip] = order.lines;
    const p = await explain(released.id);
    expect(p).toMatchObject({
      statusReason: 'AwaitingFulfillment',
      queue: null,
      locations: [],
      next: null,
      reservation: { locationId: 'EAST', quantity: 2, since: T0.replace('Z', '.000Z') },
      decidedBy: { from: 'New', to: 'AwaitingFulfillment', trigger: 'intake', runId: null },
    });
    expect(p.explanation).toBe('Reserved at EAST since 1 June 2028, released by intake from stock on hand; it ships by 2 June 2028.');

    expectStatus(await t.api('POST', `/api/fulfillment/lines/${toShip.id}/ship`), 200);
    expect((await explain(toShip.id)).explanation).toMatch(/^Shipped from EAST on 1 June 2028, confirmed by key /);

    expectStatus(await t.api('POST', `/api/orders/${order.id}/lines/1/cancel`), 200);
    const canceled = await explain(released.id);
    expect(canceled).toMatchObject({ statusReason: 'CanceledByRequest', reservation: null, decidedBy: { from: 'AwaitingFulfillment', to: 'CanceledByRequest' } });
    expect(canceled.explanation).toMatch(/^Canceled by request on 1 June 2028 \(key .+\); its reservation at EAST was released\.$/);
  });

  it('names the run and its job that released a line', async () => {
    await seedProducts(t, { RUNREL: {} });
    const line = (await place([['RUNREL', 2]])).lines[0];
    expect(line.statusReason).toBe('BackorderHold');
    await seedOnHand(t, [['RUNREL', 'EAST', 5]]);
    const run = await runNow(t, 'backorder');
    const p = await explain(line.id);
    expect(p).toMatchObject({
      statusReason: 'AwaitingFulfillment',
      decidedBy: { from: 'BackorderHold', to: 'AwaitingFulfillment', runId: run.id, jobType: 'backorder', trigger: 'manual' },
    });
  });

  it('answers any key, and 404 for an unknown line', async () => {
    const line = (await place([['GADGET', 1]])).lines[0];
    const viewer = await t.key('viewer');
    expect((await explain(line.id, viewer)).lineId).toBe(line.id);
    expectProblem(await t.api('GET', '/api/order-lines/ln_nope/promise'), 404);
    expectProblem(await t.api('GET', `/api/order-lines/${line.id}/promise`, undefined, { key: null }), 401);
  });
});
