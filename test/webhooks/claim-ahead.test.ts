/**
 * How many deliveries the dispatcher claims ahead of its requests (src/jobs/webhook-dispatcher.ts): one window of
 * `concurrency` for a receiver it has not heard yet or a slow one, up to four for one that answers fast (fewer,
 * larger claims drain a backlog faster). A delivery that waited so long that its claim would end before its
 * request's deadline is given back and claimed again, so a deep queue never sends a request that outlives its claim
 * (which another claim could then take and send a second time).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { gate as held } from '../fixtures/gate.ts';
import { startReceiver } from '../fixtures/webhook-receiver.ts';
import type { Receiver } from '../fixtures/webhook-receiver.ts';
import { T0, expectStatus, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';

const SECRET = 'whsec_claim_ahead_test_secret_0123456789';
const CONCURRENCY = 4;

/** Deliveries of a subscription now claimed and not yet settled. */
async function claimed(t: TestService, subscriptionId: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from webhook_deliveries d
    join webhook_subscriptions s on s.key = d.subscription_key
    where s.id = ${subscriptionId} and d.status = 'pending' and d.locked_by is not null`.execute(t.service.database.db);
  return Number(r.rows[0]!.n);
}

async function subscribe(t: TestService, id: string, rx: Receiver): Promise<void> {
  expectStatus(await t.api('PUT', `/api/webhooks/${id}`, { url: rx.url, secret: SECRET, events: ['line.released'] }), 201);
}

/** A service delivering webhooks, one sku on hand; requests time out after `timeoutMs`, retries wait a minute. */
async function start(kind: (typeof DATABASE_KINDS)[number], timeoutMs: number): Promise<TestService> {
  const t = await startTestService(kind, {
    now: T0,
    dispatcher: true,
    pressure: { busy: () => false },
    config: { webhookPollMs: 10, webhookConcurrency: CONCURRENCY, webhookTimeoutMs: timeoutMs, webhookRetryBaseMs: 60_000 },
  });
  await seedLocations(t, { EAST: { priority: 1 } });
  await seedProducts(t, { 'KB-1': {} });
  await seedOnHand(t, [['KB-1', 'EAST', 1_000]]);
  return t;
}

describe.each(DATABASE_KINDS)('claiming webhook deliveries ahead on %s', (kind) => {
  let t: TestService;
  const receivers: Receiver[] = [];
  const gates: ReturnType<typeof held>[] = [];

  beforeAll(async () => {
    t = await start(kind, 10_000);
  });
  afterAll(async () => {
    for (const g of gates) g.release();
    await t?.close();
    for (const r of receivers) await r.close();
  });

  it('claims one window ahead for a receiver not heard yet, and four once it has answered fast', async () => {
    const gate = held();
    gates.push(gate);
    let holding = false;
    const fast = await startReceiver(() => (holding ? { status: 200, after: gate.promise } : { status: 200 }));
    const fresh = await startReceiver(() => ({ status: 200, after: gate.promise }));
    receivers.push(fast, fresh);
    await subscribe(t, 'fast', fast);
    // The fast receiver answers its first deliveries at once.
    for (let i = 0; i < 8; i++) await placeOrder(t, `FA-${i}`, [['KB-1', 1]]);
    await fast.waitFor((r) => r.delivered().length === 8, 10_000, 'eight answered at once');
    // Now both hold every request: a window of requests is out, and what waits claimed beside it shows.
    holding = true;
    await subscribe(t, 'fresh', fresh);
    for (let i = 0; i < 40; i++) await placeOrder(t, `FB-${i}`, [['KB-1', 1]]);
    await fast.waitFor((r) => r.received.length === 8 + CONCURRENCY, 10_000, 'a window out to the fast receiver');
    await fresh.waitFor((r) => r.received.length === CONCURRENCY, 10_000, 'a window out to the fresh receiver');
    await new Promise((r) => setTimeout(r, 300));
    expect(fast.received.length).toBe(8 + CONCURRENCY);
    expect(fresh.received.length).toBe(CONCURRENCY);
    // A claim comes once half of what may wait is free, so the count ends within that half of its most.
    const fastClaimed = await claimed(t, 'fast');
    expect(fastClaimed).toBeGreaterThan(CONCURRENCY + 2 * CONCURRENCY);
    expect(fastClaimed).toBeLessThanOrEqual(CONCURRENCY + 4 * CONCURRENCY);
    const freshClaimed = await claimed(t, 'fresh');
    expect(freshClaimed).toBeGreaterThan(CONCURRENCY + CONCURRENCY / 2);
    expect(freshClaimed).toBeLessThanOrEqual(CONCURRENCY + CONCURRENCY);
    gate.release();
    await fast.waitFor((r) => r.delivered().length === 48, 20_000, 'all 48 to the fast receiver');
    await fresh.waitFor((r) => r.delivered().length === 40, 20_000, 'all 40 to the fresh receiver');
    expect([...fast.concurrentDuplicates, ...fresh.concurrentDuplicates]).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('a deep queue of webhook deliveries on %s', (kind) => {
  let t: TestService;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await start(kind, 600);
  });
  afterAll(async () => {
    await t?.close();
    for (const r of receivers) await r.close();
  });

  it('gives back what waited too long instead of sending a request that would outlive its claim', async () => {
    // Claims last 2 x 600 + 1,000 ms. After a fast start, four windows wait claimed; then the receiver stops answering
    // and every request runs to its 600 ms deadline, so the later windows would go out with less than that left.
    let hanging = false;
    const rx = await startReceiver(() => (hanging ? { status: 200, after: new Promise(() => undefined) } : { status: 200 }));
    receivers.push(rx);
    await subscribe(t, 'stalls', rx);
    for (let i = 0; i < 8; i++) await placeOrder(t, `GA-${i}`, [['KB-1', 1]]);
    await rx.waitFor((r) => r.delivered().length === 8, 10_000, 'eight answered at once');
    hanging = true;
    for (let i = 0; i < 40; i++) await placeOrder(t, `GB-${i}`, [['KB-1', 1]]);
    // Each window times out after 600 ms: six windows out takes about 4 s, past the claims of the first ones.
    await rx.waitFor((r) => r.received.length >= 8 + 6 * CONCURRENCY, 30_000, 'six windows sent to the stalled receiver');
    // No delivery was sent while an earlier request for it was still open.
    expect(rx.concurrentDuplicates).toEqual([]);
    // Each of the 40 was tried at most once: what timed out waits a minute for its retry, and what was given back
    // was claimed again and sent once.
    const tries = new Map<string, number>();
    for (const r of rx.received.slice(8)) tries.set(r.eventId, (tries.get(r.eventId) ?? 0) + 1);
    expect([...tries].filter(([, n]) => n > 1), 'events tried more than once').toEqual([]);
  });
});
