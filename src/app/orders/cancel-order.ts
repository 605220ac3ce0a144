/**
 * Cancel by request: a whole order (every line that may still be canceled; 409 when none may) or one line
 * (409 when it may not). A released line gives its reservation back in the same transaction, and the freed
 * supply starts an event-triggered backorder run after commit.
 */
import { AppError, notFound } from '../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { canMove } from '../../domain/order/line-status.ts';
import { moveLine } from '../../domain/order/order-line.ts';
import type { LineChange, OrderLine } from '../../domain/order/order-line.ts';
import { getOrderWithLines } from '../../store/repositories/orders.repository.ts';
import type { OrderWithLines } from '../../store/repositories/orders.repository.ts';
import { unreserve } from '../../store/repositories/stock.repository.ts';
import type { Executor } from '../../store/database.ts';
import { writeLineChanges } from './line-writes.ts';

export async function cancelOrder(ctx: AppContext, actor: Actor, orderId: string): Promise<OrderWithLines> {
  return cancelLines(ctx, actor, orderId, null);
}

export async function cancelOrderLine(ctx: AppContext, actor: Actor, orderId: string, lineNumber: number): Promise<OrderWithLines> {
  return cancelLines(ctx, actor, orderId, lineNumber);
}

async function cancelLines(ctx: AppContext, actor: Actor, orderId: string, lineNumber: number | null): Promise<OrderWithLines> {
  const { order, freed, moves } = await ctx.database.transaction(async (trx) => {
    const current = await lockedOrder(ctx, trx, orderId);
    let targets: OrderLine[];
    if (lineNumber === null) {
      targets = current.lines.filter((l) => canMove(l.statusReason, 'CanceledByRequest'));
      if (targets.length === 0) throw new AppError('invalid_transition', `order ${orderId} has no line that may still be canceled`);
    } else {
      const line = current.lines.find((l) => l.lineNumber === lineNumber);
      if (!line) throw notFound(`line ${lineNumber} of order ${orderId}`);
      if (!canMove(line.statusReason, 'CanceledByRequest')) {
        throw new AppError('invalid_transition', `line ${lineNumber} is ${line.statusReason} and can no longer be canceled`);
      }
      targets = [line];
    }
    const now = ctx.clock.now();
    const changes: LineChange[] = targets.map((l) => {
      const moved = moveLine(l, 'CanceledByRequest', now, { context: { actor: actor.id } });
      if (!moved.ok) throw new Error('cancel was checked above');
      return moved.change;
    });
    for (const c of changes) {
      if (c.before.statusReason === 'AwaitingFulfillment' && c.before.locationId !== null) {
        if (!(await unreserve(trx, c.before.sku, c.before.locationId, c.before.quantity, now))) {
          throw new Error(`stock of ${c.before.sku} at ${c.before.locationId} holds less reserved than line ${c.before.id}`);
        }
      }
    }
    await writeLineChanges(ctx, trx, changes);
    const after = changes.reduce((lines, c) => lines.map((l) => (l.id === c.after.id ? c.after : l)), current.lines);
    const freedSkus = changes.filter((c) => c.before.locationId !== null).map((c) => c.before.sku);
    return { order: { ...current, lines: after }, freed: freedSkus, moves: changes.map((c) => c.event) };
  });
  ctx.metrics.linesMoved(moves);
  if (freed.length) ctx.supplyChanged(freed);
  return order;
}

/** Reads the order, then locks its skus and reads it again so the lines are current under the lock. */
export async function lockedOrder(ctx: AppContext, trx: Executor, orderId: string): Promise<OrderWithLines> {
  const first = await getOrderWithLines(trx, orderId);
  if (!first) throw notFound(`order ${orderId}`);
  await ctx.database.store.lockSkus(trx, first.lines.map((l) => l.sku));
  return (await getOrderWithLines(trx, orderId))!;
}
