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

/**
 * The service-clock times of the oldest event not fanned out yet and of the oldest event not yet sent once to a
 * subscriber (null when there is none), in one statement: on SQLite every statement queues for the one connection.
 * The first looks only at outbox ids from `fromOutboxId` on (rows below it were fanned out when it was taken).
 */
export async function oldestWaitingEvents(db: Executor, fromOutboxId = 0): Promise<{ undispatched: number | null; untried: number | null }> {
  const r = await sql<{ undispatched: number | null; untried: number | null }>`
    select
      (select created_at from outbox where dispatched_at is null and id >= ${fromOutboxId} order by id limit 1) as undispatched,
      (select queued_at from webhook_deliveries where status = 'pending' and attempts = 0 order by queued_at limit 1) as untried`.execute(db);
  const row = r.rows[0];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { undispatched: num(row?.undispatched), untried: num(row?.untried) };
}
