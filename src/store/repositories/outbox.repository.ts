/**
 * The outbox as the webhook dispatcher reads it: events not yet fanned out, oldest first; the mark that they
 * were; and pruning of rows fanned out long ago. (Writing the outbox is `appendEvents`' job.)
 */
import { sql } from 'kysely';
import { isSqlite } from './dialect-check.ts';
import type { Executor } from '../database.ts';

export interface OutboxItem {
  readonly outboxId: number;
  readonly eventId: number;
  readonly lineId: string;
  readonly type: string;
  /** The event's time on the service clock. */
  readonly createdAt: number;
}

/** The PostgreSQL advisory-lock key of fanning out (any fixed number no other lock uses). */
const FAN_OUT_LOCK = 4_865_200_117;

/**
 * Lets the rest of the transaction commit without waiting for its WAL flush (PostgreSQL; SQLite in WAL mode
 * with synchronous=NORMAL does not wait anyway). Only for writes that a database crash may undo without harm:
 * a fan-out undone is done again, an attempt's record undone means the delivery is sent again (at least once).
 */
export async function commitWithoutFlushWait(db: Executor): Promise<void> {
  if (!isSqlite(db)) await sql`set local synchronous_commit = off`.execute(db);
}

/**
 * Turns PostgreSQL's JIT compilation off for the rest of the transaction. The dispatcher's statements touch a few
 * dozen rows through indexes, but a table whose statistics lag a burst makes their estimated cost cross the JIT
 * threshold, and compiling then costs ten times what the statement does.
 */
export async function withoutJit(db: Executor): Promise<void> {
  if (!isSqlite(db)) await sql`set local jit = off`.execute(db);
}

/**
 * Serializes fanning out with itself and with subscription writes, for the rest of the transaction, so a
 * subscription created meanwhile sees every event above its outbox mark. SQLite has one writer already.
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
 * Up to `limit` events not fanned out yet, in outbox order (for one line, the order they happened in), from `low`,
 * the oldest of them (`oldestUndispatchedId`).
 *
 * Written to keep its plan whatever the statistics say (they lag behind a burst of events on PostgreSQL): the
 * batch is read from a bounded range of ids after the oldest such row, and each event is looked up by its key (correlated subqueries), never by a join that could become
 * a scan of the whole event table.
 */
export async function undispatchedOutbox(db: Executor, limit: number, low: number): Promise<OutboxItem[]> {
  const r = await sql<{ id: number; event_id: number; created_at: number; line_id: string | null; type: string | null }>`
    select o.id, o.event_id, o.created_at,
      (select e.line_id from line_events e where e.id = o.event_id) as line_id,
      (select e.type from line_events e where e.id = o.event_id) as type
    from (
      select id, event_id, created_at from outbox
      where id >= ${low} and id < ${low + 4 * limit} and dispatched_at is null
      order by id limit ${limit}) as o
    order by o.id`.execute(db);
  return r.rows.map((row) => ({
    outboxId: Number(row.id),
    eventId: Number(row.event_id),
    lineId: row.line_id ?? '',
    type: row.type ?? '',
    createdAt: Number(row.created_at),
  }));
}

export async function markDispatched(db: Executor, outboxIds: readonly number[], now: number): Promise<void> {
  if (outboxIds.length === 0) return;
  await db.updateTable('outbox').set({ dispatched_at: now }).where('id', 'in', outboxIds).execute();
}

/**
 * Marks up to `limit` of the oldest events not fanned out yet (from `low`, the oldest of them) as fanned out,
 * without reading them (nobody is subscribed); answers how many.
 */
export async function markOldestDispatched(db: Executor, limit: number, now: number, low: number): Promise<number> {
  // A bounded range of ids from the oldest such row, like `undispatchedOutbox`: never a walk over rows marked
  // (on PostgreSQL, dead index entries) before it.
  const r = await sql`update outbox set dispatched_at = ${now} where id >= ${low} and id < ${low + limit} and dispatched_at is null`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * The outbox id of the oldest event not fanned out yet, or null when there is none (a one-row lookup in the
 * partial index of such rows), looking from outbox id `from` on.
 */
export async function oldestUndispatchedId(db: Executor, from = 0): Promise<number | null> {
  const row = await db.selectFrom('outbox').select('id').where('dispatched_at', 'is', null).where('id', '>=', from).orderBy('id').limit(1).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/**
 * A point after which no outbox row can appear below `ceiling + 1`: every row with an id up to `ceiling` that will
 * ever commit belongs to a transaction that ends before the barrier has passed (`outboxBarrierPassed`).
 *
 * On PostgreSQL an outbox id is drawn (by `nextval`, outside transactions) before the row commits, so a row can
 * commit below ids already seen. What bounds it: every writer inserts its events before their outbox rows
 * (`appendEvents`, `insertEvents`), so a transaction already has its transaction id when it draws an outbox id. The
 * sequence is read first (`ceiling`: every id drawn so far), and only then does this transaction take an id of its
 * own (`xid`): every transaction that drew an id up to `ceiling` took its transaction id before `xid`. Once the
 * oldest transaction still running is younger than `xid`, they have all ended. The transaction that takes `xid`
 * must not have had a transaction id before the sequence was read (no write before it).
 *
 * SQLite has one writer at a time and gives ids in commit order: a row committed later has an id above every id
 * seen before, so the barrier has passed at once.
 */
export interface OutboxBarrier {
  readonly ceiling: number;
  /** The transaction id (PostgreSQL's 64-bit `xid8`, as text) that every writer of a row up to `ceiling` preceded; null on SQLite. */
  readonly xid: string | null;
}

/** The highest outbox id drawn so far, committed or not (on PostgreSQL the sequence's state, which is not transactional). */
export async function outboxCeiling(db: Executor): Promise<number> {
  if (isSqlite(db)) {
    const r = await sql<{ id: number | null }>`select max(id) as id from outbox`.execute(db);
    return Number(r.rows[0]?.id ?? 0);
  }
  // (The serial's sequence hands out ids in increasing order: it has the default cache of one id per draw.)
  const seq = await sql<{ last_value: string; is_called: boolean }>`select last_value, is_called from outbox_id_seq`.execute(db);
  const row = seq.rows[0];
  return row ? Number(row.last_value) - (row.is_called ? 0 : 1) : 0;
}

/**
 * Raises a barrier over the ids up to `ceiling`, read by `outboxCeiling` before this call (on PostgreSQL, this
 * transaction's id is taken now, after that read).
 */
export async function raiseOutboxBarrier(db: Executor, ceiling: number): Promise<OutboxBarrier> {
  if (isSqlite(db)) return { ceiling, xid: null };
  const xid = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(db);
  return { ceiling, xid: xid.rows[0]!.xid };
}

/** True once every transaction that could still commit an outbox row up to the barrier's `ceiling` has ended. */
export async function outboxBarrierPassed(db: Executor, barrier: OutboxBarrier): Promise<boolean> {
  if (barrier.xid === null) return true;
  const r = await sql<{ passed: boolean }>`select pg_snapshot_xmin(pg_current_snapshot()) > ${barrier.xid}::xid8 as passed`.execute(db);
  return r.rows[0]?.passed === true;
}

/**
 * Deletes outbox rows fanned out before `cutoff`, looking only at the `limit` oldest rows (so it never scans
 * the table); answers how many went.
 */
export async function pruneOutbox(db: Executor, cutoff: number, limit: number): Promise<number> {
  const r = await sql`delete from outbox where id in (
      select id from (select id, dispatched_at from outbox order by id limit ${limit}) as head
      where head.dispatched_at is not null and head.dispatched_at < ${cutoff})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
