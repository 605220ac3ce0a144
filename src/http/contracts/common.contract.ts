import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';

export const Sku = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: '1-64 characters of A-Z a-z 0-9 . _ -' });
export const LocationId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: '1-64 characters of A-Z a-z 0-9 . _ -' });
export const BusinessDate = Type.String({ format: 'date', description: 'a calendar date, YYYY-MM-DD' });
export const Instant = Type.String({ format: 'date-time', description: 'an ISO-8601 UTC instant' });
export const Id = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: 'an id as the service gave it' });
/** Free text; NUL is refused (PostgreSQL cannot store it, and no client means it). */
export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength, pattern: '^[^\\u0000]*$' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
