/**
 * Webhook delivery from the outbox (SPEC section 7), with the dispatcher running as in `serve` and real receivers
 * on 127.0.0.1: every event type arrives signed and verifiable with the line as it was at that event; a line's
 * events arrive in order, each after the earlier one was answered; a receiver answering 500 gets retries with
 * growing gaps while a healthy one has its events; one held up never delays another; a receiver that recovers
 * gets everything; a failed delivery is redelivered by the retry route; ping; a subscription gets only events
 * after its creation; while the request thread is busy the dispatcher keeps fewer requests out. Retry timing is
 * shortened through the configuration.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { gate as held } from '../fixtures/gate.ts';
import { startReceiver } from '../fixtures/webhook-receiver.ts';
import type { ReceivedRequest, Receiver } from '../fixtures/webhook-receiver.ts';
import {
  SCENARIO_SETTINGS,
  T0,
  TODAY,
  addDays,
  expectProblem,
  expectStatus,
  getOrder,
  patchSettings,
  placeOrder,
  seedLocations,
  seedOnHand,
  seedProducts,
  seedSchedules,
} from '../fixtures/seed.ts';

const SECRET = 'whsec_delivery_test_secret_0123456789';
const LINE_FIELDS = ['id', 'orderId', 'lineNumber', 'sku', 'quantity', 'locationId', 'state', 'statusReason', 'inventoryAvailabilityDate', 'estimatedShipmentDate', 'launchDate', 'backorderedAt', 'version'];

/** What a receiver checks, done here independently of the service's code. */
function expectSigned(r: ReceivedRequest, secret: string): void {
  const ts = String(r.headers['holdfast-timestamp']);
  const signature = String(r.headers['holdfast-signature']);
  expect(ts).toMatch(/^\d+$/);
  expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(300);
  expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  expect(r.eventId).toBe(r.json.id);
  expect(Object.keys(r.json).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
}

async function subscribe(t: TestService, id: string, receiver: Receiver, events: string[] = ['*']): Promise<void> {
  expectStatus(await t.api('PUT', `/api/webhooks/${id}`, { url: receiver.url, secret: SECRET, events }), 201);
}

async function deliveries(t: TestService, id: string): Promise<any[]> {
  const r = await t.api('GET', `/api/webhooks/${id}/deliveries?limit=500`);
  expectStatus(r, 200);
  return r.body.items;
}

/** Gaps between the attempts a receiver got for one event id. */
function gapsOf(requests: readonly ReceivedRequest[], eventId: string): number[] {
  const at = requests.filter((r) => r.eventId === eventId).map((r) => r.at);
  return at.slice(1).map((a, i) => a - at[i]!);
}

describe.each(DATABASE_KINDS)('webhook delivery on %s', (kind) => {
  let t: TestService;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    t = await startTestService(kind, {
      now: T0,
      dispatcher: true,
      config: { webhookRetryBaseMs: 300, webhookRetryMaxMs: 5_000, webhookRetryWindowMs: 120_000, webhookTimeoutMs: 3_000, webhookPollMs: 10, webhookConcurrency: 4 },
    });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 } });
    await seedProducts(t, { 'KB-1': {}, 'MS-2': {}, 'VR-9': { preorderEligible: true, launchDate: '2028-06-10' }, 'OS-3': { allowBackorder: false } });
    await seedOnHand(t, [['KB-1', 'EAST', 50]]);
    await seedSchedules(t, [{ sku: 'MS-2', locationId: 'EAST', date: addDays(TODAY, 4), quantity: 10 }]);
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('sends every event type, signed, with the line as it was at that event', async () => {
    const rx = await receiver();
    await subscribe(t, 'every-type', rx);

    const released = await placeOrder(t, 'ET-released', [['KB-1', 1]], { customerId: 'C-7' });
    const backordered = await placeOrder(t, 'ET-backordered', [['MS-2', 2]]);
    const preordered = await placeOrder(t, 'ET-preordered', [['VR-9', 1]]);
    const canceled = await placeOrder(t, 'ET-canceled', [['OS-3', 1]]);
    expect(backordered.lines[0]).toMatchObject({ statusReason: 'BackorderHold', inventoryAvailabilityDate: addDays(TODAY, 4) });
    expect(canceled.lines[0].statusReason).toBe('OutOfStock');
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${released.lines[0].id}/ship`), 200);
    // An earlier receipt: the backorder job re-dates the held line (line.promise_changed).
    await seedSchedules(t, [{ sku: 'MS-2', locationId: 'EAST', date: addDays(TODAY, 2), quantity: 10 }]);
    expectStatus(await t.api('POST', '/api/jobs/backorder/runs?wait=true'), 200);
    const ping = await t.api('POST', '/api/webhooks/every-type/ping');
    expectStatus(ping, 200);
    expect(ping.body).toMatchObject({ type: 'ping', status: 'delivered', attempts: 1, lastStatusCode: 200, eventId: `ping_${ping.body.id}` });

    const types = ['line.released', 'line.shipped', 'line.backordered', 'line.promise_changed', 'line.preordered', 'line.canceled', 'ping'];
    await rx.waitFor((r) => types.every((type) => r.delivered().some((q) => q.json?.type === type)), 20_000, 'every event type');

    const orders = [released, backordered, preordered, canceled];
    const history = new Map<string, any>();
    for (const o of orders) {
      const r = await t.api('GET', `/api/orders/${o.id}/events`);
      expectStatus(r, 200);
      for (const e of r.body.items) history.set(String(e.id), e);
    }
    const lineEvents = rx.delivered().filter((r) => r.json.type !== 'ping');
    // Exactly the events of these orders, each once.
    expect(lineEvents.map((r) => r.eventId).sort()).toEqual([...history.keys()].sort());
    for (const r of rx.delivered()) expectSigned(r, SECRET);

    for (const r of lineEvents) {
      const e = history.get(r.eventId);
      const { data } = r.json;
      expect(r.json.type).toBe(e.type);
      expect(r.json.occurredAt).toBe(e.at);
      expect(Object.keys(data)).toEqual(expect.arrayContaining([...LINE_FIELDS, 'externalId', 'customerId']));
      expect(data).toMatchObject({
        id: e.lineId,
        statusReason: e.to,
        locationId: e.data.locationId,
        inventoryAvailabilityDate: e.data.inventoryAvailabilityDate,
        estimatedShipmentDate: e.data.estimatedShipmentDate,
        quantity: e.data.quantity,
        launchDate: e.data.launchDate,
        version: e.data.version,
        backorderedAt: e.data.backorderedAt === null ? null : new Date(e.data.backorderedAt).toISOString(),
      });
    }
    // The last event of each line carries the line exactly as it is now, and its order's ids.
    for (const o of orders) {
      const now = await getOrder(t, o.id);
      for (const line of now.lines) {
        const last = lineEvents.filter((r) => r.json.data.id === line.id).at(-1)!;
        const { externalId, customerId, previous: _previous, ...asLine } = last.json.data;
        expect(asLine).toEqual(line);
        expect({ externalId, customerId }).toEqual({ externalId: now.externalId, customerId: now.customerId });
      }
    }
    const changed = lineEvents.find((r) => r.json.type === 'line.promise_changed')!;
    expect(changed.json.data).toMatchObject({ inventoryAvailabilityDate: addDays(TODAY, 2), estimatedShipmentDate: addDays(TODAY, 3) });
    expect(changed.json.data.previous).toEqual({ locationId: 'EAST', inventoryAvailabilityDate: addDays(TODAY, 4), estimatedShipmentDate: addDays(TODAY, 5) });
    expect(lineEvents.find((r) => r.json.type === 'line.preordered')!.json.data).toMatchObject({ launchDate: '2028-06-10', state: 'OnHold' });
    expect(lineEvents.find((r) => r.json.type === 'line.shipped')!.json.data).toMatchObject({ state: 'Fulfilled', customerId: 'C-7', externalId: 'ET-released' });
    const pinged = rx.delivered().find((r) => r.json.type === 'ping')!;
    expect(pinged.json.data).toEqual({ webhookId: 'every-type' });

    // The receiver answered; the dispatcher records the answers right after.
    await expect.poll(async () => (await deliveries(t, 'every-type')).filter((d) => d.status === 'delivered').length, { timeout: 5_000 }).toBe(history.size + 1);
    const log = await deliveries(t, 'every-type');
    expect(log.length).toBe(history.size + 1);
    expect(log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200 && d.deliveredAt !== null && d.nextAttemptAt === null)).toBe(true);
    expect(log.map((d) => d.id)).toEqual([...log.map((d) => d.id)].sort((a, b) => b - a));
    expectStatus(await t.api('DELETE', '/api/webhooks/every-type'), 204);
  });

  it("keeps a line's events in order: each is sent after the earlier one was answered", async () => {
    // A receiver slower than the service: events queue up, and per line they must still come one after another.
    let n = 0;
    const rx = await receiver(() => ({ status: 200, delayMs: (n++ * 7) % 25 }));
    await subscribe(t, 'ordered', rx);
    const skus = ['PO-1', 'PO-2', 'PO-3'];
    await seedProducts(t, Object.fromEntries(skus.map((s) => [s, {}])));
    await seedSchedules(t, skus.map((sku) => ({ sku, locationId: 'EAST', date: addDays(TODAY, 10), quantity: 100 })));
    const orders = [];
    for (let i = 0; i < 12; i++) orders.push(await placeOrder(t, `PO-order-${i}`, [[skus[i % 3]!, 1 + (i % 2)]]));
    await seedSchedules(t, skus.map((sku) => ({ sku, locationId: 'EAST', date: addDays(TODAY, 5), quantity: 100 })));
    expectStatus(await t.api('POST', '/api/jobs/backorder/runs?wait=true'), 200);
    await seedOnHand(t, skus.map((sku) => [sku, 'EAST', 100] as const));
    expectStatus(await t.api('POST', '/api/jobs/backorder/runs?wait=true'), 200);
    for (const o of orders) {
      const line = (await getOrder(t, o.id)).lines[0];
      expect(line.statusReason).toBe('AwaitingFulfillment');
      expectStatus(await t.api('POST', `/api/fulfillment/lines/${line.id}/ship`), 200);
    }
    await rx.waitFor((r) => r.delivered().length === 48, 30_000, '48 events (4 per line)');

    const byLine = new Map<string, ReceivedRequest[]>();
    for (const r of rx.received) byLine.set(r.json.data.id, [...(byLine.get(r.json.data.id) ?? []), r]);
    expect(byLine.size).toBe(12);
    for (const [lineId, requests] of byLine) {
      expect(requests.map((r) => r.json.type), lineId).toEqual(['line.backordered', 'line.promise_changed', 'line.released', 'line.shipped']);
      expect(requests.map((r) => r.json.data.version), lineId).toEqual([1, 2, 3, 4]);
      for (let i = 1; i < requests.length; i++) expect(requests[i]!.at, lineId).toBeGreaterThanOrEqual(requests[i - 1]!.answeredAt!);
    }
    // The receiver had several requests open at once (different lines), so the order above was not a given.
    expect(rx.maxOpen).toBeGreaterThan(1);
    expect(rx.concurrentDuplicates).toEqual([]);
    expectStatus(await t.api('DELETE', '/api/webhooks/ordered'), 204);
  });

  it('retries a receiver answering 500 with growing gaps while a healthy one has its events, and delivers everything once it recovers', async () => {
    // The failing receiver keeps its first requests open until the test lets it answer (500, like every later try).
    const slow = held();
    const failing = await receiver(() => ({ status: 500, after: slow.promise }));
    const healthy = await receiver();
    await subscribe(t, 'failing', failing);
    await subscribe(t, 'healthy', healthy);
    const placed = [];
    for (let i = 0; i < 3; i++) placed.push(await placeOrder(t, `RT-${i}`, [['KB-1', 1]]));

    await failing.waitFor((r) => r.received.length > 0, 20_000, 'a first request to the failing receiver');
    await healthy.waitFor((r) => r.delivered().length === 3, 20_000, 'the healthy receiver to have the 3 events');
    // The healthy receiver had all three while the failing one had answered none of its requests.
    expect(failing.received.filter((r) => r.answeredAt !== undefined)).toEqual([]);
    slow.release();
    const firstId = failing.received[0]!.eventId;

    await failing.waitFor((r) => gapsOf(r.received, firstId).length >= 3, 20_000, 'three retries of the first event');
    const gaps = gapsOf(failing.received, firstId);
    // The delays double (300, 600, 1,200 ms ... times a jitter in [0.8, 1.2); the schedule itself is checked without a
    // clock in src/domain/webhooks/retry-schedule.test.ts). Only bounds a busy machine cannot break are checked here:
    // a lag makes a try later, never earlier, so each gap is at least its delay's low end.
    const nominal = (failures: number) => Math.min(300 * 2 ** (failures - 1), 5_000);
    for (const [i, gap] of gaps.slice(0, 3).entries()) expect(gap, `gap ${i + 1} of ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(0.8 * nominal(i + 1));

    // The delivery's next try, as stored after its latest failure, lies its delay after that failure: no earlier
    // than the delay's low end after the receiver had the try, no later than its high end after the log was read.
    const log = await deliveries(t, 'failing');
    const readAt = Date.now();
    const first = log.find((d) => d.eventId === firstId)!;
    expect(first).toMatchObject({ status: 'pending', lastStatusCode: 500, deliveredAt: null });
    // The receiver has had four tries; the fourth may not be recorded yet (the bounds below use what is).
    expect(first.attempts).toBeGreaterThanOrEqual(3);
    const tried = failing.received.filter((r) => r.eventId === firstId)[first.attempts - 1]!.at;
    const next = Date.parse(first.nextAttemptAt);
    expect(next - tried, `the next try after ${first.attempts} failures`).toBeGreaterThanOrEqual(0.8 * nominal(first.attempts));
    expect(next - readAt, `the next try after ${first.attempts} failures`).toBeLessThanOrEqual(1.2 * nominal(first.attempts));
    expect(first.lastError).toMatch(/500/);
    for (const r of failing.received) expectSigned(r, SECRET);

    failing.behave(() => ({ status: 204 }));
    await failing.waitFor((r) => r.delivered().length === 3, 30_000, 'the recovered receiver to get all 3 events');
    expect(new Set(failing.delivered().map((r) => r.eventId))).toEqual(new Set(healthy.delivered().map((r) => r.eventId)));
    await expect.poll(async () => (await deliveries(t, 'failing')).map((d) => d.status), { timeout: 5_000 }).toEqual(['delivered', 'delivered', 'delivered']);
    const after = await deliveries(t, 'failing');
    expect(after.every((d) => d.lastStatusCode === 204 && d.lastError === null && d.deliveredAt !== null && d.attempts >= 2)).toBe(true);
    expectStatus(await t.api('DELETE', '/api/webhooks/failing'), 204);
    expectStatus(await t.api('DELETE', '/api/webhooks/healthy'), 204);
  });

  it('a receiver held up never delays another subscription', async () => {
    const gate = held();
    const stuck = await receiver(() => ({ status: 200, after: gate.promise }));
    const quick = await receiver();
    await subscribe(t, 'stuck', stuck);
    await subscribe(t, 'quick', quick);
    for (let i = 0; i < 10; i++) await placeOrder(t, `HU-${i}`, [['KB-1', 1]]);
    // The quick receiver gets all ten while the stuck one holds every request it got (4 at most: its slots).
    await quick.waitFor((r) => r.delivered().length === 10, 20_000, 'the quick receiver to get 10 events');
    expect(stuck.delivered().length).toBe(0);
    expect(stuck.received.length).toBeLessThanOrEqual(4);
    gate.release();
    await stuck.waitFor((r) => r.delivered().length === 10, 20_000, 'the released receiver to get 10 events');
    expect(stuck.concurrentDuplicates).toEqual([]);
    expectStatus(await t.api('DELETE', '/api/webhooks/stuck'), 204);
    expectStatus(await t.api('DELETE', '/api/webhooks/quick'), 204);
  });

  it('a subscription gets only the events after its creation, and only the types it asked for', async () => {
    const before = await placeOrder(t, 'SC-before', [['KB-1', 1]]);
    const rx = await receiver();
    await subscribe(t, 'from-now', rx, ['line.released', 'line.shipped']);
    const after = await placeOrder(t, 'SC-after', [['KB-1', 1], ['MS-2', 1]]);
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${after.lines[0].id}/ship`), 200);
    await rx.waitFor((r) => r.delivered().length >= 2, 20_000, 'two events');
    // The ping goes through the same queue after the events above: once it is there, nothing else is coming.
    expectStatus(await t.api('POST', '/api/webhooks/from-now/ping'), 200);
    expect(rx.received.map((r) => r.json.type)).toEqual(['line.released', 'line.shipped', 'ping']);
    expect(rx.received.every((r) => r.json.type === 'ping' || r.json.data.orderId === after.id)).toBe(true);
    expect(rx.received.some((r) => r.json.data?.orderId === before.id)).toBe(false);
    expectStatus(await t.api('DELETE', '/api/webhooks/from-now'), 204);
  });

  it('an inactive subscription is sent nothing, a ping aside', async () => {
    const rx = await receiver();
    expectStatus(await t.api('PUT', '/api/webhooks/inactive', { url: rx.url, secret: SECRET, events: ['*'], active: false }), 201);
    const o = await placeOrder(t, 'IN-1', [['KB-1', 1]]);
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${o.lines[0].id}/ship`), 200);
    const ping = await t.api('POST', '/api/webhooks/inactive/ping');
    expect(ping.body).toMatchObject({ status: 'delivered' });
    // Fanned out by now (the health check says the dispatcher has nothing left): still only the ping.
    await expect.poll(async () => (await t.api('GET', '/health')).body.webhooks.outboxLagSeconds, { timeout: 10_000 }).toBe(0);
    expect(rx.received.map((r) => r.json.type)).toEqual(['ping']);
    expect((await deliveries(t, 'inactive')).map((d) => d.type)).toEqual(['ping']);
  });
});

