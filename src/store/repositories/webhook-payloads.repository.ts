/** What webhook bodies are made of, read in sets: events with their line's fixed fields and their order's ids. */
import type { Executor } from '../database.ts';
import { parseEventData } from '../../domain/order/event-data.ts';
import type { EventForPayload } from '../../domain/webhooks/payload.ts';
import { chunks } from './pagination.ts';

export async function eventsForPayload(db: Executor, eventIds: readonly number[]): Promise<Map<number, EventForPayload>> {
  const out = new Map<number, EventForPayload>();
  for (const part of chunks([...new Set(eventIds)], 500)) {
    const rows = await db
      .selectFrom('line_events as e')
      .innerJoin('order_lines as l', 'l.id', 'e.line_id')
      .innerJoin('orders as o', 'o.id', 'l.order_id')
      .select(['e.id', 'e.type', 'e.to_reason', 'e.at', 'e.data', 'l.id as line_id', 'l.order_id', 'l.line_number', 'l.sku', 'o.external_id', 'o.customer_id'])
      .where('e.id', 'in', part)
      .execute();
    for (const r of rows) {
      out.set(Number(r.id), {
        eventId: Number(r.id),
        type: r.type,
        to: r.to_reason,
        at: Number(r.at),
        data: parseEventData(r.data),
        line: { id: r.line_id, orderId: r.order_id, lineNumber: r.line_number, sku: r.sku },
        order: { externalId: r.external_id, customerId: r.customer_id },
      });
    }
  }
  return out;
}
