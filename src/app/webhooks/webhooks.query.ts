/** Reads of webhook subscriptions and their delivery logs. */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { activeSubscriptions, findSubscription, listSubscriptions } from '../../store/repositories/webhook-subscriptions.repository.ts';
import type { StoredSubscription } from '../../store/repositories/webhook-subscriptions.repository.ts';
import { listDeliveries } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { DeliveryStatus, StoredDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { Page } from '../../store/repositories/pagination.ts';

export type { DeliveryStatus, StoredDelivery as Delivery, StoredSubscription as Subscription };

export async function getWebhook(ctx: AppContext, id: string): Promise<StoredSubscription> {
  return (await findSubscription(ctx.database.db, id)) ?? Promise.reject(notFound(`webhook subscription ${id}`));
}

export function listWebhooks(ctx: AppContext, q: { after?: [number, string]; limit: number }): Promise<Page<StoredSubscription>> {
  return listSubscriptions(ctx.database.db, q);
}

/** A subscription's deliveries, newest first; 404 for an unknown subscription. */
export async function webhookDeliveries(
  ctx: AppContext,
  id: string,
  q: { before?: number; limit: number; status?: DeliveryStatus },
): Promise<Page<StoredDelivery>> {
  const subscription = await getWebhook(ctx, id);
  return listDeliveries(ctx.database.db, subscription.key, q);
}

/** The subscriptions events are sent to now. */
export function activeWebhooks(ctx: AppContext): Promise<StoredSubscription[]> {
  return activeSubscriptions(ctx.database.db);
}
