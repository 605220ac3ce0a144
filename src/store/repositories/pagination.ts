/** Keyset pagination: a cursor is the sort key of the last item, opaque to clients. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What one part of a sort key holds: text, an integer of a 64-bit column (ids, instants), or of a 32-bit one
 * (a location's priority): a value out of its column's range cannot come from us, and PostgreSQL would refuse
 * to compare it.
 */
export type CursorPart = 'string' | 'number' | 'int32';

/** The sort key a cursor carries, or null when it is not one of ours (the caller answers 400). */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): (string | number)[] | null {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(key) || key.length !== shape.length) return null;
    const fits = (v: unknown, kind: CursorPart | undefined) =>
      kind === 'int32'
        ? Number.isSafeInteger(v) && (v as number) >= -2_147_483_648 && (v as number) <= 2_147_483_647
        : kind === 'number'
          ? Number.isSafeInteger(v)
          : typeof v === 'string' && v.length <= 200 && !v.includes('\u0000');
    return key.every((v, i) => fits(v, shape[i])) ? (key as (string | number)[]) : null;
  } catch {
    return null;
  }
}

/** Rows fetched with limit + 1: the extra row only says there is a next page. */
export function pageOf<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, keyOf: (row: R) => readonly (string | number)[]): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { items: slice.map(map), nextCursor: more ? encodeCursor(keyOf(slice[slice.length - 1]!)) : null };
}

/** Splits work into chunks so that no statement exceeds the databases' bound-parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
