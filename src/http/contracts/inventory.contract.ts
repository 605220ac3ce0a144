import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { BusinessDate, ListQuery, LocationId, Nullable, Sku, Text, pageOf } from './common.contract.ts';

const QUANTITY_LIMIT = 1_000_000_000;

export const OnHandBody = Type.Array(
  Type.Object(
    { sku: Sku, locationId: LocationId, onHand: Type.Integer({ minimum: 0, maximum: QUANTITY_LIMIT }) },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 50_000 },
);
export type OnHandBody = Static<typeof OnHandBody>;

export const AdjustmentsBody = Type.Array(
  Type.Object(
    {
      sku: Sku,
      locationId: LocationId,
      delta: Type.Integer({ minimum: -QUANTITY_LIMIT, maximum: QUANTITY_LIMIT }),
      reference: Type.Optional(Nullable(Text(200, 0))),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 50_000 },
);
export type AdjustmentsBody = Static<typeof AdjustmentsBody>;

export const StockRow = Type.Object({
  locationId: LocationId,
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer({ description: 'onHand - reserved; negative while there is a shortage' }),
  shortage: Type.Integer({ description: 'max(0, reserved - onHand)' }),
});
export const Inventory = Type.Object({ sku: Sku, locations: Type.Array(StockRow) });

export const ScheduleEntryInput = Type.Object(
  {
    sku: Sku,
    locationId: LocationId,
    date: BusinessDate,
    // `not 0` is part of the schema so a zero is reported together with the other rows' format errors.
    quantity: Type.Integer({ minimum: -QUANTITY_LIMIT, maximum: QUANTITY_LIMIT, not: { const: 0 }, description: 'signed, not 0' }),
    reference: Type.Optional(Nullable(Text(200, 0))),
  },
  { additionalProperties: false },
);
export const SchedulesBody = Type.Array(ScheduleEntryInput, { minItems: 1, maxItems: 100_000 });
export type SchedulesBody = Static<typeof SchedulesBody>;

export const ScheduleEntry = Type.Object({
  id: Type.Integer(),
  sku: Sku,
  locationId: LocationId,
  date: BusinessDate,
  quantity: Type.Integer(),
  reference: Nullable(Type.String()),
});
export const ScheduleItems = Type.Object({ items: Type.Array(ScheduleEntry) });
export const ScheduleListQuery = Type.Object({ ...ListQuery, sku: Type.Optional(Sku) }, { additionalProperties: false });
export const SchedulePage = pageOf(ScheduleEntry);
export const ScheduleParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const AtpQuery = Type.Object(
  { sku: Sku, locationId: LocationId, quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: QUANTITY_LIMIT, default: 1 })) },
  { additionalProperties: false },
);
export const AtpAnswer = Type.Object({
  sku: Sku,
  locationId: LocationId,
  quantity: Type.Integer(),
  today: BusinessDate,
  horizonDays: Type.Integer(),
  earliestDate: Nullable(BusinessDate),
  days: Type.Array(
    Type.Object({ date: BusinessDate, supply: Type.Number(), demand: Type.Number(), projected: Type.Number(), atp: Type.Number() }),
  ),
});
