import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { withSerialId } from './dialect-types.ts';
import type { SqlDialect } from './dialect-types.ts';

/**
 * Webhooks: subscriptions, one delivery row per (subscription, event) with its attempts, and a mark on each
 * outbox row once the dispatcher has fanned it out to the subscriptions.
 */
export function webhooks(dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('dispatched_at', 'bigint').execute();
      // What the dispatcher has still to fan out, oldest first (and the outbox lag).
      await db.schema.createIndex('outbox_undispatched').on('outbox').column('id').where(sql.ref('dispatched_at'), 'is', null).execute();

      // `key` is internal and never reused: deliveries hang on it, so a subscription deleted and created again
      // under the same id does not inherit the old one's deliveries.
      await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('key', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('description', 'text')
        // The subscription gets the events whose outbox id is above this: those after its creation.
        .addColumn('after_outbox_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // Set on delete; the row stays until the pruner has removed its deliveries.
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('webhook_subscriptions_id')
        .on('webhook_subscriptions')
        .column('id')
        .unique()
        .where(sql.ref('deleted_at'), 'is', null)
        .execute();

      await withSerialId(db.schema.createTable('webhook_deliveries'), dialect)
        .addColumn('subscription_key', 'bigint', (c) => c.notNull())
        // The line event delivered (null for a ping) and its line, which orders a subscription's deliveries.
        .addColumn('event_id', 'bigint')
        .addColumn('line_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        // Dispatcher time (real milliseconds): when to try next, until when to try, when it arrived.
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // The event's time on the service clock (the outbox row's created_at): what the outbox lag measures.
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        // A claim: the process sending it, until when. An expired claim is taken again.
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .execute();
      const pending = sql.ref('status');
      // Due deliveries of a subscription, in the order they are claimed.
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['subscription_key', 'next_attempt_at', 'id'])
        .where(pending, '=', sql.lit('pending'))
        .execute();
      // A line's earlier pending event for the same subscription holds its later ones back.
      await db.schema
        .createIndex('webhook_deliveries_line')
        .on('webhook_deliveries')
        .columns(['subscription_key', 'line_id', 'event_id'])
        .where(pending, '=', sql.lit('pending'))
        .execute();
      // Never-tried deliveries by age: the outbox lag.
      await db.schema
        .createIndex('webhook_deliveries_untried')
        .on('webhook_deliveries')
        .column('queued_at')
        .where((eb) => eb.and([eb(pending, '=', sql.lit('pending')), eb(sql.ref('attempts'), '=', sql.lit(0))]))
        .execute();
      // The delivery log, newest first, and the pruning of a deleted subscription's rows.
      await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['subscription_key', 'id']).execute();
    },
  };
}
