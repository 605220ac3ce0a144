/** Counts the metrics read at scrape time: cheap, index-only where the schema allows. */
import { sql } from 'kysely';
import type { Executor } from '../database.ts';

/**
 * Held lines per status reason: the sum of the products' counts of them (kept in the transaction of every change
 * to a held line), over the partial index of products with held lines, so a scrape costs the same at any number
 * of held lines.
 */
export async function heldLineCounts(db: Executor): Promise<Record<'PreorderHold' | 'BackorderHold', number>> {
  const r = await sql<{ b: number | null; p: number | null }>`
    select sum(held_backorder) as b, sum(held_preorder) as p from products where held_backorder > 0 or held_preorder > 0`.execute(db);
  const row = r.rows[0];
  return { PreorderHold: Number(row?.p ?? 0), BackorderHold: Number(row?.b ?? 0) };
}

/**
 * The service-clock times of the oldest event not fanned out yet (after the fan-out position) and of the oldest
 * event not yet sent once to a subscriber (null when there is none), in one statement: on SQLite every statement
 * queues for the one connection.
 */
export async function oldestWaitingEvents(db: Executor): Promise<{ undispatched: number | null; untried: number | null }> {
  const r = await sql<{ undispatched: number | null; untried: number | null }>`
    select
      (select at from line_events where id > (select event_id from webhook_fan_out where id = 1) order by id limit 1) as undispatched,
      (select queued_at from webhook_deliveries where status = 'pending' and attempts = 0 order by queued_at limit 1) as untried`.execute(db);
  const row = r.rows[0];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { undispatched: num(row?.undispatched), untried: num(row?.untried) };
}
