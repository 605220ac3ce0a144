/**
 * Shipment confirmation from the location: the released line becomes Shipped, and its quantity leaves both
 * on-hand and reserved at that location, in one transaction with the event.
 */
import { AppError, notFound } from '../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { moveLine } from '../../domain/order/order-line.ts';
import type { OrderLine } from '../../domain/order/order-line.ts';
import { getLine } from '../../store/repositories/orders.repository.ts';
import { shipFromStock } from '../../store/repositories/stock.repository.ts';
import { writeLineChanges } from './line-writes.ts';

export async function shipLine(ctx: AppContext, actor: Actor, lineId: string): Promise<OrderLine> {
  const shipped = await ctx.database.transaction(async (trx) => {
    const first = await getLine(trx, lineId);
    if (!first) throw notFound(`line ${lineId}`);
    await ctx.database.store.lockSkus(trx, [first.sku]);
    const line = (await getLine(trx, lineId))!;
    const now = ctx.clock.now();
    const moved = moveLine(line, 'Shipped', now, { context: { actor: actor.id } });
    if (!moved.ok) throw new AppError('invalid_transition', `line ${lineId} is ${line.statusReason}; only a line awaiting fulfillment can ship`);
    if (line.locationId === null || !(await shipFromStock(trx, line.sku, line.locationId, line.quantity, now))) {
      throw new Error(`stock of ${line.sku} at ${line.locationId} holds less reserved than line ${line.id}`);
    }
    await writeLineChanges(ctx, trx, [moved.change]);
    return moved.change.after;
  });
  ctx.metrics.linesMoved([{ from: 'AwaitingFulfillment', to: 'Shipped' }]);
  return shipped;
}
