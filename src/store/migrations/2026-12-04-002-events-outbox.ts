import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * The line events are the outbox. Every event is already written in the transaction of the change it records; an
 * outbox row beside each (its insert, two index entries, and an update when it was fanned out) was a third of the
 * rows a job run wrote. What the webhook dispatcher needs instead is one position:
 *  - `webhook_fan_out`: one row, `event_id`, below or at which every event has been fanned out to the
 *    subscriptions. It starts just below the oldest event the outbox still had to fan out.
 *  - `webhook_subscriptions.after_event_id` replaces `after_outbox_id`: the subscription gets the events above it,
 *    the newest event its outbox mark covered.
 * Outbox rows were pruned after 7 days; events are the lines' history and stay.
 */
export function eventsOutbox() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('webhook_fan_out')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into webhook_fan_out (id, event_id, updated_at) select 1, coalesce(
          (select min(event_id) - 1 from outbox where dispatched_at is null),
          (select max(id) from line_events),
          0), 0`.execute(db);

      await db.schema.alterTable('webhook_subscriptions').addColumn('after_event_id', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      // Outbox and event ids rise together: the newest event at or below the mark, or, when those rows were pruned,
      // the one just below the oldest row left above it, or else every event there is.
      await sql`update webhook_subscriptions set after_event_id = coalesce(
          (select max(o.event_id) from outbox o where o.id <= webhook_subscriptions.after_outbox_id),
          (select min(o.event_id) - 1 from outbox o where o.id > webhook_subscriptions.after_outbox_id),
          (select max(id) from line_events),
          0)`.execute(db);
      await db.schema.alterTable('webhook_subscriptions').dropColumn('after_outbox_id').execute();
      await db.schema.dropTable('outbox').execute();
    },
  };
}
