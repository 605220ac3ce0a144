import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { Instant, ListQuery, Nullable, Text, pageOf } from './common.contract.ts';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/webhook-events.ts';
import { Line } from './orders.contract.ts';

export const WebhookId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: '1-64 characters of A-Z a-z 0-9 . _ -, chosen by the caller' });

export const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, pattern: '^[^\\u0000\\s]*$', description: 'an http or https url that receives the POSTs' }),
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 256,
        pattern: '^[^\\u0000]*$',
        writeOnly: true,
        description: 'signs every request (HMAC-SHA256); required to create, kept when left out of a replacement; never answered back',
      }),
    ),
    events: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      minItems: 1,
      maxItems: 20,
      description: `event types (${WEBHOOK_EVENT_TYPES.join(', ')}), or ["*"] for all`,
    }),
    active: Type.Optional(Type.Boolean({ default: true })),
    description: Type.Optional(Nullable(Text(500, 0))),
  },
  { additionalProperties: false },
);
export type WebhookBody = Static<typeof WebhookBody>;

export const Webhook = Type.Object({
  id: WebhookId,
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  description: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});

export const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]);

export const Delivery = Type.Object({
  id: Type.Integer(),
  eventId: Type.String({ description: 'the Holdfast-Event-Id sent (a line event id, or ping_<delivery id>)' }),
  type: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Instant),
  deliveredAt: Nullable(Instant),
  createdAt: Instant,
});

export const WebhookParams = Type.Object({ id: WebhookId });
export const DeliveryParams = Type.Object({ id: WebhookId, deliveryId: Type.Integer({ minimum: 1 }) });
export const WebhookListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const DeliveryListQuery = Type.Object({ ...ListQuery, status: Type.Optional(DeliveryStatus) }, { additionalProperties: false });
export const WebhookPage = pageOf(Webhook);
export const DeliveryPage = pageOf(Delivery);

// ---------------------------------------------------------------- what a receiver gets (OpenAPI `webhooks`)

const Placement = Type.Object({
  locationId: Nullable(Type.String()),
  inventoryAvailabilityDate: Nullable(Type.String({ format: 'date' })),
  estimatedShipmentDate: Nullable(Type.String({ format: 'date' })),
});

/** `data` of a line event: the line right after the event, with its order's externalId and customerId. */
export const WebhookLineData = Type.Composite([
  Line,
  Type.Object({ externalId: Type.String(), customerId: Nullable(Type.String()) }),
]);

const envelope = (type: string, data: TSchema) =>
  Type.Object(
    {
      id: Type.String({ description: 'the event id, also sent as Holdfast-Event-Id: the same on every redelivery, so receivers can drop duplicates' }),
      type: Type.Literal(type),
      occurredAt: Instant,
      data,
    },
    { additionalProperties: false },
  );

export function webhookPayloadSchema(type: string): TSchema {
  if (type === 'ping') return envelope(type, Type.Object({ webhookId: WebhookId }));
  if (type === 'line.promise_changed') {
    return envelope(type, Type.Composite([WebhookLineData, Type.Object({ previous: Placement }, { description: 'the location and dates before the change' })]));
  }
  return envelope(type, WebhookLineData);
}
