/**
 * Sends a `ping` event to a subscription now (active or not) and answers the delivery as it stands after that
 * first attempt; a failed ping is retried like any delivery.
 */
import type { AppContext } from '../context.ts';
import { getWebhook } from './webhooks.query.ts';
import type { WebhookAgent } from './webhook-agent.ts';
import { sendNow } from './send-now.ts';
import { insertDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { StoredDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';

export async function pingWebhook(ctx: AppContext, agent: WebhookAgent, id: string): Promise<StoredDelivery> {
  const subscription = await getWebhook(ctx, id);
  const now = agent.realNow();
  const delivery = await insertDelivery(ctx.database.db, {
    subscriptionKey: subscription.key,
    eventId: null,
    lineId: null,
    type: 'ping',
    now,
    expiresAt: now + agent.options.retry.windowMs,
    queuedAt: ctx.clock.now(),
    claim: { owner: agent.owner, until: now + agent.claimMs },
  });
  return sendNow(ctx, agent, subscription, delivery);
}
