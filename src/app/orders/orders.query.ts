/** Reads of orders, lines and line history. */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { getLine, getOrderHeader, getOrderWithLines, lineLabels as labelsOf, listLines as linePage, listOrders as orderPage } from '../../store/repositories/orders.repository.ts';
import type { LineFilter, LineLabel, OrderFilter, OrderWithLines, StoredLine } from '../../store/repositories/orders.repository.ts';
import { listOrderEvents } from '../../store/repositories/events.repository.ts';
import type { StoredEvent } from '../../store/repositories/events.repository.ts';
import type { Page } from '../pagination.ts';

export type { LineFilter, LineLabel, OrderFilter, OrderWithLines, StoredLine, StoredEvent };

export async function getOrder(ctx: AppContext, id: string): Promise<OrderWithLines> {
  return (await getOrderWithLines(ctx.database.db, id)) ?? Promise.reject(notFound(`order ${id}`));
}

/** One line with every field of SPEC section 1; 404 for an unknown id. */
export async function getOrderLine(ctx: AppContext, id: string): Promise<StoredLine> {
  return (await getLine(ctx.database.db, id)) ?? Promise.reject(notFound(`line ${id}`));
}

export function listOrders(ctx: AppContext, filter: OrderFilter): Promise<Page<OrderWithLines>> {
  return orderPage(ctx.database.db, filter);
}

export function listLines(ctx: AppContext, filter: LineFilter): Promise<Page<StoredLine>> {
  return linePage(ctx.database.db, filter);
}

/** An order's line history, oldest first; 404 for an unknown order. */
export async function orderEvents(ctx: AppContext, orderId: string, q: { after?: number; limit: number }): Promise<Page<StoredEvent>> {
  if (!(await getOrderHeader(ctx.database.db, orderId))) throw notFound(`order ${orderId}`);
  return listOrderEvents(ctx.database.db, orderId, q);
}

/** Lines by id as an operator names them (order externalId and line number), for reports that carry line ids. */
export function lineLabels(ctx: AppContext, ids: Iterable<string>): Promise<Map<string, LineLabel>> {
  return ctx.database.read((trx) => labelsOf(trx, ids));
}

/** `DEMO-1008 line 1`: how the order's system and the customer name a line. */
export const lineName = (label: LineLabel): string => `${label.externalId} line ${label.lineNumber}`;
