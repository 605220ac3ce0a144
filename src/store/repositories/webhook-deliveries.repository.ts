/**
 * Webhook deliveries: one row per (subscription, event) or ping, with its attempts. A process claims due rows
 * for a while (`locked_by`, `locked_until`) before sending them; on PostgreSQL the claim skips rows another
 * claim holds (FOR UPDATE SKIP LOCKED), so two processes never send one delivery at the same time, and a claim
 * whose process died simply expires. For one subscription, a line's delivery is claimable only while no earlier
 * event of that line is still pending, which keeps each line's events in order.
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { isSqlite } from './dialect-check.ts';
import type { Executor } from '../database.ts';
import type { WebhookDeliveriesTable } from '../tables/webhooks.table.ts';
import { chunks, pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface StoredDelivery {
  readonly id: number;
  readonly subscriptionKey: number;
  readonly eventId: number | null;
  readonly lineId: string | null;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: number;
  readonly expiresAt: number;
  readonly deliveredAt: number | null;
  readonly createdAt: number;
  readonly lockedUntil: number | null;
}

export interface NewDelivery {
  readonly subscriptionKey: number;
  readonly eventId: number | null;
  readonly lineId: string | null;
  readonly type: string;
  readonly now: number;
  readonly expiresAt: number;
  readonly queuedAt: number;
  /** A delivery made to be sent at once by this process (a ping) is created claimed. */
  readonly claim?: { readonly owner: string; readonly until: number };
}

/** What a settled attempt leaves on the row. */
export interface Settlement {
  readonly id: number;
  readonly status: DeliveryStatus;
  /** False when the delivery was settled without sending (it expired while it waited). */
  readonly attempted: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly nextAttemptAt: number;
  readonly deliveredAt: number | null;
}

const toDelivery = (r: Selectable<WebhookDeliveriesTable>): StoredDelivery => ({
  id: Number(r.id),
  subscriptionKey: Number(r.subscription_key),
  eventId: r.event_id === null ? null : Number(r.event_id),
  lineId: r.line_id,
  type: r.type,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  nextAttemptAt: Number(r.next_attempt_at),
  expiresAt: Number(r.expires_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  createdAt: Number(r.created_at),
  lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
});

const row = (d: NewDelivery) => ({
  subscription_key: d.subscriptionKey,
  event_id: d.eventId,
  line_id: d.lineId,
  type: d.type,
  status: 'pending',
  attempts: 0,
  last_status_code: null,
  last_error: null,
  next_attempt_at: d.now,
  expires_at: d.expiresAt,
  delivered_at: null,
  created_at: d.now,
  queued_at: d.queuedAt,
  locked_by: d.claim?.owner ?? null,
  locked_until: d.claim?.until ?? null,
});

export async function insertDeliveries(db: Executor, deliveries: readonly NewDelivery[]): Promise<void> {
  for (const part of chunks(deliveries, 500)) await db.insertInto('webhook_deliveries').values(part.map(row)).execute();
}

export async function insertDelivery(db: Executor, d: NewDelivery): Promise<StoredDelivery> {
  const r = await db.insertInto('webhook_deliveries').values(row(d)).returningAll().executeTakeFirstOrThrow();
  return toDelivery(r);
}

/** A place in a subscription's due deliveries, in the order they are claimed. */
export interface DueKey {
  readonly nextAttemptAt: number;
  readonly id: number;
}

/**
 * Where a scan of the due index starts: at `from` on PostgreSQL, which keeps the index entries of settled rows until
 * a vacuum, so a scan from the start reads past every delivery settled since (thousands a second while a backlog
 * drains). SQLite removes an entry as its row changes and always reads from the start.
 */
function dueFrom(db: Executor, from: DueKey | undefined) {
  return from === undefined || isSqlite(db) ? sql`` : sql`and (d.next_attempt_at, d.id) >= (${from.nextAttemptAt}, ${from.id})`;
}

/**
 * Claims up to `limit` due deliveries of one subscription for `owner` until `until`, oldest due first, each the
 * earliest pending event of its line for this subscription. With `from`, only deliveries at or after that place
 * (see dueFrom): what lies before it waits for a claim without.
 */
export async function claimDue(
  db: Executor,
  q: { subscriptionKey: number; owner: string; now: number; until: number; limit: number; from?: DueKey },
): Promise<StoredDelivery[]> {
  const lock = isSqlite(db) ? sql`` : sql`for update skip locked`;
  const r = await sql<Selectable<WebhookDeliveriesTable>>`
    with due as (
      select d.id from webhook_deliveries d
      where d.subscription_key = ${q.subscriptionKey} and d.status = 'pending' and d.next_attempt_at <= ${q.now} ${dueFrom(db, q.from)}
        and (d.locked_until is null or d.locked_until < ${q.now})
        -- A correlated LIMIT 1 lookup, not NOT EXISTS: PostgreSQL turns NOT EXISTS into an anti join, which on a
        -- table that grew since its statistics were taken may scan every pending row per candidate.
        and (select p.id from webhook_deliveries p
          where p.subscription_key = d.subscription_key and p.line_id = d.line_id and p.status = 'pending' and p.event_id < d.event_id
          limit 1) is null
      order by d.next_attempt_at, d.id
      limit ${q.limit}
      ${lock})
    update webhook_deliveries set locked_by = ${q.owner}, locked_until = ${q.until}
    where id in (select id from due)
    returning *`.execute(db);
  return r.rows.map(toDelivery).sort((a, b) => a.id - b.id);
}

/**
 * Claims one delivery to send it now (redelivery): it becomes pending again with a fresh window. Undefined when
 * another process holds it (it is being sent right now) or it does not exist.
 */
export async function claimForRedelivery(
  db: Executor,
  q: { subscriptionKey: number; id: number; owner: string; now: number; until: number; expiresAt: number },
): Promise<StoredDelivery | undefined> {
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: q.now, expires_at: q.expiresAt, locked_by: q.owner, locked_until: q.until })
    .where('id', '=', q.id)
    .where('subscription_key', '=', q.subscriptionKey)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', q.now)]))
    .returningAll()
    .executeTakeFirst();
  return r && toDelivery(r);
}

