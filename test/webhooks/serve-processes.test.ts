/**
 * Webhook delivery by real `serve` processes (SPEC section 7): a process killed with SIGKILL in the middle of
 * deliveries loses no event once a process runs again (its claims expire and the deliveries are sent again;
 * receivers drop repeats by Holdfast-Event-Id), and two `serve` processes on one PostgreSQL database deliver
 * 1,000 events between them with no delivery sent twice at the same time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, scratchDatabase } from '../fixtures/databases.ts';
import type { DatabaseKind, ScratchDatabase } from '../fixtures/databases.ts';
import { parseMetrics, sample } from '../fixtures/metrics.ts';
import { startReceiver } from '../fixtures/webhook-receiver.ts';
import type { Receiver } from '../fixtures/webhook-receiver.ts';
import { startCli } from '../jobs/child-process.ts';
import type { RunningCli } from '../jobs/child-process.ts';

const KEY = 'hf_serve_processes_admin_key_0123456789';
const SECRET = 'whsec_serve_processes_0123456789';
const T0 = '2028-06-01T09:00:00Z';

interface Child {
  readonly cli: RunningCli;
  readonly base: string;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function startServe(env: Record<string, string>): Promise<Child> {
  const cli = startCli(['serve'], { PORT: '0', HOST: '127.0.0.1', HOLDFAST_ADMIN_KEY: KEY, HOLDFAST_CLOCK: 'manual', ...env });
  cleanups.push(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  });
  const listening = /listening on (http:\/\/[\d.:]+)/;
  // Rejects, with what serve printed on stderr, if it ends before it listens.
  await cli.printed(listening);
  return { cli, base: listening.exec(cli.stdout())![1]! };
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  if (r.status >= 400) throw new Error(`${method} ${path} -> ${r.status} ${text.slice(0, 300)}`);
  return { status: r.status, json };
}

async function seed(base: string, skus: string[]): Promise<void> {
  await call(base, 'PUT', '/api/admin/clock', { now: T0 });
  await call(base, 'PUT', '/api/locations/EAST', { name: 'East', priority: 1 });
  for (const sku of skus) await call(base, 'PUT', `/api/products/${sku}`, { name: sku });
  await call(base, 'PATCH', '/api/settings', { backorders: true, jobs: { backorder: { onSupplyChange: false } } });
}

async function eventIdsOf(base: string, orderIds: readonly string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const id of orderIds) {
    let cursor: string | null = null;
    do {
      const page: { json: { items: { id: number }[]; nextCursor: string | null } } = await call(base, 'GET', `/api/orders/${id}/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      for (const e of page.json.items) ids.add(String(e.id));
      cursor = page.json.nextCursor;
    } while (cursor);
  }
  return ids;
}

async function withDatabase(kind: DatabaseKind): Promise<ScratchDatabase> {
  const db = await scratchDatabase(kind);
  cleanups.push(() => db.drop());
  return db;
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}

describe.each(DATABASE_KINDS)('serve processes delivering webhooks on %s', (kind) => {
  it('a serve killed with SIGKILL mid-delivery, then started again, loses no event', async () => {
    const db = await withDatabase(kind);
    const env = {
      DATABASE_URL: db.url,
      HOLDFAST_WEBHOOK_TIMEOUT_MS: '1000',
      HOLDFAST_WEBHOOK_RETRY_BASE_MS: '100',
      HOLDFAST_WEBHOOK_RETRY_MAX_MS: '500',
      HOLDFAST_WEBHOOK_POLL_MS: '10',
    };
    // The receiver holds every request: the first process is killed while they are open.
    const rx = await receiver(() => ({ status: 200, after: new Promise(() => undefined) }));
    const first = await startServe(env);
    await seed(first.base, ['KB-1']);
    await call(first.base, 'PUT', '/api/inventory/on-hand', [{ sku: 'KB-1', locationId: 'EAST', onHand: 100 }]);
    await call(first.base, 'PUT', '/api/webhooks/crash', { url: rx.url, secret: SECRET, events: ['*'] });
    const orderIds: string[] = [];
    for (let i = 0; i < 20; i++) orderIds.push((await call(first.base, 'POST', '/api/orders', { externalId: `CR-${i}`, lines: [{ sku: 'KB-1', quantity: 1 }] })).json.id);

    await rx.waitFor((r) => r.received.length >= 3, 20_000, 'deliveries in flight');
    first.cli.child.kill('SIGKILL');
    const ended = await first.cli.exited;
    expect(ended.signal).toBe('SIGKILL');
    const inFlightAtKill = rx.received.length;
    expect(rx.delivered().length).toBe(0);

    rx.behave(() => ({ status: 200 }));
    const second = await startServe(env);
    const expected = await eventIdsOf(second.base, orderIds);
    expect(expected.size).toBe(20);
    await rx.waitFor((r) => new Set(r.delivered().map((q) => q.eventId)).size === expected.size, 30_000, 'every event after the restart');
    expect(new Set(rx.delivered().map((q) => q.eventId))).toEqual(expected);
    // The events whose requests were open at the kill were sent again.
    const openAtKill = rx.received.slice(0, inFlightAtKill).map((q) => q.eventId);
    for (const id of openAtKill) expect(rx.received.filter((q) => q.eventId === id).length, id).toBeGreaterThanOrEqual(2);
    expect(rx.concurrentDuplicates).toEqual([]);
    await expect
      .poll(async () => (await call(second.base, 'GET', '/api/webhooks/crash/deliveries?limit=500')).json.items.filter((d: any) => d.status === 'delivered').length, { timeout: 10_000 })
      .toBe(20);
    expect((await call(second.base, 'GET', '/api/webhooks/crash/deliveries?limit=500')).json.items.length).toBe(20);

    second.cli.child.kill('SIGTERM');
    expect((await second.cli.exited).code).toBe(0);
  });

  it.runIf(kind === 'postgres')('two serve processes on one database deliver 1,000 events, none sent twice at the same time', async () => {
    const db = await withDatabase(kind);
    const env = { DATABASE_URL: db.url, HOLDFAST_WEBHOOK_POLL_MS: '10' };
    let n = 0;
    const rx = await receiver(() => ({ status: 200, delayMs: n++ % 4 }));
    const a = await startServe(env);
    const skus = Array.from({ length: 10 }, (_, i) => `TW-${i}`);
    await seed(a.base, skus);
    const b = await startServe(env);
    await call(a.base, 'PUT', '/api/webhooks/two', { url: rx.url, secret: SECRET, events: ['*'] });
    // 10 orders of 100 lines, placed through both processes: 1,000 line.backordered events.
    const orderIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const base = i % 2 === 0 ? a.base : b.base;
      const lines = Array.from({ length: 100 }, (_, k) => ({ sku: skus[k % skus.length]!, quantity: 1 }));
      orderIds.push((await call(base, 'POST', '/api/orders', { externalId: `TW-${i}`, lines })).json.id);
    }
    const expected = await eventIdsOf(a.base, orderIds);
    expect(expected.size).toBe(1_000);
    await rx.waitFor((r) => r.delivered().length === 1_000, 60_000, '1,000 deliveries');
    expect(new Set(rx.delivered().map((q) => q.eventId))).toEqual(expected);
    expect(rx.concurrentDuplicates).toEqual([]);
    // Healthy processes and a healthy receiver: not even one repeat.
    expect(rx.received.length).toBe(1_000);
    // Both processes delivered (SPEC 7: they share the work), each counting its own in /metrics. A process counts a
    // delivery once it has recorded the receiver's answer, a moment after the receiver has seen the request.
    const deliveredByEach = () =>
      Promise.all([a, b].map(async (c) => sample(parseMetrics((await call(c.base, 'GET', '/metrics')).json), 'holdfast_webhook_deliveries_total', { outcome: 'delivered' })));
    await expect.poll(async () => (await deliveredByEach()).reduce((x, y) => x + y, 0), { timeout: 10_000 }).toBe(1_000);
    const delivered = await deliveredByEach();
    expect(Math.min(...delivered), `delivered by each: ${delivered.join(', ')}`).toBeGreaterThan(0);
    for (const c of [a, b]) c.cli.child.kill('SIGTERM');
    for (const c of [a, b]) expect((await c.cli.exited).code).toBe(0);
  });
});
