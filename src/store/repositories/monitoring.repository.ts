/** Counts the metrics read at scrape time: cheap, index-only where the schema allows. */
import { sql } from 'kysely';
import type { Executor } from '../database.ts';

/** Held lines per status reason (each an index range count over order_lines_reason). */
export async function heldLineCounts(db: Executor): Promise<Record<'PreorderHold' | 'BackorderHold', number>> {
  const count = async (reason: 'PreorderHold' | 'BackorderHold') => {
    const r = await db
      .selectFrom('order_lines')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(sql.ref('status_reason'), '=', sql.lit(reason))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  };
  return { PreorderHold: await count('PreorderHold'), BackorderHold: await count('BackorderHold') };
}
