/** Counts the metrics read at scrape time: cheap, index-only where the schema allows. */
import { sql } from 'kysely';
import type { Executor } from '../database.ts';

/**
 * Held lines per status reason: one pass over the partial index of held lines (`order_lines_held`), whose
 * condition the query repeats word for word so both databases use it.
 */
export async function heldLineCounts(db: Executor): Promise<Record<'PreorderHold' | 'BackorderHold', number>> {
  const r = await sql<{ status_reason: string; n: number }>`
    select status_reason, count(*) as n from order_lines
    where status_reason in ('PreorderHold', 'BackorderHold')
    group by status_reason`.execute(db);
  const counts = { PreorderHold: 0, BackorderHold: 0 };
  for (const row of r.rows) if (row.status_reason === 'PreorderHold' || row.status_reason === 'BackorderHold') counts[row.status_reason] = Number(row.n);
  return counts;
}
