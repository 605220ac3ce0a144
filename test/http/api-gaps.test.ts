/**
 * The API gaps a new user ran into (issue 10.6 and 10.7), SPEC section 7:
 *  - `GET /api/order-lines/{id}`: one line with every field;
 *  - `GET /api/atp?sku=&quantity=` without a location: each active location's earliest date in location order,
 *    and the earliest anywhere (ties by location order);
 *  - `PATCH /api/products/{sku}`: a merge of the fields named (a launch date without the whole product);
 *  - `GET /api/orders` filtered by the derived `status`, by `externalId` and by `customerId`;
 *  - an `externalId` sent again with another body and no Idempotency-Key: a 409 naming the existing order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import {
  SCENARIO_SETTINGS,
  T0,
  TODAY,
  addDays,
  expectProblem,
  expectStatus,
  orderBody,
  patchSettings,
  placeOrder,
  seedLocations,
  seedOnHand,
  seedProducts,
  seedSchedules,
} from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('API gaps on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await patchSettings(t, SCENARIO_SETTINGS);
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2, handlingDays: 2 }, SOUTH: { priority: 3 }, SHUT: { priority: 0, active: false } });
    await seedProducts(t, { 'GA-1': {}, 'GA-2': {}, 'GA-3': {}, 'GA-TIE': {} });
    await seedOnHand(t, [
      ['GA-1', 'EAST', 2],
      ['GA-1', 'SHUT', 50],
      ['GA-2', 'EAST', 10],
      ['GA-TIE', 'WEST', 4],
      ['GA-TIE', 'SOUTH', 4],
    ]);
    await seedSchedules(t, [
      { sku: 'GA-1', locationId: 'WEST', date: addDays(TODAY, 3), quantity: 5 },
      { sku: 'GA-1', locationId: 'SOUTH', date: addDays(TODAY, 7), quantity: 9 },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /api/order-lines/{id} answers one line with every field, and 404 for an unknown id', async () => {
    const order = await placeOrder(t, 'GA-line', [['GA-2', 1], ['GA-3', 2]]);
    for (const line of order.lines) {
      const r = await t.api('GET', `/api/order-lines/${line.id}`);
      expectStatus(r, 200);
      expect(r.body).toEqual(line);
    }
    expectProblem(await t.api('GET', '/api/order-lines/lin_NOPE'), 404);
    expectStatus(await t.api('GET', `/api/order-lines/${order.lines[0].id}`, undefined, { key: await t.key('viewer') }), 200);
  });

  it('GET /api/atp without a location: every active location in location order and the earliest anywhere', async () => {
    const r = await t.api('GET', '/api/atp?sku=GA-1&quantity=4');
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ sku: 'GA-1', quantity: 4, earliestDate: addDays(TODAY, 3), locationId: 'WEST' });
    expect(r.body.locations).toEqual([
      { locationId: 'EAST', earliestDate: null, available: 2, atpToday: 2 },
      { locationId: 'WEST', earliestDate: addDays(TODAY, 3), available: 0, atpToday: 0 },
      { locationId: 'SOUTH', earliestDate: addDays(TODAY, 7), available: 0, atpToday: 0 },
    ]);
    // 2 fit now at EAST: today, there.
    expect((await t.api('GET', '/api/atp?sku=GA-1&quantity=2')).body).toMatchObject({ earliestDate: TODAY, locationId: 'EAST' });
    // Nowhere within the horizon: nulls.
    expect((await t.api('GET', '/api/atp?sku=GA-1&quantity=100')).body).toMatchObject({ earliestDate: null, locationId: null });
    // A tie goes to the location that comes first in location order.
    expect((await t.api('GET', '/api/atp?sku=GA-TIE&quantity=4')).body).toMatchObject({ earliestDate: TODAY, locationId: 'WEST' });
    expectProblem(await t.api('GET', '/api/atp?sku=NOPE-1'), 404);
  });

  it('PATCH /api/products/{sku} changes only the fields named, and checks the result as a whole', async () => {
    const launch = addDays(TODAY, 30);
    const r = await t.api('PATCH', '/api/products/GA-3', { preorderEligible: true, launchDate: launch });
    expectStatus(r, 200);
    expect(r.body).toEqual({ sku: 'GA-3', name: 'GA-3', preorderEligible: true, launchDate: launch, allowBackorder: true });
    expect((await t.api('GET', '/api/products/GA-3')).body).toEqual(r.body);
    expect((await t.api('PATCH', '/api/products/GA-3', { name: 'Renamed' })).body).toMatchObject({ name: 'Renamed', preorderEligible: true, launchDate: launch });

    expectProblem(await t.api('PATCH', '/api/products/GA-3', { launchDate: null }), 400, '/launchDate');
    expectProblem(await t.api('PATCH', '/api/products/GA-3', { colour: 'red' }), 400, '/colour');
    expectProblem(await t.api('PATCH', '/api/products/GA-3', { sku: 'GA-2' }), 400, '/sku');
    expectProblem(await t.api('PATCH', '/api/products/NOPE-1', { name: 'x' }), 404);
    expect((await t.api('GET', '/api/products/GA-3')).body).toMatchObject({ name: 'Renamed', launchDate: launch });
    expectProblem(await t.api('PATCH', '/api/products/GA-3', { name: 'x' }, { key: await t.key('operator') }), 403);
    await t.api('PATCH', '/api/products/GA-3', { preorderEligible: false, launchDate: null, name: 'GA-3' });
  });

  it('GET /api/orders filters by derived status, externalId and customerId', async () => {
    const released = await placeOrder(t, 'GA-status-released', [['GA-2', 1]], { customerId: 'cust-ga' });
    const held = await placeOrder(t, 'GA-status-held', [['GA-2', 1], ['GA-3', 1]], { customerId: 'cust-ga' });
    const canceled = await placeOrder(t, 'GA-status-canceled', [['GA-2', 1]]);
    expectStatus(await t.api('POST', `/api/orders/${canceled.id}/cancel`), 200);
    const shipped = await placeOrder(t, 'GA-status-shipped', [['GA-2', 1], ['GA-2', 1]]);
    for (const l of shipped.lines) expectStatus(await t.api('POST', `/api/fulfillment/lines/${l.id}/ship`), 200);
    const partly = await placeOrder(t, 'GA-status-partly', [['GA-2', 1], ['GA-2', 1]]);
    expectStatus(await t.api('POST', `/api/orders/${partly.id}/lines/1/cancel`), 200);
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${partly.lines[1].id}/ship`), 200);

    const ids = async (query: string) => {
      const r = await t.api('GET', `/api/orders?limit=500&${query}`);
      expectStatus(r, 200);
      return r.body.items.map((o: { id: string; status: string }) => o.id);
    };
    const statusOf = async (query: string) => {
      const r = await t.api('GET', `/api/orders?limit=500&${query}`);
      return new Set(r.body.items.map((o: { status: string }) => o.status));
    };
    expect(await ids('status=InFulfillment')).toContain(released.id);
    expect(await ids('status=OnHold')).toContain(held.id);
    expect(await ids('status=Canceled')).toContain(canceled.id);
    expect(await ids('status=Fulfilled')).toEqual(expect.arrayContaining([shipped.id, partly.id]));
    for (const s of ['InFulfillment', 'OnHold', 'Canceled', 'Fulfilled']) expect(await statusOf(`status=${s}`)).toEqual(new Set([s]));
    expect(await ids('status=Fulfilled')).not.toContain(canceled.id);

    expect(await ids('externalId=GA-status-held')).toEqual([held.id]);
    expect(await ids('customerId=cust-ga')).toEqual([held.id, released.id]);
    expect(await ids('customerId=cust-ga&status=OnHold')).toEqual([held.id]);
    expect(await ids('externalId=nobody')).toEqual([]);
    const bad = await t.api('GET', '/api/orders?status=Done');
    expectProblem(bad, 400, '/status');
    expect(bad.body.errors[0].message).toBe('must be one of Canceled, Fulfilled, OnHold, InFulfillment');
  });

  it('answers a repeated externalId with another body and no Idempotency-Key with a 409 naming the existing order', async () => {
    const first = await placeOrder(t, 'GA-dup', [['GA-2', 1]]);
    const again = await t.api('POST', '/api/orders', orderBody('GA-dup', [['GA-2', 2]]));
    expectProblem(again, 409);
    expect(again.body.detail).toContain(first.id);
    expect(again.body.detail).toContain('GA-dup');
    // The same body is still a replay.
    expect((await t.api('POST', '/api/orders', orderBody('GA-dup', [['GA-2', 1]]))).status).toBe(200);
  });
});
