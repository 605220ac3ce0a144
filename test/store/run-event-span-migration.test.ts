/**
 * Migration 2026-12-04-003 (a run's events found by the span of their ids): the runs already stored get the span of
 * their events, a run without events gets none, and the index of events by run is gone.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { migratedTo } from '../fixtures/migrations.ts';
import type { MigrationDatabase } from '../fixtures/migrations.ts';

describe.each(DATABASE_KINDS)('the run-event-span migration on %s', (kind) => {
  let open: MigrationDatabase | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });

  it("gives each stored run the span of its events' ids and drops the index by run", async () => {
    open = await migratedTo(kind, '2026-12-04-002-events-outbox');
    const { db, migrator } = open;
    for (const id of ['run_a', 'run_b', 'run_quiet']) {
      await db
        .insertInto('job_runs')
        .values({ id, job_type: 'backorder', trigger: 'manual', status: 'succeeded', started_at: 0, finished_at: 1, heartbeat_at: 0, owner: 'o', skus: null, processed: 0, moved_to_fulfillment: 0, moved_to_backorder: 0, still_on_hold: 0, canceled: 0, failed_records: 0, error: null })
        .execute();
    }
    // Events 1-7: run a wrote 2, 4 and 5, run b wrote 6; the others are intake's.
    const runOf = [null, 'run_a', null, 'run_a', 'run_a', 'run_b', null];
    for (const [i, runId] of runOf.entries()) {
      await db.insertInto('line_events').values({ id: i + 1, order_id: 'O', line_id: `L${i}`, sku: 'S', type: 'line.redated', from_reason: 'BackorderHold', to_reason: 'BackorderHold', at: i, data: '{}', run_id: runId }).execute();
    }
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    const spans = await db.selectFrom('job_runs').select(['id', 'first_event_id', 'last_event_id']).orderBy('id').execute();
    expect(spans.map((r) => [r.id, r.first_event_id === null ? null : Number(r.first_event_id), r.last_event_id === null ? null : Number(r.last_event_id)])).toEqual([
      ['run_a', 2, 5],
      ['run_b', 6, 6],
      ['run_quiet', null, null],
    ]);
    const indexes = kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'line_events'`.execute(db)).rows
      : (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'line_events'`.execute(db)).rows;
    expect(indexes.map((r) => r.name)).not.toContain('line_events_run');
    expect(indexes.map((r) => r.name)).toContain('line_events_line');
  });
});
