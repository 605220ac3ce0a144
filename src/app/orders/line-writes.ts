import type { AppContext } from '../context.ts';
import type { Executor } from '../../store/database.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import { writeChanges } from '../../store/dialect/store-dialect.ts';

/**
 * Writes line changes with their events (the webhooks' outbox) and promised quantities; the caller's transaction
 * makes them one commit with the stock change.
 */
export async function writeLineChanges(ctx: AppContext, trx: Executor, changes: readonly LineChange[]): Promise<void> {
  await writeChanges(ctx.database.store, trx, changes, null);
}