/** Records attempts of deliveries this owner claimed; a row whose claim was taken over meanwhile is left alone. */
export async function settleDeliveries(db: Executor, owner: string, settlements: readonly Settlement[]): Promise<void> {
  if (isSqlite(db)) {
    for (const s of settlements) {
      await sql`update webhook_deliveries set status = ${s.status}, attempts = attempts + ${s.attempted ? 1 : 0},
          last_status_code = ${s.statusCode}, last_error = ${s.error}, next_attempt_at = ${s.nextAttemptAt},
          delivered_at = coalesce(${s.deliveredAt}, delivered_at), locked_by = null, locked_until = null
        where id = ${s.id} and locked_by = ${owner}`.execute(db);
    }
    return;
  }
  // Driven by the settlements, each row found by its key: joined to a VALUES list and also filtered by `id = any(...)`,
  // the planner estimated one row and rescanned the list for every row it updated (500 rows took 130 ms, not 4).
  for (const part of chunks(settlements, 500)) {
    await sql`
      update webhook_deliveries d set status = v.status, attempts = d.attempts + v.attempted, last_status_code = v.code,
        last_error = v.error, next_attempt_at = v.next_at, delivered_at = coalesce(v.delivered_at, d.delivered_at),
        locked_by = null, locked_until = null
      from unnest(${part.map((s) => s.id)}::bigint[], ${part.map((s) => s.status)}::text[], ${part.map((s) => (s.attempted ? 1 : 0))}::integer[],
        ${part.map((s) => s.statusCode)}::integer[], ${part.map((s) => s.error)}::text[], ${part.map((s) => s.nextAttemptAt)}::bigint[],
        ${part.map((s) => s.deliveredAt)}::bigint[]) as v (id, status, attempted, code, error, next_at, delivered_at)
      where d.id = v.id and d.locked_by = ${owner}`.execute(db);
  }
}

/** Gives claims back without an attempt (a process stopping before it sent them). */
export async function releaseClaims(db: Executor, owner: string, ids: readonly number[]): Promise<void> {
  for (const part of chunks(ids, 500)) {
    await db.updateTable('webhook_deliveries').set({ locked_by: null, locked_until: null }).where('id', 'in', part).where('locked_by', '=', owner).execute();
  }
}

export async function getDelivery(db: Executor, subscriptionKey: number, id: number): Promise<StoredDelivery | undefined> {
  const r = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).where('subscription_key', '=', subscriptionKey).executeTakeFirst();
  return r && toDelivery(r);
}

/** A subscription's delivery log, newest first. */
export async function listDeliveries(
  db: Executor,
  subscriptionKey: number,
  q: { before?: number; limit: number; status?: DeliveryStatus },
): Promise<Page<StoredDelivery>> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('subscription_key', '=', subscriptionKey).orderBy('id', 'desc').limit(q.limit + 1);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  return pageOf(await query.execute(), q.limit, toDelivery, (r) => [Number(r.id)]);
}

/**
 * Refreshes PostgreSQL's statistics of the delivery table (SQLite plans without them). Fanning out a burst of
 * events grows it by many rows in seconds, far faster than autovacuum re-analyzes, and plans made for a table
 * believed empty scan it whole.
 */
export async function analyzeDeliveries(db: Executor): Promise<void> {
  if (!isSqlite(db)) await sql`analyze webhook_deliveries`.execute(db);
}

/**
 * True when a subscription has a delivery due and free to claim (a cheap read before the claim's write); with
 * `from`, one at or after that place (see dueFrom).
 */
export async function hasDue(db: Executor, subscriptionKey: number, now: number, from?: DueKey): Promise<boolean> {
  const r = await sql<{ id: number }>`
    select d.id from webhook_deliveries d
    where d.subscription_key = ${subscriptionKey} and d.status = 'pending' and d.next_attempt_at <= ${now} ${dueFrom(db, from)}
      and (d.locked_until is null or d.locked_until < ${now})
    order by d.next_attempt_at, d.id
    limit 1`.execute(db);
  return r.rows.length > 0;
}

/**
 * Deletes settled deliveries created before `cutoff` (and pending ones whose window closed before it), looking
 * only at the `limit` oldest rows; answers how many went.
 */
export async function pruneDeliveries(db: Executor, cutoff: number, limit: number): Promise<number> {
  const r = await sql`delete from webhook_deliveries where id in (
      select id from (select id, status, created_at, expires_at from webhook_deliveries order by id limit ${limit}) as head
      where head.created_at < ${cutoff} and (head.status <> 'pending' or head.expires_at < ${cutoff}))`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Deletes up to `limit` deliveries of a (deleted) subscription; answers how many went. */
export async function deleteDeliveriesOf(db: Executor, subscriptionKey: number, limit: number): Promise<number> {
  const r = await sql`delete from webhook_deliveries where id in (
      select id from webhook_deliveries where subscription_key = ${subscriptionKey} order by id limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
