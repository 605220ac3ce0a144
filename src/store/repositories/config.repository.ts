/** Small JSON documents (settings, policies, the manual clock), each change audited. */
import type { Executor } from '../database.ts';

export async function readConfig<T>(db: Executor, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('config').select('value').where('key', '=', key).executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.value) as T);
}

/** Stores a document and its audit row (who, when, before, after). */
export async function writeConfig(db: Executor, key: string, value: unknown, before: unknown, actor: string, now: number): Promise<void> {
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

export async function listConfigAudit(db: Executor, key: string, limit: number): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('config_audit').selectAll().where('key', '=', key).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, key: r.key, actor: r.actor, at: r.at, before: r.before === null ? null : JSON.parse(r.before), after: JSON.parse(r.after) }));
}
