import type { Kysely } from 'kysely';

/** API keys remember when they were last used, and are revoked by stamping them (a revoked key stays listed nowhere). */
export function apiKeys() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('api_keys').addColumn('last_used_at', 'bigint').execute();
      await db.schema.alterTable('api_keys').addColumn('revoked_at', 'bigint').execute();
      await db.schema.createIndex('api_keys_newest').on('api_keys').columns(['created_at', 'id']).execute();
    },
  };
}
