/**
 * The typed client (`holdfast/client`, generated from the OpenAPI document) against a listening service: the
 * calls compile against the routes' types, and the answers are what the types say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHoldfastClient } from '../../src/client/index.ts';
import type { HoldfastClient } from '../../src/client/index.ts';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, TODAY, addDays } from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('typed client against a listening service on %s', (kind) => {
  let t: TestService;
  let api: HoldfastClient;
  let baseUrl: string;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    baseUrl = await t.service.app.listen({ host: '127.0.0.1', port: 0 });
    api = createHoldfastClient({ baseUrl, apiKey: ADMIN_KEY });
  });
  afterAll(async () => t?.close());

  it('sets up a catalog, stock and settings', async () => {
    const settings = await api.PATCH('/api/settings', { body: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } } });
    expect(settings.response.status).toBe(200);
    expect(settings.data?.backorders).toBe(true);
    const loc = await api.PUT('/api/locations/{id}', { params: { path: { id: 'EAST' } }, body: { name: 'East', priority: 1 } });
    expect(loc.response.status).toBe(201);
    expect(loc.data).toEqual({ id: 'EAST', name: 'East', priority: 1, handlingDays: 1, active: true });
    const product = await api.PUT('/api/products/{sku}', { params: { path: { sku: 'KB-1' } }, body: { name: 'Keyboard' } });
    expect(product.data).toMatchObject({ sku: 'KB-1', preorderEligible: false, launchDate: null, allowBackorder: true });
    const onHand = await api.PUT('/api/inventory/on-hand', { body: [{ sku: 'KB-1', locationId: 'EAST', onHand: 2 }] });
    expect(onHand.data).toEqual({ count: 1 });
  });

  it('places, reads and lists orders with typed answers', async () => {
    const placed = await api.POST('/api/orders', { body: { externalId: 'TC-1', lines: [{ sku: 'KB-1', quantity: 3 }] } });
    expect(placed.response.status).toBe(201);
    const order = placed.data!;
    expect(order.lines[0]).toMatchObject({ sku: 'KB-1', quantity: 3, statusReason: 'BackorderHold', state: 'OnHold' });

    const read = await api.GET('/api/orders/{id}', { params: { path: { id: order.id } } });
    expect(read.data?.externalId).toBe('TC-1');
    const lines = await api.GET('/api/order-lines', { params: { query: { statusReason: 'BackorderHold', sku: 'KB-1' } } });
    expect(lines.data?.items.map((l) => l.orderId)).toEqual([order.id]);
    const events = await api.GET('/api/orders/{id}/events', { params: { path: { id: order.id } } });
    expect(events.data?.items.map((e) => [e.from, e.to])).toEqual([['New', 'BackorderHold']]);
  });

  it('uploads a schedule as CSV through the same client, then runs a job and reads its records', async () => {
    const csv = `sku,locationId,date,quantity,reference\nKB-1,EAST,${addDays(TODAY, 3)},5,PO-9\n`;
    const upload = await api.POST('/api/inventory/schedules', { body: [], bodySerializer: () => csv, headers: { 'content-type': 'text/csv' } });
    expect(upload.response.status).toBe(201);
    expect(upload.data?.items).toEqual([{ id: expect.any(Number), sku: 'KB-1', locationId: 'EAST', date: addDays(TODAY, 3), quantity: 5, reference: 'PO-9' }]);

    const atp = await api.GET('/api/atp', { params: { query: { sku: 'KB-1', locationId: 'EAST', quantity: 3 } } });
    expect(atp.data?.earliestDate).toBe(addDays(TODAY, 3));

    const run = await api.POST('/api/jobs/{jobType}/runs', { params: { path: { jobType: 'backorder' }, query: { wait: true } }, body: {} });
    expect(run.response.status).toBe(200);
    expect(run.data).toMatchObject({ jobType: 'backorder', trigger: 'manual', status: 'succeeded', processed: 1, stillOnHold: 1 });
    const ran = run.data!;
    if ('dryRun' in ran) throw new Error('a run with wait=true answered as a dry run');
    const details = await api.GET('/api/jobs/runs/{id}', { params: { path: { id: ran.id } } });
    // The receipt re-dated the held line: one record with from = to and the new dates.
    expect(details.data?.records.items).toEqual([
      expect.objectContaining({ from: 'BackorderHold', to: 'BackorderHold', inventoryAvailabilityDate: addDays(TODAY, 3), estimatedShipmentDate: addDays(TODAY, 4) }),
    ]);
    const log = await api.GET('/api/jobs/runs', { params: { query: { jobType: 'backorder' } } });
    expect(log.data?.items.map((r) => r.id)).toContain(ran.id);

    // A dry run through the same route: the counts and records, typed apart from a run, and nothing written.
    const dry = await api.POST('/api/jobs/{jobType}/runs', { params: { path: { jobType: 'backorder' }, query: { dryRun: true } }, body: {} });
    expect(dry.response.status).toBe(200);
    expect(dry.data).toMatchObject({ dryRun: true, jobType: 'backorder', processed: 1 });
    const after = await api.GET('/api/jobs/runs', { params: { query: { jobType: 'backorder' } } });
    expect(after.data?.items.length).toBe(log.data?.items.length);
  });

  it('answers a refused call as an error value with its problem, never a throw', async () => {
    const bad = await api.POST('/api/orders', { body: { externalId: 'TC-2', lines: [{ sku: 'KB-1', quantity: 0 }] } });
    expect(bad.response.status).toBe(400);
    expect(bad.data).toBeUndefined();
    expect(bad.error).toMatchObject({ status: 400, errors: [expect.objectContaining({ path: '/lines/0/quantity' })] });

    const viewer = createHoldfastClient({ baseUrl, apiKey: await t.key('viewer') });
    const forbidden = await viewer.PATCH('/api/settings', { body: { backorders: false } });
    expect(forbidden.response.status).toBe(403);
    const me = await viewer.GET('/api/session');
    expect(me.data?.role).toBe('viewer');
    const anonymous = createHoldfastClient({ baseUrl });
    expect((await anonymous.GET('/api/orders')).response.status).toBe(401);
    expect((await anonymous.GET('/health')).response.status).toBe(200);
  });
});
