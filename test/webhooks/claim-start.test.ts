/**
 * Where a claim of due deliveries starts (src/app/webhooks/webhook-agent.ts). On PostgreSQL a claim reads from
 * where the previous one took its first delivery, so it does not walk the index entries of every delivery settled
 * since; once a second it reads from the start, so a delivery behind that place that became free (its line's
 * earlier event went) is still claimed. SQLite always reads from the start. The deliveries are written directly and
 * the agent's clock is a variable: no dispatcher, no receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { expectStatus } from '../fixtures/seed.ts';
import { WebhookAgent } from '../../src/app/webhooks/webhook-agent.ts';
import type { WebhookSender } from '../../src/app/webhooks/http-sender.ts';
import { activeWebhooks } from '../../src/app/webhooks/webhooks.query.ts';
import type { Subscription } from '../../src/app/webhooks/webhooks.query.ts';
import { insertDeliveries } from '../../src/store/repositories/webhook-deliveries.repository.ts';

const neverSends: WebhookSender = {
  send: async () => ({ error: 'not used' }),
  close: () => undefined,
};

describe.each(DATABASE_KINDS)('where a claim starts, on %s', (kind) => {
  let t: TestService;
  let subscription: Subscription;
  let now = 1_800_000_000_000;
  let agent: WebhookAgent;

  beforeAll(async () => {
    t = await startTestService(kind);
    const put = await t.api('PUT', '/api/webhooks/claims', { url: 'http://127.0.0.1:9/hook', secret: 'whsec_claim_start_0123456789', events: ['*'] });
    expectStatus(put, 201);
    subscription = (await activeWebhooks(t.service.ctx)).find((s) => s.id === 'claims')!;
    agent = new WebhookAgent(t.service.ctx, neverSends, { timeoutMs: 1_000, retry: { baseMs: 1_000, maxMs: 60_000, windowMs: 3_600_000 } }, () => now);
  });
  afterAll(() => t?.close());

  it('starts where the last claim took its first delivery, and from the start once a second', async () => {
    // Line A has two events, line B one, all due now, in this order: A1, A2, B1.
    const delivery = (eventId: number, lineId: string) => ({
      subscriptionKey: subscription.key,
      eventId,
      lineId,
      type: 'line.released',
      now,
      expiresAt: now + 3_600_000,
      queuedAt: now,
    });
    await insertDeliveries(t.service.ctx.database.db, [delivery(1, 'A'), delivery(2, 'A'), delivery(3, 'B')]);

    const first = await agent.claim(subscription, 1);
    expect(first.map((d) => d.eventId)).toEqual([1]);
    // A2 waits behind A1, which is out: the claim passes it and takes B1.
    now += 10;
    const second = await agent.claim(subscription, 5);
    expect(second.map((d) => d.eventId)).toEqual([3]);

    // A1 is delivered: A2 may go now. It lies before B1, where the next claim starts on PostgreSQL.
    await agent.settle([{ id: first[0]!.id, status: 'delivered', attempted: true, statusCode: 200, error: null, nextAttemptAt: first[0]!.nextAttemptAt, deliveredAt: now }]);
    now += 10;
    const third = await agent.claim(subscription, 5);
    expect(third.map((d) => d.eventId)).toEqual(kind === 'postgres' ? [] : [2]);
    // Nothing else is due where it starts (on SQLite, nothing at all).
    expect(await agent.hasDue(subscription)).toBe(false);

    if (kind === 'postgres') {
      // A second after the last claim that read from the start, a claim reads from the start again.
      now += 1_000;
      expect(await agent.hasDue(subscription)).toBe(true);
      const fourth = await agent.claim(subscription, 5);
      expect(fourth.map((d) => d.eventId)).toEqual([2]);
    }
  });
});
