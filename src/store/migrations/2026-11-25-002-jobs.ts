import type { Kysely } from 'kysely';
import { withSerialId } from './dialect-types.ts';
import type { SqlDialect } from './dialect-types.ts';

/** Job runs with their per-line records, and one lease row per job type. */
export function jobs(dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('job_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_type', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('skus', 'text')
        .addColumn('processed', 'integer', (c) => c.notNull())
        .addColumn('moved_to_fulfillment', 'integer', (c) => c.notNull())
        .addColumn('moved_to_backorder', 'integer', (c) => c.notNull())
        .addColumn('still_on_hold', 'integer', (c) => c.notNull())
        .addColumn('canceled', 'integer', (c) => c.notNull())
        .addColumn('failed_records', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('job_runs_newest').on('job_runs').columns(['started_at', 'id']).execute();
      await db.schema.createIndex('job_runs_type').on('job_runs').columns(['job_type', 'started_at']).execute();

      await withSerialId(db.schema.createTable('job_run_records'), dialect)
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('line_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('from_reason', 'text', (c) => c.notNull())
        .addColumn('to_reason', 'text', (c) => c.notNull())
        .addColumn('inventory_availability_date', 'text')
        .addColumn('estimated_shipment_date', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('job_run_records_run').on('job_run_records').columns(['run_id', 'id']).execute();

      await db.schema
        .createTable('job_leases')
        .addColumn('job_type', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text')
        .addColumn('owner', 'text')
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
