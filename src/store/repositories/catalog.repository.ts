import type { Selectable } from 'kysely';
import type { Executor } from '../database.ts';
import { selectRows } from '../direct-reads.ts';
import type { Location } from '../../domain/inventory/location.ts';
import type { Product } from '../../domain/inventory/product.ts';
import type { LocationsTable, ProductsTable } from '../tables/catalog.table.ts';
import { chunks, pageOf } from './pagination.ts';
import { bumpConfigVersion } from './config.repository.ts';
import type { Page } from './pagination.ts';

const toProduct = (r: Selectable<ProductsTable>): Product => ({
  sku: r.sku,
  name: r.name,
  preorderEligible: r.preorder_eligible === 1,
  launchDate: r.launch_date,
  allowBackorder: r.allow_backorder === 1,
});

const toLocation = (r: LocationsTable): Location => ({
  id: r.id,
  name: r.name,
  priority: r.priority,
  handlingDays: r.handling_days,
  active: r.active === 1,
});

/** Inserts or replaces a product; true when it is new. */
export async function upsertProduct(db: Executor, p: Product, now: number): Promise<boolean> {
  const values = {
    name: p.name,
    preorder_eligible: p.preorderEligible ? 1 : 0,
    launch_date: p.launchDate,
    allow_backorder: p.allowBackorder ? 1 : 0,
    updated_at: now,
  };
  // Insert first, update when it exists: two concurrent first writes cannot both try to insert.
  const inserted = await db.insertInto('products').values({ sku: p.sku, created_at: now, ...values }).onConflict((oc) => oc.column('sku').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows) === 1) return true;
  await db.updateTable('products').set(values).where('sku', '=', p.sku).execute();
  return false;
}

export async function getProduct(db: Executor, sku: string): Promise<Product | undefined> {
  const row = await db.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
  return row && toProduct(row);
}

export async function findProducts(db: Executor, skus: readonly string[]): Promise<Map<string, Product>> {
  const out = new Map<string, Product>();
  for (const part of chunks([...new Set(skus)], 500)) {
    const rows = await selectRows(db, db.selectFrom('products').selectAll().where('sku', 'in', part));
    for (const r of rows) out.set(r.sku, toProduct(r));
  }
  return out;
}

export async function listProducts(db: Executor, q: { preorderEligible?: boolean; after?: string; limit: number }): Promise<Page<Product>> {
  let query = db.selectFrom('products').selectAll().orderBy('sku').limit(q.limit + 1);
  if (q.preorderEligible !== undefined) query = query.where('preorder_eligible', '=', q.preorderEligible ? 1 : 0);
  if (q.after !== undefined) query = query.where('sku', '>', q.after);
  return pageOf(await query.execute(), q.limit, toProduct, (r) => [r.sku]);
}

/** Inserts or replaces a location; true when it is new. */
export async function upsertLocation(db: Executor, l: Location, now: number): Promise<boolean> {
  await bumpConfigVersion(db, now);
  const values = { name: l.name, priority: l.priority, handling_days: l.handlingDays, active: l.active ? 1 : 0, updated_at: now };
  const inserted = await db.insertInto('locations').values({ id: l.id, created_at: now, ...values }).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows) === 1) return true;
  await db.updateTable('locations').set(values).where('id', '=', l.id).execute();
  return false;
}

export async function getLocation(db: Executor, id: string): Promise<Location | undefined> {
  const row = await db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toLocation(row);
}

/** Every location; a handful of rows, read whole by intake and the jobs. */
export async function allLocations(db: Executor): Promise<Location[]> {
  const rows = await db.selectFrom('locations').selectAll().execute();
  return rows.map(toLocation);
}

/** Locations in location order (priority, then id). */
export async function listLocations(db: Executor, q: { after?: [number, string]; limit: number }): Promise<Page<Location>> {
  let query = db.selectFrom('locations').selectAll().orderBy('priority').orderBy('id').limit(q.limit + 1);
  const after = q.after;
  if (after !== undefined) query = query.where((eb) => eb(eb.refTuple('priority', 'id'), '>', eb.tuple(after[0], after[1])));
  return pageOf(await query.execute(), q.limit, toLocation, (r) => [r.priority, r.id]);
}

/** True when there is no location, no product and no order. */
export async function nothingStored(db: Executor): Promise<boolean> {
  const [products, locations, orders] = await Promise.all([
    db.selectFrom('products').select('sku').limit(1).execute(),
    db.selectFrom('locations').select('id').limit(1).execute(),
    db.selectFrom('orders').select('id').limit(1).execute(),
  ]);
  return products.length + locations.length + orders.length === 0;
}
