/**
 * Events while nobody is subscribed: the dispatcher moves the fan-out position past them without reading them,
 * and a subscription made afterwards gets only the events after it, never that backlog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { startReceiver } from '../fixtures/webhook-receiver.ts';
import type { Receiver } from '../fixtures/webhook-receiver.ts';
import { SCENARIO_SETTINGS, T0, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';

const SECRET = 'whsec_unsubscribed_test_secret_0123456789';

describe.each(DATABASE_KINDS)('events with nobody subscribed on %s', (kind) => {
  let t: TestService;
  let rx: Receiver | undefined;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0, dispatcher: true, config: { webhookPollMs: 10 } });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 } });
    await seedProducts(t, { 'UN-1': {} });
    await seedOnHand(t, [['UN-1', 'EAST', 500]]);
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const db = () => t.service.database.db;
  /** Events after the fan-out position. */
  const undispatched = async () => {
    const position = Number((await db().selectFrom('webhook_fan_out').select('event_id').executeTakeFirstOrThrow()).event_id);
    return Number((await db().selectFrom('line_events').select((e) => e.fn.countAll().as('n')).where('id', '>', position).executeTakeFirstOrThrow()).n);
  };

  it('passes the backlog, with no delivery, and a later subscription gets only later events', async () => {
    for (let i = 0; i < 30; i++) await placeOrder(t, `UN-before-${i}`, [['UN-1', 1]]);
    const deadline = Date.now() + 10_000;
    while ((await undispatched()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await undispatched()).toBe(0);
    const events = Number((await db().selectFrom('line_events').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(events).toBeGreaterThanOrEqual(30);
    const deliveries = Number((await db().selectFrom('webhook_deliveries').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(deliveries).toBe(0);

    rx = await startReceiver();
    expectStatus(await t.api('PUT', '/api/webhooks/late', { url: rx.url, secret: SECRET, events: ['*'] }), 201);
    const after = await placeOrder(t, 'UN-after', [['UN-1', 1]]);
    await rx.waitFor((r) => r.delivered().length >= 1, 10_000, 'the event after the subscription');
    // Anything else would have arrived by now: the dispatcher polls every 10 ms.
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.delivered().map((r) => r.json.data.orderId)).toEqual([after.id]);
  });
});
