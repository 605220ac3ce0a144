import type { Kysely } from 'kysely';

/**
 * `products.held_version`: bumped in the transaction of every change to the sku's held lines (intake, a job's
 * writes, a cancel), so a batch planned from an earlier snapshot can tell, under the sku's lock, whether its held
 * lines are still what it planned from.
 */
export function heldVersion() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('products').addColumn('held_version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}
