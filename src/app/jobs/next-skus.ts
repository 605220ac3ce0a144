import type { AppContext } from '../context.ts';
import type { RunScope } from '../../domain/holds/job-kind.ts';

/**
 * The skus of a run's next batch, in sku order after `after`: the skus the job covers (every sku with held lines,
 * or only those with lines the job moves), limited to an event run's skus, up to a number of skus or held lines.
 */
export function nextSkus(ctx: AppContext, scope: RunScope, q: { after: string | null; maxSkus: number; maxLines: number }): Promise<string[]> {
  const { database } = ctx;
  return database.read((trx) =>
    database.store.heldSkus(trx, { ...q, only: scope.skus, withStatus: scope.kind.coversOwnSkusOnly ? scope.kind.moves : null }),
  );
}
