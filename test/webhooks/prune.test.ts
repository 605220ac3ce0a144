/**
 * Housekeeping of the webhook tables (issue 12): deliveries settled more than the retention (7 days) ago are
 * deleted in bounded batches; recent ones stay, and so do the events (the outbox is the lines' history); a deleted
 * subscription's log goes, then its row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { startReceiver } from '../fixtures/webhook-receiver.ts';
import type { Receiver } from '../fixtures/webhook-receiver.ts';
import { T0, expectStatus, placeOrder, seedLocations, seedOnHand, seedProducts, tableCount } from '../fixtures/seed.ts';
import { pruneWebhooks } from '../../src/app/webhooks/prune-webhooks.ts';

const DAY = 86_400_000;
const pause = () => new Promise<void>((r) => setImmediate(r));

describe.each(DATABASE_KINDS)('pruning the webhook tables on %s', (kind) => {
  let t: TestService;
  let rx: Receiver;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0, config: { webhookPollMs: 10 } });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'PR-1': {} });
    await seedOnHand(t, [['PR-1', 'EAST', 100]]);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it('deletes settled rows past the retention in bounded batches, and keeps the rest', async () => {
    expectStatus(await t.api('PUT', '/api/webhooks/keep', { url: rx.url, secret: 'whsec_prune_0123456789', events: ['*'] }), 201);
    expectStatus(await t.api('PUT', '/api/webhooks/gone', { url: rx.url, secret: 'whsec_prune_0123456789', events: ['*'] }), 201);
    for (let i = 0; i < 5; i++) await placeOrder(t, `PR-${i}`, [['PR-1', 1]]);
    t.service.webhooks.start();
    await rx.waitFor((r) => r.delivered().length === 5 && r.received.length === 10, 20_000, '5 events to 2 subscriptions');
    await t.service.webhooks.stop();
    expect(await tableCount(t, 'webhook_deliveries')).toBe(10);
    const events = await tableCount(t, 'line_events');

    // An event written now, not fanned out yet (the dispatcher is stopped).
    await placeOrder(t, 'PR-late', [['PR-1', 1]]);
    const now = Date.now();
    const prune = (at: number, maxBatches = 100) => pruneWebhooks(t.service.ctx, { now: at, retentionMs: 7 * DAY, batch: 2, maxBatches, pause });

    expect(await prune(now)).toEqual({ deliveries: 0 });
    expect(await prune(now + 6 * DAY)).toEqual({ deliveries: 0 });

    // Bounded: one call does at most maxBatches statements of `batch` rows.
    expect(await prune(now + 8 * DAY, 1)).toEqual({ deliveries: 2 });
    expect(await prune(now + 8 * DAY)).toEqual({ deliveries: 8 });
    expect(await tableCount(t, 'webhook_deliveries')).toBe(0);
    expect(await tableCount(t, 'line_events')).toBe(events + 1);
  });

  it("removes a deleted subscription's log and then its row", async () => {
    const before = await tableCount(t, 'webhook_subscriptions');
    expectStatus(await t.api('PUT', '/api/webhooks/to-delete', { url: rx.url, secret: 'whsec_prune_0123456789', events: ['*'] }), 201);
    t.service.webhooks.start();
    await placeOrder(t, 'PR-del', [['PR-1', 1]]);
    await expect.poll(async () => (await t.api('GET', '/api/webhooks/to-delete/deliveries')).body.items.map((d: any) => d.status), { timeout: 20_000 }).toEqual(['delivered']);
    await t.service.webhooks.stop();
    const deliveries = await tableCount(t, 'webhook_deliveries');
    expectStatus(await t.api('DELETE', '/api/webhooks/to-delete'), 204);
    expect(await tableCount(t, 'webhook_subscriptions')).toBe(before + 1);
    // Recent rows of the live subscriptions stay; the deleted one's go at once, whatever their age.
    await pruneWebhooks(t.service.ctx, { now: Date.now(), retentionMs: 7 * DAY, batch: 1_000, maxBatches: 10, pause });
    expect(await tableCount(t, 'webhook_subscriptions')).toBe(before);
    expect(await tableCount(t, 'webhook_deliveries')).toBe(deliveries - 1);
  });
});
