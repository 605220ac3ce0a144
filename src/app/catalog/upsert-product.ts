/** Creates or replaces a product. A preorder-eligible product needs a launch date. */
import { invalid } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { Product } from '../../domain/inventory/product.ts';
import { upsertProduct as store } from '../../store/repositories/catalog.repository.ts';

export interface ProductInput {
  /** Optional: a body read back from GET may carry it, but it must name the product the path names. */
  readonly sku?: string;
  readonly name: string;
  readonly preorderEligible?: boolean;
  readonly launchDate?: string | null;
  readonly allowBackorder?: boolean;
}

export async function upsertProduct(ctx: AppContext, sku: string, input: ProductInput): Promise<{ product: Product; created: boolean }> {
  const product: Product = {
    sku,
    name: input.name,
    preorderEligible: input.preorderEligible ?? false,
    launchDate: input.launchDate ?? null,
    allowBackorder: input.allowBackorder ?? true,
  };
  if (input.sku !== undefined && input.sku !== sku) throw invalid([{ path: '/sku', message: `names ${input.sku}, but the path names ${sku}` }]);
  if (product.preorderEligible && product.launchDate === null) {
    throw invalid([{ path: '/launchDate', message: 'a preorder-eligible product needs a launchDate' }]);
  }
  const created = await ctx.database.transaction((trx) => store(trx, product, ctx.clock.now()));
  return { product, created };
}
