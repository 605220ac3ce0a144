/**
 * The contract's field types as schemas (TypeBox): the HTTP contracts build on them, and the CSV import checks
 * its rows with them, so a file and a request are held to the same rules.
 */
import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';

/** 1-64 characters of A-Z a-z 0-9 . _ -, but not `.` or `..` (they would be path segments in a URL). */
const CODE_PATTERN = '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,64}$';
const CODE_DESCRIPTION = '1-64 characters of A-Z a-z 0-9 . _ - (not "." or "..")';

const SKU_PATTERN = '^(?!\\.{1,2}$|schedules$)[A-Za-z0-9._-]{1,64}$';
const SKU_REGEX = new RegExp(SKU_PATTERN);
/** A sku as a code, and not `schedules`: `GET /api/inventory/schedules` is the schedule list, so its stock could not be read. */
export const Sku = Type.String({ pattern: SKU_PATTERN, description: '1-64 characters of A-Z a-z 0-9 . _ - (not ".", ".." or "schedules")' });
/**
 * Whether a text is a well-formed sku. One that is not names no product, so it is not looked up: it may hold a NUL,
 * which PostgreSQL refuses in a query.
 */
export const isSku = (text: string): boolean => SKU_REGEX.test(text);
export const LocationId = Type.String({ pattern: CODE_PATTERN, description: CODE_DESCRIPTION });
export const BusinessDate = Type.String({ format: 'date', description: 'a calendar date YYYY-MM-DD' });
export const Instant = Type.String({ format: 'date-time', description: 'an ISO-8601 UTC instant' });
/** Free text; NUL is refused (PostgreSQL cannot store it, and no client means it). */
export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength, pattern: '^[^\\u0000]*$' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const QUANTITY_LIMIT = 1_000_000_000;

export const OnHandRow = Type.Object(
  { sku: Sku, locationId: LocationId, onHand: Type.Integer({ minimum: 0, maximum: QUANTITY_LIMIT }) },
  { additionalProperties: false },
);

export const ScheduleRow = Type.Object(
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