describe.each(DATABASE_KINDS)('webhook delivery while the request thread is busy, on %s', (kind) => {
  let t: TestService;
  let rx: Receiver;
  let busy = true;
  const gate = held();

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0, dispatcher: true, pressure: { busy: () => busy }, config: { webhookPollMs: 10, webhookConcurrency: 8 } });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'KB-1': {} });
    await seedOnHand(t, [['KB-1', 'EAST', 50]]);
    rx = await startReceiver(() => ({ status: 200, after: gate.promise }));
  });
  afterAll(async () => {
    gate.release();
    await t?.close();
    await rx?.close();
  });

  it('keeps a quarter of its requests out while busy, all of them once not, and delivers everything once', async () => {
    expectStatus(await t.api('PUT', '/api/webhooks/busy', { url: rx.url, secret: SECRET, events: ['line.released'] }), 201);
    for (let i = 0; i < 20; i++) await placeOrder(t, `BZ-${i}`, [['KB-1', 1]]);
    // Busy: 2 of its 8 slots, and no more however long the receiver holds them.
    await rx.waitFor((r) => r.received.length === 2, 10_000, 'two requests while busy');
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received.length).toBe(2);
    // Not busy: the other slots fill while the first two are still held.
    busy = false;
    await rx.waitFor((r) => r.received.length === 8, 10_000, 'eight requests once not busy');
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.maxOpen).toBe(8);
    gate.release();
    await rx.waitFor((r) => r.delivered().length === 20, 20_000, 'all 20 delivered');
    expect(rx.concurrentDuplicates).toEqual([]);
    expect(new Set(rx.delivered().map((r) => r.eventId)).size).toBe(20);
  });
});

