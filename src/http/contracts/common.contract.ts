import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';

export { BusinessDate, Instant, LocationId, Nullable, Sku, Text } from '../../app/schemas.ts';
import { Nullable } from '../../app/schemas.ts';

export const Id = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: 'an id as the service gave it' });

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
};

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) }, { additionalProperties: false });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'application/problem+json' },
);

export const Count = Type.Object({ count: Type.Integer() });

/** The body of an action that takes none: no body, or `{}`. */
export const NoBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()], { description: 'no body, or {}' });
