import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { BusinessDate, Id, Instant, ListQuery, LocationId, Nullable, Sku, Text, pageOf } from './common.contract.ts';
import { LINE_STATES, STATUS_REASONS } from '../../domain/order/line-status.ts';
import { ORDER_STATUSES } from '../../domain/order/order-status.ts';

export const OrderBody = Type.Object(
  {
    externalId: Text(100),
    channel: Type.Optional(Text(100)),
    customerId: Type.Optional(Nullable(Text(100))),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 9, default: 0, description: 'higher first' })),
    shipTo: Type.Optional(
      Type.Object(
        {
          country: Type.Optional(Nullable(Text(100))),
          region: Type.Optional(Nullable(Text(100))),
          postalCode: Type.Optional(Nullable(Text(100))),
        },
        { additionalProperties: false },
      ),
    ),
    lines: Type.Array(
      Type.Object(
        {
          sku: Sku,
          quantity: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
          lineNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type OrderBody = Static<typeof OrderBody>;

const StatusReason = Type.Union(STATUS_REASONS.map((s) => Type.Literal(s)));

export const Line = Type.Object({
  id: Id,
  orderId: Id,
  lineNumber: Type.Integer(),
  sku: Sku,
  quantity: Type.Integer(),
  locationId: Nullable(LocationId),
  state: Type.Union(LINE_STATES.map((s) => Type.Literal(s))),
  statusReason: StatusReason,
  inventoryAvailabilityDate: Nullable(BusinessDate),
  estimatedShipmentDate: Nullable(BusinessDate),
  launchDate: Nullable(BusinessDate),
  backorderedAt: Nullable(Instant),
  version: Type.Integer(),
});

export const Order = Type.Object({
  id: Id,
  externalId: Type.String(),
  channel: Type.String(),
  customerId: Nullable(Type.String()),
  orderedAt: Instant,
  priority: Type.Integer(),
  shipTo: Type.Object({ country: Nullable(Type.String()), region: Nullable(Type.String()), postalCode: Nullable(Type.String()) }),
  status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
  lines: Type.Array(Line),
});

export const OrderParams = Type.Object({ id: Id });
export const OrderLineParams = Type.Object({ id: Id, lineNumber: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });
export const LineParams = Type.Object({ lineId: Id });
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

export const OrderListQuery = Type.Object(
  {
    ...ListQuery,
    statusReason: Type.Optional(StatusReason),
    sku: Type.Optional(Sku),
    status: Type.Optional(Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))),
    externalId: Type.Optional(Text(100)),
    customerId: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
);
export const LineIdParams = Type.Object({ id: Id });
/** Routes that act without a body take none, or `{}`; a body with fields is refused like anywhere else. */
export const LineListQuery = Type.Object(
  { ...ListQuery, statusReason: Type.Optional(StatusReason), sku: Type.Optional(Sku), orderId: Type.Optional(Id) },
  { additionalProperties: false },
);
/** Up to 100 line ids, comma-separated: one page of a run's records or of a line list. */
const MAX_LABELS = 100;
export const LineLabelQuery = Type.Object(
  {
    ids: Type.String({
      pattern: `^[A-Za-z0-9._:-]{1,100}(,[A-Za-z0-9._:-]{1,100}){0,${MAX_LABELS - 1}}$`,
      description: `a comma-separated list of 1 to ${MAX_LABELS} line ids`,
    }),
  },
  { additionalProperties: false },
);
export const LineLabels = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        lineId: Id,
        orderId: Id,
        externalId: Type.String({ description: "the order's externalId" }),
        lineNumber: Type.Integer(),
      }),
      { description: 'one item per known line, in the order asked; unknown ids are left out' },
    ),
  },
  { description: 'Lines as an operator names them: the order\'s externalId and the line number.' },
);
export const OrderPage = pageOf(Order);
export const LinePage = pageOf(Line);

export const Event = Type.Object({
  id: Type.Integer(),
  lineId: Id,
  type: Type.String(),
  from: StatusReason,
  to: StatusReason,
  at: Instant,
  data: Type.Record(Type.String(), Type.Unknown()),
});
export const EventListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const EventPage = pageOf(Event);
