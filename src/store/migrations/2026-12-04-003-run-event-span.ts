import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * A run's events found by the span of their ids, not by an index of their run. A run's records are its events
 * (`line_events.run_id`); the index `line_events_run` on (run_id, id) took an entry of a 36-character key for every
 * event a run wrote, a fifth of what an event cost to insert, to serve one page of a run's records now and then.
 * Now each batch of a run widens `job_runs.first_event_id` and `last_event_id` to the ids of the events it wrote,
 * in its own transaction, and a run's records are the events of that span whose `run_id` is the run's: a scan of
 * the primary key over the run's own ids and whatever intake wrote meanwhile.
 */
export function runEventSpan() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('job_runs').addColumn('first_event_id', 'bigint').execute();
      await db.schema.alterTable('job_runs').addColumn('last_event_id', 'bigint').execute();
      // The runs so far: their span read through the index, once, before it goes.
      await sql`update job_runs set
          first_event_id = (select min(e.id) from line_events e where e.run_id = job_runs.id),
          last_event_id = (select max(e.id) from line_events e where e.run_id = job_runs.id)`.execute(db);
      await db.schema.dropIndex('line_events_run').execute();
    },
  };
}
