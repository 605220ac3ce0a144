/**
 * Sending one delivery now, from a request (ping, redeliver): the caller has claimed it; this sends it, records
 * the attempt like any other (a failure is retried later by the dispatcher) and reads it back.
 */
import type { Subscription } from './webhooks.query.ts';
import type { WebhookAgent } from './webhook-agent.ts';
import type { AppContext } from '../context.ts';
import { getDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { StoredDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';

export async function sendNow(ctx: AppContext, agent: WebhookAgent, subscription: Subscription, delivery: StoredDelivery): Promise<StoredDelivery> {
  const { sends, settled } = await agent.prepare(subscription, [delivery]);
  const attempts = await Promise.all(sends.map((s) => agent.send(s)));
  await agent.settle([...settled, ...attempts]);
  return (await getDelivery(ctx.database.db, subscription.key, delivery.id))!;
}
