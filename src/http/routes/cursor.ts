import { invalid } from '../../app/errors.ts';
import { decodeCursor } from '../../app/pagination.ts';
import type { CursorPart } from '../../app/pagination.ts';

/** The sort key in `?cursor=`, undefined without one; a cursor that is not ours is a 400 naming it. */
export function cursorKey<T extends (string | number)[]>(cursor: string | undefined, shape: readonly CursorPart[]): T | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, shape);
  if (key === null) throw invalid([{ path: '/cursor', message: 'is not a cursor this list gave out' }]);
  return key as T;
}
