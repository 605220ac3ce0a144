import { csvProblem } from './bulk-errors.ts';
import { isSku } from '../schemas.ts';
import type { FieldError } from '../errors.ts';
import type { Executor } from '../../store/database.ts';
import { allLocations, findProducts } from '../../store/repositories/catalog.repository.ts';

/**
 * Rows naming a sku or location that does not exist, each error pointing at its row; rows without them are skipped.
 * A malformed sku is unknown without asking the database (it may hold a NUL, which PostgreSQL refuses).
 */
export async function referenceErrors(db: Executor, rows: readonly { sku?: unknown; locationId?: unknown }[]): Promise<FieldError[]> {
  const skus = rows.flatMap((r) => (typeof r.sku === 'string' && isSku(r.sku) ? [r.sku] : []));
  const products = await findProducts(db, skus);
  const locations = new Set((await allLocations(db)).map((l) => l.id));
  const errors: FieldError[] = [];
  rows.forEach((r, i) => {
    if (typeof r.sku === 'string' && !products.has(r.sku)) errors.push({ path: `/${i}/sku`, message: `unknown sku "${r.sku}"` });
    if (typeof r.locationId === 'string' && !locations.has(r.locationId)) errors.push({ path: `/${i}/locationId`, message: `unknown location "${r.locationId}"` });
  });
  return errors;
}

/** Refuses rows naming a sku or location that does not exist (listing the first 100). */
export async function checkReferences(db: Executor, rows: readonly { sku: string; locationId: string }[]): Promise<void> {
  const errors = await referenceErrors(db, rows);
  if (errors.length) throw csvProblem(errors, errors.length, rows.length, 'the body');
}

/** Refuses a second row for the same (sku, location) in one request. */
export function checkDistinct(rows: readonly { sku: string; locationId: string }[]): void {
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  rows.forEach((r, i) => {
    const k = `${r.sku}\u0000${r.locationId}`;
    const first = seen.get(k);
    if (first !== undefined) errors.push({ path: `/${i}`, message: `repeats ${r.sku} at ${r.locationId}, already given at /${first}` });
    else seen.set(k, i);
  });
  if (errors.length) throw csvProblem(errors, errors.length, rows.length, 'the body');
}
