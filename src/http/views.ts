/** How domain objects look on the wire (SPEC section 1 fields; instants as ISO-8601 UTC). */
import { STATE_OF } from '../domain/order/line-status.ts';
import type { OrderLine } from '../domain/order/order-line.ts';
import { deriveOrderStatus } from '../domain/order/order-status.ts';
import type { OrderWithLines, StoredEvent } from '../app/orders/orders.query.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

export function lineView(l: OrderLine) {
  return {
    id: l.id,
    orderId: l.orderId,
    lineNumber: l.lineNumber,
    sku: l.sku,
    quantity: l.quantity,
    locationId: l.locationId,
    state: STATE_OF[l.statusReason],
    statusReason: l.statusReason,
    inventoryAvailabilityDate: l.inventoryAvailabilityDate,
    estimatedShipmentDate: l.estimatedShipmentDate,
    launchDate: l.launchDate,
    backorderedAt: l.backorderedAt === null ? null : iso(l.backorderedAt),
    version: l.version,
  };
}

export function orderView(o: OrderWithLines) {
  const lines = [...o.lines].sort((a, b) => a.lineNumber - b.lineNumber);
  return {
    id: o.id,
    externalId: o.externalId,
    channel: o.channel,
    customerId: o.customerId,
    orderedAt: iso(o.orderedAt),
    priority: o.priority,
    shipTo: o.shipTo,
    status: deriveOrderStatus(lines),
    lines: lines.map(lineView),
  };
}

/** A line event: its time, and the instant its data records (`backorderedAt`, stored as epoch milliseconds), as ISO. */
export function eventView(e: StoredEvent) {
  const data = typeof e.data.backorderedAt === 'number' ? { ...e.data, backorderedAt: iso(e.data.backorderedAt) } : e.data;
  return { ...e, at: iso(e.at), data };
}
