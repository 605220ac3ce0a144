import type { HeldSkusQuery } from './store-dialect.ts';

/**
 * The columns of `products` that count a sku's held lines, and the condition a query of the next skus of a run
 * puts on them (the partial index `products_held` covers every sku with a held line).
 */
export function heldCountTerms(q: Pick<HeldSkusQuery, 'withStatus'>): { lines: string; condition: string } {
  if (q.withStatus === 'BackorderHold') return { lines: 'held_backorder', condition: '(held_backorder > 0 or held_preorder > 0) and held_backorder > 0' };
  if (q.withStatus === 'PreorderHold') return { lines: 'held_preorder', condition: '(held_backorder > 0 or held_preorder > 0) and held_preorder > 0' };
  return { lines: 'held_backorder + held_preorder', condition: '(held_backorder > 0 or held_preorder > 0)' };
}

/**
 * The skus of a batch from the next skus with held lines, in sku order, each with its count: whole skus, as many as
 * fit in `maxLines` lines, and at least one (a sku with more held lines than a batch makes a batch alone).
 */
export function skusUpTo(counted: readonly (readonly [string, number])[], q: Pick<HeldSkusQuery, 'maxSkus' | 'maxLines'>): string[] {
  const skus: string[] = [];
  let lines = 0;
  for (const [sku, n] of counted) {
    if (skus.length >= q.maxSkus || (skus.length > 0 && lines + n > q.maxLines)) break;
    skus.push(sku);
    lines += n;
  }
  return skus;
}