describe.each(DATABASE_KINDS)('webhook redelivery on %s', (kind) => {
  let t: TestService;
  let rx: Receiver;

  beforeAll(async () => {
    // A short window: attempts at about 0, 0.2 and 0.6 s, then the next would be past 1 s, so the delivery fails.
    t = await startTestService(kind, {
      now: T0,
      dispatcher: true,
      config: { webhookRetryBaseMs: 200, webhookRetryMaxMs: 1_000, webhookRetryWindowMs: 1_000, webhookTimeoutMs: 2_000, webhookPollMs: 10 },
    });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'KB-1': {} });
    await seedOnHand(t, [['KB-1', 'EAST', 10]]);
    rx = await startReceiver(() => ({ status: 503 }));
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it('gives up after the window, and the retry route redelivers a failed delivery now', async () => {
    await subscribe(t, 'flaky', rx);
    await placeOrder(t, 'RD-1', [['KB-1', 1]]);
    await expect.poll(async () => (await deliveries(t, 'flaky'))[0]?.status, { timeout: 20_000 }).toBe('failed');
    const [failed] = await deliveries(t, 'flaky');
    expect(failed).toMatchObject({ type: 'line.released', status: 'failed', lastStatusCode: 503, nextAttemptAt: null, deliveredAt: null });
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    const triesBefore = rx.received.length;
    expect(triesBefore).toBe(failed.attempts);

    rx.behave(() => ({ status: 200 }));
    const retried = await t.api('POST', `/api/webhooks/flaky/deliveries/${failed.id}/retry`);
    expectStatus(retried, 200);
    expect(retried.body).toMatchObject({ id: failed.id, eventId: failed.eventId, status: 'delivered', attempts: failed.attempts + 1, lastStatusCode: 200, lastError: null });
    expect(rx.received.length).toBe(triesBefore + 1);
    const last = rx.received.at(-1)!;
    expect(last.eventId).toBe(failed.eventId);
    expectSigned(last, SECRET);
    // Retrying a delivered one sends it again (receivers drop it by its event id).
    expectStatus(await t.api('POST', `/api/webhooks/flaky/deliveries/${failed.id}/retry`), 200);
    expect(rx.received.at(-1)!.eventId).toBe(failed.eventId);

    // Another subscription's delivery is not this one's.
    const other = await startReceiver();
    try {
      await subscribe(t, 'other', other);
      expectProblem(await t.api('POST', `/api/webhooks/other/deliveries/${failed.id}/retry`), 404);
    } finally {
      await other.close();
    }
  });

  it('a ping to a receiver that fails is answered as it stands and retried later', async () => {
    rx.behave(() => ({ status: 500 }));
    const r = await t.api('POST', '/api/webhooks/flaky/ping');
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ type: 'ping', status: 'pending', attempts: 1, lastStatusCode: 500 });
    expect(r.body.nextAttemptAt).not.toBeNull();
    rx.behave(() => ({ status: 200 }));
    await expect.poll(async () => (await deliveries(t, 'flaky')).find((d) => d.id === r.body.id)?.status, { timeout: 10_000 }).toBe('delivered');
  });
});
