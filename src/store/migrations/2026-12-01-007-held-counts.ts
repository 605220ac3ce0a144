import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * `products.held_backorder` and `products.held_preorder`: how many lines of the sku are on each hold, kept in the
 * transaction of every change to its held lines (with `held_version`), and counted from the lines once here. A job
 * run finds its next skus from them, through the partial index of skus with held lines, instead of walking the
 * held lines themselves (on PostgreSQL, with every line a run moved still in the index until a vacuum).
 */
export function heldCounts() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      for (const column of ['held_backorder', 'held_preorder']) {
        await db.schema.alterTable('products').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute();
      }
      await sql`update products set
        held_backorder = (select count(*) from order_lines l where l.sku = products.sku and l.status_reason = 'BackorderHold'),
        held_preorder = (select count(*) from order_lines l where l.sku = products.sku and l.status_reason = 'PreorderHold')`.execute(db);
      await db.schema
        .createIndex('products_held')
        .on('products')
        .column('sku')
        .where(sql<boolean>`held_backorder > 0 or held_preorder > 0`)
        .execute();
    },
  };
}
