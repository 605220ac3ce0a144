import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { BusinessDate, ListQuery, LocationId, Nullable, Sku, Text, pageOf } from './common.contract.ts';
import { OnHandRow, QUANTITY_LIMIT, ScheduleRow } from '../../app/schemas.ts';

export const OnHandBody = Type.Array(OnHandRow, { minItems: 1, maxItems: 50_000 });
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

export const MAX_SCHEDULE_ROWS = 100_000;
export const SchedulesBody = Type.Array(ScheduleRow, { minItems: 1, maxItems: MAX_SCHEDULE_ROWS });
export const ScheduleUploadQuery = Type.Object(
  { mode: Type.Optional(Type.Union([Type.Literal('add'), Type.Literal('replace')], { default: 'add', description: 'replace: every (sku, locationId, reference) in the upload first loses its entries' })) },
  { additionalProperties: false },
);
const ScheduleFilters = {
  sku: Type.Optional(Sku),
  locationId: Type.Optional(LocationId),
  reference: Type.Optional(Text(200)),
};
export const ScheduleDeleteQuery = Type.Object(ScheduleFilters, { additionalProperties: false });
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
export const ScheduleListQuery = Type.Object({ ...ListQuery, ...ScheduleFilters }, { additionalProperties: false });
export const SchedulePage = pageOf(ScheduleEntry);
export const ScheduleParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const AtpQuery = Type.Object(
  {
    sku: Sku,
    locationId: Type.Optional(LocationId),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: QUANTITY_LIMIT, default: 1 })),
  },
  { additionalProperties: false },
);
/** With `locationId`: that location's days. Without: the earliest anywhere, and each active location's earliest. */
export const AtpAnswer = Type.Object({
  sku: Sku,
  locationId: Nullable(LocationId),
  quantity: Type.Integer(),
  today: BusinessDate,
  horizonDays: Type.Integer(),
  earliestDate: Nullable(BusinessDate),
  days: Type.Optional(
    Type.Array(Type.Object({ date: BusinessDate, supply: Type.Number(), demand: Type.Number(), projected: Type.Number(), atp: Type.Number() })),
  ),
  locations: Type.Optional(
    Type.Array(
      Type.Object({
        locationId: LocationId,
        earliestDate: Nullable(BusinessDate),
        available: Type.Number({ description: 'onHand - reserved now' }),
        atpToday: Type.Number(),
      }),
    ),
  ),
});
