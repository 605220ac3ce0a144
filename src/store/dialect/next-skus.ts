import type { HeldSkusQuery } from './store-dialect.ts';

/**
 * The skus of a batch from the sku column of the next held lines in sku order (read with a limit of `maxLines`
 * rows, an index-only range scan): whole skus only, so when the limit was hit the last sku may be cut short and is
 * left for the next batch, unless it is the only one (a sku with more held lines than a batch makes a batch alone).
 */
export function skusOfRows(rows: readonly string[], q: Pick<HeldSkusQuery, 'maxSkus' | 'maxLines'>): string[] {
  const skus: string[] = [];
  for (const sku of rows) if (skus[skus.length - 1] !== sku) skus.push(sku);
  if (rows.length >= q.maxLines && skus.length > 1) skus.pop();
  return skus.slice(0, q.maxSkus);
}
