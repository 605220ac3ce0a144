import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { BusinessDate, ListQuery, LocationId, Nullable, Sku, Text, pageOf } from './common.contract.ts';

export const ProductBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Text(200),
    preorderEligible: Type.Optional(Type.Boolean({ default: false })),
    launchDate: Type.Optional(Nullable(BusinessDate)),
    allowBackorder: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type ProductBody = Static<typeof ProductBody>;

export const ProductPatch = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Type.Optional(Text(200)),
    preorderEligible: Type.Optional(Type.Boolean()),
    launchDate: Type.Optional(Nullable(BusinessDate)),
    allowBackorder: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Product = Type.Object({
  sku: Sku,
  name: Type.String(),
  preorderEligible: Type.Boolean(),
  launchDate: Nullable(BusinessDate),
  allowBackorder: Type.Boolean(),
});

export const SkuParams = Type.Object({ sku: Sku });
export const ProductListQuery = Type.Object({ ...ListQuery, preorderEligible: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const ProductPage = pageOf(Product);

export const LocationBody = Type.Object(
  {
    id: Type.Optional(LocationId),
    name: Text(200),
    priority: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: 'lower is preferred' }),
    handlingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, default: 1 })),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type LocationBody = Static<typeof LocationBody>;

export const Location = Type.Object({
  id: LocationId,
  name: Type.String(),
  priority: Type.Integer(),
  handlingDays: Type.Integer(),
  active: Type.Boolean(),
});
export const LocationParams = Type.Object({ id: LocationId });
export const LocationListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const LocationPage = pageOf(Location);
