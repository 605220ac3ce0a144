/**
 * The outbox as the webhook dispatcher reads it. The line events are the outbox: each is written in the
 * transaction of the change it records, and one row, the fan-out position, says up to which event id every event
 * has been fanned out to the subscriptions. Nothing is written per event beyond the event itself.
 */
import { sql } from 'kysely';
import { isSqlite } from './dialect-check.ts';
import type { Executor } from '../database.ts';

export interface OutboxItem {
  readonly eventId: number;
  readonly lineId: string;
  readonly type: string;
  /** The event's time on the service clock. */
  readonly at: number;
}

/** The PostgreSQL advisory-lock key of fanning out (any fixed number no other lock uses). */
const FAN_OUT_LOCK = 4_865_200_117;

/**
 * Sets up a webhook dispatcher's transaction on PostgreSQL, in one round trip (SQLite needs neither):
 * - its commit does not wait for the WAL flush (SQLite in WAL mode with synchronous=NORMAL does not wait anyway).
 *   Only for writes a database crash may undo without harm: a fan-out undone is done again; a claim or an attempt's
 *   record undone means the delivery is sent again (at least once);
 * - no JIT compilation. The dispatcher's statements touch a few dozen rows through indexes, but a table whose
 *   statistics lag a burst makes their estimated cost cross the JIT threshold, and compiling then costs ten times
 *   what the statement does.
 */
export async function dispatcherTransaction(db: Executor, q: { readsDueInOrder?: boolean } = {}): Promise<void> {
  if (isSqlite(db)) return;
  // A claim reads the due index in its order and stops at its limit. Estimating that few due rows pass the line-order
  // test, the planner may instead fetch every due row by bitmap, run the test on each and sort: 37 ms for one claim
  // with 12,000 due, against about 1 ms.
  const ordered = q.readsDueInOrder ? sql`, set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)` : sql``;
  await sql`select set_config('synchronous_commit', 'off', true), set_config('jit', 'off', true)${ordered}`.execute(db);
}

/**
 * Serializes fanning out with itself and with subscription writes, for the rest of the transaction, so a
 * subscription created meanwhile sees every event above its mark (`after_event_id`). SQLite has one writer already.
 * With `wait` false, answers false at once when another transaction holds it.
 */
export async function lockFanOut(db: Executor, wait: boolean): Promise<boolean> {
  if (isSqlite(db)) return true;
  const key = sql.lit(FAN_OUT_LOCK);
  if (wait) {
    await sql`select pg_advisory_xact_lock(${key}::bigint)`.execute(db);
    return true;
  }
  const r = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${key}::bigint) as locked`.execute(db);
  return r.rows[0]?.locked === true;
}

/**
 * The fan-out position (every event up to it has been fanned out) and the newest event id written so far, in one
 * statement: two primary-key lookups.
 */
export async function fanOutState(db: Executor): Promise<{ position: number; newest: number }> {
  const r = await sql<{ position: number | null; newest: number | null }>`
    select (select event_id from webhook_fan_out where id = 1) as position, (select max(id) from line_events) as newest`.execute(db);
  return { position: Number(r.rows[0]?.position ?? 0), newest: Number(r.rows[0]?.newest ?? 0) };
}

/** Up to `limit` events after `position` and up to `upTo`, oldest first (for one line, the order they happened in). */
export async function eventsAfter(db: Executor, position: number, upTo: number, limit: number): Promise<OutboxItem[]> {
  const rows = await db
    .selectFrom('line_events')
    .select(['id', 'line_id', 'type', 'at'])
    .where('id', '>', position)
    .where('id', '<=', upTo)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ eventId: Number(r.id), lineId: r.line_id, type: r.type, at: Number(r.at) }));
}

/** Moves the fan-out position forward to `to` (never back). */
export async function advanceFanOut(db: Executor, to: number, now: number): Promise<void> {
  await db.updateTable('webhook_fan_out').set({ event_id: to, updated_at: now }).where('id', '=', 1).where('event_id', '<', to).execute();
}

/**
 * A point past which no event can appear at or below `ceiling`: every event with an id up to `ceiling` that will
 * ever commit belongs to a transaction that has ended once the barrier has passed (`outboxBarrierPassed`).
 *
 * On PostgreSQL an event id is drawn (by `nextval`, outside transactions) before the event commits, so an event can
 * commit below ids already seen. What bounds it: every writer of events has its transaction id before it draws
 * event ids (`insertEvents` asks for it in the statement that draws them). The sequence is read first (`ceiling`:
 * every id drawn so far), and only then the transaction ids of this database's sessions: each transaction that
 * drew an id up to `ceiling` and has not ended is one of them. Once none of those is running any more, they have
 * all ended. Transactions that began later, and those of other databases on the server, are not waited for; a
 * long write transaction of this database holds the fan-out back until it ends (nothing is lost meanwhile).
 *
 * SQLite has one writer at a time and gives ids in commit order: an event committed later has an id above every id
 * seen before, so the barrier has passed at once.
 */
export interface OutboxBarrier {
  readonly ceiling: number;
  /** The transaction ids (as text) of this database's sessions after `ceiling` was read; null on SQLite. */
  readonly xids: readonly string[] | null;
}

/**
 * Raises a barrier over the event ids drawn so far, committed or not. `newest` is the newest committed event id,
 * read just before (`fanOutState`): on SQLite, every id drawn. Not inside a transaction.
 */
export async function raiseOutboxBarrier(db: Executor, newest: number): Promise<OutboxBarrier> {
  if (isSqlite(db)) return { ceiling: newest, xids: null };
  // (The serial's sequence hands out ids in increasing order: it has the default cache of one id per draw.)
  const seq = await sql<{ last_value: string; is_called: boolean }>`select last_value, is_called from line_events_id_seq`.execute(db);
  const row = seq.rows[0];
  const ceiling = row ? Number(row.last_value) - (row.is_called ? 0 : 1) : 0;
  // A statement of its own, after the sequence was read.
  const running = await sql<{ xid: string }>`select backend_xid::text as xid from pg_stat_activity
    where datname = current_database() and backend_xid is not null`.execute(db);
  return { ceiling, xids: running.rows.map((r) => r.xid) };
}

/** True once no transaction that could still commit an event up to the barrier's `ceiling` is running. */
export async function outboxBarrierPassed(db: Executor, barrier: OutboxBarrier): Promise<boolean> {
  if (barrier.xids === null || barrier.xids.length === 0) return true;
  const r = await sql<{ passed: boolean }>`select not exists (
      select 1 from pg_stat_activity where backend_xid::text = any(${barrier.xids}::text[])) as passed`.execute(db);
  return r.rows[0]?.passed === true;
}
