/**
 * The body of a webhook: `{ id, type, occurredAt, data }`. For a line event, `data` is the line as it was right
 * after the event (every field of SPEC section 1) with its order's `externalId` and `customerId`, and for
 * `line.promise_changed` the `previous` location and dates. The line's fixed fields come from the line and its
 * order; everything an event can change comes from what the event recorded.
 */
import { STATE_OF, isStatusReason } from '../order/line-status.ts';

export interface EventForPayload {
  readonly eventId: number;
  readonly type: string;
  /** The status reason the event moved the line to (the same one for a re-dating). */
  readonly to: string;
  readonly at: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly line: { readonly id: string; readonly orderId: string; readonly lineNumber: number; readonly sku: string };
  readonly order: { readonly externalId: string; readonly customerId: string | null };
}

export interface WebhookPayload {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const orNull = (v: unknown) => (v === undefined ? null : v);

/** The webhook id of a line event: its id in the line history, as text. */
export const lineEventWebhookId = (eventId: number) => String(eventId);

/** The webhook id of a ping: it names the delivery that carries it. */
export const pingWebhookId = (deliveryId: number) => `ping_${deliveryId}`;

export function linePayload(e: EventForPayload): WebhookPayload {
  const d = e.data;
  const backorderedAt = typeof d.backorderedAt === 'number' ? iso(d.backorderedAt) : null;
  const data: Record<string, unknown> = {
    id: e.line.id,
    orderId: e.line.orderId,
    lineNumber: e.line.lineNumber,
    sku: e.line.sku,
    quantity: orNull(d.quantity),
    locationId: orNull(d.locationId),
    state: isStatusReason(e.to) ? STATE_OF[e.to] : null,
    statusReason: e.to,
    inventoryAvailabilityDate: orNull(d.inventoryAvailabilityDate),
    estimatedShipmentDate: orNull(d.estimatedShipmentDate),
    launchDate: orNull(d.launchDate),
    backorderedAt,
    version: orNull(d.version),
    externalId: e.order.externalId,
    customerId: e.order.customerId,
  };
  if (e.type === 'line.promise_changed') {
    const p = (d.previous ?? {}) as Record<string, unknown>;
    data.previous = {
      locationId: orNull(p.locationId),
      inventoryAvailabilityDate: orNull(p.inventoryAvailabilityDate),
      estimatedShipmentDate: orNull(p.estimatedShipmentDate),
    };
  }
  return { id: lineEventWebhookId(e.eventId), type: e.type, occurredAt: iso(e.at), data };
}

export function pingPayload(deliveryId: number, at: number, webhookId: string): WebhookPayload {
  return { id: pingWebhookId(deliveryId), type: 'ping', occurredAt: iso(at), data: { webhookId } };
}
