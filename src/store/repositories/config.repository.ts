/** Small JSON documents (settings, policies, the manual clock), each change audited. */
import { sql } from 'kysely';
import { noteConfiguration } from '../atp-changes.ts';
import type { Executor } from '../database.ts';
import { selectRows } from '../direct-reads.ts';
import { pageOf } from './pagination.ts';
import type { StoreDialect } from '../dialect/store-dialect.ts';
import type { Page } from './pagination.ts';

export async function readConfig<T>(db: Executor, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('config').select('value').where('key', '=', key).executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.value) as T);
}

/**
 * Locks a document for the rest of the transaction (read-modify-write without lost updates across processes);
 * the row is created empty first if it does not exist yet, so there is always a row to lock.
 */
export async function lockConfig(db: Executor, store: StoreDialect, key: string, now: number): Promise<void> {
  await db.insertInto('config').values({ key, value: '{}', updated_at: now }).onConflict((oc) => oc.column('key').doNothing()).execute();
  await store.lockRow(db, 'config', 'key', key);
}

const VERSION_KEY = '_version';

/**
 * Counts changes of what intake and the jobs read at every call (settings, policies, locations), so a process may
 * keep them in memory and re-read them only when the count moved, whichever process wrote.
 */
export async function bumpConfigVersion(db: Executor, now: number): Promise<void> {
  // Every ATP answer reads the settings and locations: answers kept in memory go, here and elsewhere, at the commit.
  noteConfiguration(db);
  await db
    .insertInto('config')
    .values({ key: VERSION_KEY, value: '1', updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(config.value as bigint) + 1 as text)`, updated_at: now }))
    .execute();
}

export async function readConfigVersion(db: Executor): Promise<string> {
  const [row] = await selectRows(db, db.selectFrom('config').select('value').where('key', '=', VERSION_KEY));
  return row?.value ?? '0';
}

/** Stores a document and its audit row (who, when, before, after). */
export async function writeConfig(db: Executor, key: string, value: unknown, before: unknown, actor: string, now: number): Promise<void> {
  await bumpConfigVersion(db, now);
  const text = JSON.stringify(value);
  await db
    .insertInto('config')
    .values({ key, value: text, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: now }))
    .execute();
  await db
    .insertInto('config_audit')
    .values({ key, actor, at: now, before: before === undefined ? null : JSON.stringify(before), after: text })
    .execute();
}

export interface AuditEntry {
  readonly id: number;
  readonly key: string;
  readonly actor: string;
  readonly at: number;
  readonly before: unknown;
  readonly after: unknown;
}

/** Audit rows of one document, newest first. */
export async function listConfigAudit(db: Executor, key: string, q: { before?: number; limit: number }): Promise<Page<AuditEntry>> {
  let query = db.selectFrom('config_audit').selectAll().where('key', '=', key).orderBy('id', 'desc').limit(q.limit + 1);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return pageOf(
    await query.execute(),
    q.limit,
    (r) => ({ id: r.id, key: r.key, actor: r.actor, at: r.at, before: r.before === null ? null : JSON.parse(r.before), after: JSON.parse(r.after) }),
    (r) => [r.id],
  );
}
