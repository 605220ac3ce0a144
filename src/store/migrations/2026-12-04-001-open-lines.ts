import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect-types.ts';

/**
 * Keeps a line's status out of every index of `order_lines` while the line is open (New, held or
 * AwaitingFulfillment), so the update that releases or re-dates a held line changes no indexed value. On
 * PostgreSQL such an update stays on its page (HOT) and writes no index entry; with the status in the indexes,
 * four new index entries per released line were most of a job run's database time.
 *  - `order_lines.settled_reason`: the status reason once the line is settled (shipped or canceled), null while
 *    it is open. Generated from `status_reason` by the database, so no writer can forget it.
 *  - `order_lines_open` (sku) over the open lines: how job runs, ATP explanations and the Home screen find held
 *    lines (held lines are open lines with a held status). A release keeps the line in it.
 *  - `order_lines_settled` (settled_reason, ordered_at, id) over the settled lines: the status list of a settled
 *    status. The open statuses are listed from the newest-first index, as before.
 */
export function openLines(dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const settled = `case when status_reason in ('Shipped', 'CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock') then status_reason end`;
      await db.schema.dropIndex('order_lines_reason').execute();
      await db.schema.dropIndex('order_lines_held').execute();
      // PostgreSQL stores the value (an update that leaves it null changes no indexed value); SQLite computes it.
      await sql`alter table order_lines add column settled_reason text generated always as (${sql.raw(settled)}) ${sql.raw(dialect === 'postgres' ? 'stored' : 'virtual')}`.execute(db);
      await db.schema.createIndex('order_lines_open').on('order_lines').column('sku').where(sql.ref('settled_reason'), 'is', null).execute();
      await db.schema
        .createIndex('order_lines_settled')
        .on('order_lines')
        .columns(['settled_reason', 'ordered_at', 'id'])
        .where(sql.ref('settled_reason'), 'is not', null)
        .execute();
    },
  };
}
