import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { withSerialId } from './dialect-types.ts';
import type { SqlDialect } from './dialect-types.ts';

/** Catalog, stock, schedules, orders with their lines, history and outbox, configuration and keys. */
export function initial(dialect: SqlDialect) {
  // SQLite keys a text primary key twice (rowid table plus index) unless told otherwise: one b-tree is enough.
  const withoutRowid = <T extends { modifyEnd(e: RawBuilder<unknown>): T }>(table: T): T => (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('products')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('preorder_eligible', 'integer', (c) => c.notNull())
        .addColumn('launch_date', 'text')
        .addColumn('allow_backorder', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('locations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('handling_days', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('stock')
        .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
        .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
        .addColumn('on_hand', 'bigint', (c) => c.notNull().check(sql`on_hand >= 0`))
        .addColumn('reserved', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`reserved >= 0`))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_pk', ['sku', 'location_id'])
        .execute();

      await withSerialId(db.schema.createTable('schedule_entries'), dialect)
        .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
        .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity <> 0`))
        .addColumn('reference', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('schedule_entries_sku_date').on('schedule_entries').columns(['sku', 'date']).execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('external_id', 'text', (c) => c.notNull().unique())
        .addColumn('idempotency_key', 'text')
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('ordered_at', 'bigint', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('ship_country', 'text')
        .addColumn('ship_region', 'text')
        .addColumn('ship_postal_code', 'text')
        .$call(withoutRowid)
        .execute();
      await db.schema.createIndex('orders_idempotency_key').on('orders').column('idempotency_key').unique().where('idempotency_key', 'is not', null).execute();
      await db.schema.createIndex('orders_newest').on('orders').columns(['ordered_at', 'id']).execute();

      await db.schema
        .createTable('order_lines')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 1`))
        .addColumn('location_id', 'text')
        .addColumn('status_reason', 'text', (c) => c.notNull())
        .addColumn('inventory_availability_date', 'text')
        .addColumn('estimated_shipment_date', 'text')
        .addColumn('launch_date', 'text')
        .addColumn('backordered_at', 'bigint')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('ordered_at', 'bigint', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('ship_country', 'text')
        .addColumn('ship_region', 'text')
        .addUniqueConstraint('order_lines_number', ['order_id', 'line_number'])
        .$call(withoutRowid)
        .execute();
      await db.schema.createIndex('order_lines_newest').on('order_lines').columns(['ordered_at', 'id']).execute();
      await db.schema.createIndex('order_lines_sku').on('order_lines').columns(['sku', 'status_reason']).execute();
      await db.schema.createIndex('order_lines_reason').on('order_lines').columns(['status_reason', 'ordered_at']).execute();
      // Held lines by sku: what intake sums as promised and what the jobs walk.
      await db.schema
        .createIndex('order_lines_held')
        .on('order_lines')
        .columns(['sku', 'location_id'])
        .where(sql.ref('status_reason'), 'in', [sql.lit('PreorderHold'), sql.lit('BackorderHold')])
        .execute();

      await withSerialId(db.schema.createTable('line_events'), dialect)
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('line_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('from_reason', 'text', (c) => c.notNull())
        .addColumn('to_reason', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('line_events_order').on('line_events').columns(['order_id', 'id']).execute();

      await withSerialId(db.schema.createTable('outbox'), dialect)
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('config')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await withSerialId(db.schema.createTable('config_audit'), dialect)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
