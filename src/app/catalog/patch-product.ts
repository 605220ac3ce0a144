/**
 * `PATCH /api/products/{sku}`: changes only the fields named (setting a launch date needs no name), checks the
 * result as a whole (a preorder-eligible product needs a launch date) and writes it in one transaction.
 */
import { invalid, notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { Product } from '../../domain/inventory/product.ts';
import { getProduct, upsertProduct as store } from '../../store/repositories/catalog.repository.ts';

export interface ProductPatch {
  readonly sku?: string;
  readonly name?: string;
  readonly preorderEligible?: boolean;
  readonly launchDate?: string | null;
  readonly allowBackorder?: boolean;
}

export async function patchProduct(ctx: AppContext, sku: string, patch: ProductPatch): Promise<Product> {
  if (patch.sku !== undefined && patch.sku !== sku) throw invalid([{ path: '/sku', message: `names ${patch.sku}, but the path names ${sku}` }]);
  return ctx.database.transaction(async (trx) => {
    await ctx.database.lockSkus(trx, [sku]);
    const current = await getProduct(trx, sku);
    if (!current) throw notFound(`product ${sku}`);
    const next: Product = {
      sku,
      name: patch.name ?? current.name,
      preorderEligible: patch.preorderEligible ?? current.preorderEligible,
      launchDate: patch.launchDate === undefined ? current.launchDate : patch.launchDate,
      allowBackorder: patch.allowBackorder ?? current.allowBackorder,
    };
    if (next.preorderEligible && next.launchDate === null) {
      throw invalid([{ path: '/launchDate', message: 'a preorder-eligible product needs a launchDate' }]);
    }
    await store(trx, next, ctx.clock.now());
    return next;
  });
}
