import type { Kysely } from 'kysely';
import { withSerialId } from './dialect-types.ts';
import type { SqlDialect } from './dialect-types.ts';

/** What `holdfast doctor --repair` changed: one row per corrected stock row or promised quantity, with who and when. */
export function integrityRepairs(dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await withSerialId(db.schema.createTable('integrity_repairs'), dialect)
        .addColumn('repaired_at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('location_id', 'text', (c) => c.notNull())
        .addColumn('date', 'text')
        .addColumn('before', 'bigint')
        .addColumn('after', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('integrity_repairs_newest').on('integrity_repairs').columns(['repaired_at', 'id']).execute();
    },
  };
}
