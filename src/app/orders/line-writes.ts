import type { AppContext } from '../context.ts';
import type { Executor } from '../../store/database.ts';
import type { LineChange } from '../../domain/order/order-line.ts';

/**
 * Writes line changes with their events (the webhooks' outbox) and promised quantities; the caller's transaction
 * makes them one commit with the stock change.
 */
export async function writeLineChanges(ctx: AppContext, trx: Executor, changes: readonly LineChange[]): Promise<void> {
  await ctx.database.store.writeChanges(trx, changes, null);
}
