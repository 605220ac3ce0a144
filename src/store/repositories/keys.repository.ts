/** API keys: stored by the SHA-256 of the key, never the key itself. */
import type { Selectable } from 'kysely';
import type { Executor } from '../database.ts';
import type { ApiKeysTable } from '../tables/config.table.ts';
import { pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';

export interface ApiKeyRecord {
  readonly id: string;
  readonly role: string;
  readonly label: string | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

const toKey = (r: Pick<Selectable<ApiKeysTable>, 'id' | 'role' | 'label' | 'created_at' | 'last_used_at'>): ApiKeyRecord => ({
  id: r.id,
  role: r.role,
  label: r.label,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

const COLUMNS = ['id', 'role', 'label', 'created_at', 'last_used_at'] as const;

/** Stores a key; the same key stored again (HOLDFAST_ADMIN_KEY at every start) takes the role and is live again. */
export async function insertApiKey(db: Executor, key: Omit<ApiKeyRecord, 'lastUsedAt'> & { hash: string }): Promise<ApiKeyRecord> {
  await db
    .insertInto('api_keys')
    .values({ id: key.id, role: key.role, key_hash: key.hash, label: key.label, created_at: key.createdAt, last_used_at: null, revoked_at: null })
    .onConflict((oc) => oc.column('key_hash').doUpdateSet({ role: key.role, revoked_at: null }))
    .execute();
  const row = await db.selectFrom('api_keys').select(COLUMNS).where('key_hash', '=', key.hash).executeTakeFirstOrThrow();
  return toKey(row);
}

/** The live (not revoked) key with this hash. */
export async function findApiKeyByHash(db: Executor, hash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').select(COLUMNS).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
  return row && toKey(row);
}

/** Live keys, newest first. */
export async function listApiKeys(db: Executor, q: { after?: [number, string]; limit: number }): Promise<Page<ApiKeyRecord>> {
  let query = db.selectFrom('api_keys').select(COLUMNS).where('revoked_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  const after = q.after;
  if (after !== undefined) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after[0], after[1])));
  return pageOf(await query.execute(), q.limit, toKey, (r) => [r.created_at, r.id]);
}

/**
 * Revokes a live key, unless it is the last live admin key (then nobody could manage keys over HTTP): answers the
 * key, `'last admin'`, or undefined when there is no live key with this id. Run it in a transaction: it first
 * locks the live admin keys (a no-op update), so two revokes of the last two admin keys cannot both pass.
 */
export async function revokeApiKey(trx: Executor, id: string, at: number): Promise<ApiKeyRecord | 'last admin' | undefined> {
  const row = await trx.selectFrom('api_keys').select(COLUMNS).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  if (row.role === 'admin') {
    await trx.updateTable('api_keys').set({ revoked_at: null }).where('role', '=', 'admin').where('revoked_at', 'is', null).execute();
    const others = await trx
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .where('id', '<>', id)
      .executeTakeFirstOrThrow();
    if (Number(others.n) === 0) return 'last admin';
  }
  const revoked = await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(revoked.numUpdatedRows) === 1 ? toKey(row) : undefined;
}

/** Records a use, at most once per `minGapMs` per key (one cheap update, skipped when recent). */
export async function touchApiKey(db: Executor, id: string, at: number, minGapMs: number): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at - minGapMs), eb('last_used_at', '>', at)]))
    .execute();
}
