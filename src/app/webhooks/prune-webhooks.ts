/**
 * Housekeeping of the webhook tables, in bounded batches (each its own short transaction): deliveries settled more
 * than the retention ago (7 days), and what deleted subscriptions left behind. (The outbox is the line events, the
 * lines' history: nothing of it is pruned.)
 */
import type { AppContext } from '../context.ts';
import { deleteDeliveriesOf, pruneDeliveries } from '../../store/repositories/webhook-deliveries.repository.ts';
import { deletedSubscriptionKeys, removeSubscriptionRow } from '../../store/repositories/webhook-subscriptions.repository.ts';

export interface PruneOptions {
  readonly now: number;
  readonly retentionMs: number;
  /** Rows per statement. */
  readonly batch: number;
  /** Statements per call, so one call stays short; the next call goes on. */
  readonly maxBatches: number;
  /** Yields between batches (so other work gets the database and the event loop). */
  readonly pause: () => Promise<void>;
}

export async function pruneWebhooks(ctx: AppContext, o: PruneOptions): Promise<{ deliveries: number }> {
  const db = ctx.database.db;
  const cutoff = o.now - o.retentionMs;
  let deliveries = 0;
  let batches = 0;
  for (let n = o.batch; n === o.batch && batches < o.maxBatches; batches++) {
    n = await pruneDeliveries(db, cutoff, o.batch);
    deliveries += n;
    await o.pause();
  }
  for (const key of await deletedSubscriptionKeys(db, 10)) {
    for (let n = o.batch; n === o.batch && batches < o.maxBatches; batches++) {
      n = await deleteDeliveriesOf(db, key, o.batch);
      deliveries += n;
      if (n < o.batch) await removeSubscriptionRow(db, key);
      await o.pause();
    }
  }
  return { deliveries };
}
