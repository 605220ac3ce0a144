/**
 * Redelivers one delivery now, whatever its status (a failed one gets a fresh window of retries), and answers it
 * as it stands after the attempt. 409 while another process is sending it.
 */
import { AppError, notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { getWebhook } from './webhooks.query.ts';
import type { WebhookAgent } from './webhook-agent.ts';
import { sendNow } from './send-now.ts';
import { claimForRedelivery, getDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { StoredDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';

export async function retryDelivery(ctx: AppContext, agent: WebhookAgent, webhookId: string, deliveryId: number): Promise<StoredDelivery> {
  const subscription = await getWebhook(ctx, webhookId);
  if (!(await getDelivery(ctx.database.db, subscription.key, deliveryId))) throw notFound(`delivery ${deliveryId} of webhook subscription ${webhookId}`);
  const now = agent.realNow();
  const claimed = await claimForRedelivery(ctx.database.db, {
    subscriptionKey: subscription.key,
    id: deliveryId,
    owner: agent.owner,
    now,
    until: now + agent.claimMs,
    expiresAt: now + agent.options.retry.windowMs,
  });
  if (!claimed) throw new AppError('conflict', `delivery ${deliveryId} is being sent right now; look at it again in a moment`);
  return sendNow(ctx, agent, subscription, claimed);
}
