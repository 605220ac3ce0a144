import type { Executor } from '../database.ts';

export interface ApiKeyRecord {
  readonly id: string;
  readonly role: string;
  readonly label: string | null;
  readonly createdAt: number;
}

export async function insertApiKey(db: Executor, key: ApiKeyRecord & { hash: string }): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({ id: key.id, role: key.role, key_hash: key.hash, label: key.label, created_at: key.createdAt })
    .onConflict((oc) => oc.column('key_hash').doUpdateSet({ role: key.role }))
    .execute();
}

export async function findApiKeyByHash(db: Executor, hash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').select(['id', 'role', 'label', 'created_at']).where('key_hash', '=', hash).executeTakeFirst();
  return row && { id: row.id, role: row.role, label: row.label, createdAt: row.created_at };
}
