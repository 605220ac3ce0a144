/**
 * Deletes a webhook subscription: nothing more is sent to it from now on, its id is free again, and the pruner
 * removes its delivery log in bounded batches.
 */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { findSubscription, markSubscriptionDeleted } from '../../store/repositories/webhook-subscriptions.repository.ts';

export async function deleteWebhook(ctx: AppContext, id: string): Promise<void> {
  await ctx.database.transaction(async (trx) => {
    const existing = await findSubscription(trx, id, ctx.database.dialect === 'postgres');
    if (!existing) throw notFound(`webhook subscription ${id}`);
    await markSubscriptionDeleted(trx, existing.key, ctx.clock.now());
  });
}
