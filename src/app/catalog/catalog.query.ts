/** Reads of the catalog: products and locations, one or a page. */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { Location } from '../../domain/inventory/location.ts';
import type { Product } from '../../domain/inventory/product.ts';
import { getLocation as findLocation, getProduct as findProduct, listLocations as locationPage, listProducts as productPage, nothingStored } from '../../store/repositories/catalog.repository.ts';
import type { Page } from '../pagination.ts';

export async function getProduct(ctx: AppContext, sku: string): Promise<Product> {
  return (await findProduct(ctx.database.db, sku)) ?? Promise.reject(notFound(`product ${sku}`));
}

export function listProducts(ctx: AppContext, q: Parameters<typeof productPage>[1]): Promise<Page<Product>> {
  return productPage(ctx.database.db, q);
}

export async function getLocation(ctx: AppContext, id: string): Promise<Location> {
  return (await findLocation(ctx.database.db, id)) ?? Promise.reject(notFound(`location ${id}`));
}

export function listLocations(ctx: AppContext, q: Parameters<typeof locationPage>[1]): Promise<Page<Location>> {
  return locationPage(ctx.database.db, q);
}

/** True when nothing was set up yet: no location, no product, no order (the demo seeds only such a database). */
export function isEmptyDatabase(ctx: AppContext): Promise<boolean> {
  return nothingStored(ctx.database.db);
}
