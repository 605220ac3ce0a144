/**
 * Webhook subscriptions. A subscription is found by its public `id`; its deliveries hang on the internal `key`.
 * Deleting marks the row, and the pruner removes it once its deliveries are gone.
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Executor } from '../database.ts';
import type { WebhookSubscriptionsTable } from '../tables/webhooks.table.ts';
import { pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';

export interface StoredSubscription {
  readonly key: number;
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly events: string[];
  readonly active: boolean;
  readonly description: string | null;
  readonly afterEventId: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SubscriptionWrite {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly events: readonly string[];
  readonly active: boolean;
  readonly description: string | null;
}

const toSubscription = (r: Selectable<WebhookSubscriptionsTable>): StoredSubscription => ({
  key: Number(r.key),
  id: r.id,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events),
  active: r.active === 1,
  description: r.description,
  afterEventId: Number(r.after_event_id),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function findSubscription(db: Executor, id: string, forUpdate = false): Promise<StoredSubscription | undefined> {
  let q = db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).where('deleted_at', 'is', null);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toSubscription(row);
}

export async function insertSubscription(db: Executor, s: SubscriptionWrite, afterEventId: number, now: number): Promise<void> {
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id: s.id,
      url: s.url,
      secret: s.secret,
      events: JSON.stringify(s.events),
      active: s.active ? 1 : 0,
      description: s.description,
      after_event_id: afterEventId,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
}

export async function updateSubscription(db: Executor, key: number, s: SubscriptionWrite, now: number): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ url: s.url, secret: s.secret, events: JSON.stringify(s.events), active: s.active ? 1 : 0, description: s.description, updated_at: now })
    .where('key', '=', key)
    .execute();
}

export async function markSubscriptionDeleted(db: Executor, key: number, now: number): Promise<void> {
  await db.updateTable('webhook_subscriptions').set({ deleted_at: now }).where('key', '=', key).execute();
}

/** Subscriptions newest first (by creation, then id), after the cursor's (createdAt, id). */
export async function listSubscriptions(db: Executor, q: { after?: [number, string]; limit: number }): Promise<Page<StoredSubscription>> {
  let query = db.selectFrom('webhook_subscriptions').selectAll().where('deleted_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  const after = q.after;
  if (after !== undefined) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after[0], after[1])));
  return pageOf(await query.execute(), q.limit, toSubscription, (r) => [r.created_at, r.id]);
}

/** Every active subscription: what the dispatcher fans events out to and sends for. */
export async function activeSubscriptions(db: Executor): Promise<StoredSubscription[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('deleted_at', 'is', null).where(sql.ref('active'), '=', sql.lit(1)).orderBy('key').execute();
  return rows.map(toSubscription);
}

/** Keys of deleted subscriptions whose rows still wait for the pruner. */
export async function deletedSubscriptionKeys(db: Executor, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('webhook_subscriptions').select('key').where('deleted_at', 'is not', null).orderBy('key').limit(limit).execute();
  return rows.map((r) => Number(r.key));
}

export async function removeSubscriptionRow(db: Executor, key: number): Promise<void> {
  await db.deleteFrom('webhook_subscriptions').where('key', '=', key).where('deleted_at', 'is not', null).execute();
}
