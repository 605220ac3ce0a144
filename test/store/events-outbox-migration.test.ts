/**
 * Migration 2026-12-04-002 (the events are the outbox) on a database that has outbox rows: the fan-out position
 * starts just below the oldest event still to fan out, nothing fanned out is sent again, each subscription keeps
 * exactly the events after its mark, and the outbox table is gone.
 */
import { sql } from 'kysely';
import type { Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { migratedTo } from '../fixtures/migrations.ts';
import type { MigrationDatabase } from '../fixtures/migrations.ts';

describe.each(DATABASE_KINDS)('the events-outbox migration on %s', (kind) => {
  let database: MigrationDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  const open = async () => {
    database = await migratedTo(kind, '2026-12-04-001-open-lines');
    return database;
  };
  /** Events 1-`n`, with outbox rows for those in `outbox` (outbox id, event id, fanned out). */
  const seed = async (db: Kysely<any>, n: number, outbox: [number, number, boolean][], subscriptions: [string, number][]) => {
    for (let id = 1; id <= n; id++) {
      await db.insertInto('line_events').values({ id, order_id: 'O', line_id: `L${id}`, sku: 'S', type: 'line.released', from_reason: 'BackorderHold', to_reason: 'AwaitingFulfillment', at: id, data: '{}' }).execute();
    }
    for (const [id, eventId, dispatched] of outbox) {
      await db.insertInto('outbox').values({ id, event_id: eventId, created_at: eventId, dispatched_at: dispatched ? eventId : null }).execute();
    }
    for (const [id, after] of subscriptions) {
      await db.insertInto('webhook_subscriptions').values({ id, url: 'http://127.0.0.1:9/', secret: 'whsec_0123456789abcdef', events: '["*"]', active: 1, description: null, after_outbox_id: after, created_at: 0, updated_at: 0, deleted_at: null }).execute();
    }
  };
  const migrated = async (db: Kysely<any>, migrator: Migrator) => {
    const r = await migrator.migrateToLatest();
    expect(r.error).toBeUndefined();
    const position = Number((await db.selectFrom('webhook_fan_out').select('event_id').executeTakeFirstOrThrow()).event_id);
    const after = Object.fromEntries((await db.selectFrom('webhook_subscriptions').select(['id', 'after_event_id']).execute()).map((s) => [s.id, Number(s.after_event_id)]));
    const tables = kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'outbox'`.execute(db)).rows
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() and tablename = 'outbox'`.execute(db)).rows;
    return { position, after, outboxLeft: tables.length };
  };

  it('starts the position below the oldest event not fanned out, and maps each subscription mark to its event', async () => {
    const { db, migrator } = await open();
    // Events 1-8; 1 and 2 pruned from the outbox long ago; 3-5 fanned out; 6-8 still waiting. Outbox ids differ
    // from event ids (10 + event id).
    await seed(db, 8, [[13, 3, true], [14, 4, true], [15, 5, true], [16, 6, false], [17, 7, false], [18, 8, false]], [['a', 14], ['b', 12], ['c', 18], ['d', 0]]);
    expect(await migrated(db, migrator)).toEqual({
      position: 5,
      // a: up to outbox row 14 (event 4); b: its rows were pruned, so just below the oldest row above it (event 3);
      // c: every event there was; d: nothing fanned out before it, and its mark is below every row left.
      after: { a: 4, b: 2, c: 8, d: 2 },
      outboxLeft: 0,
    });
  });

  it('puts the position after every event when the outbox has nothing waiting, or was pruned empty', async () => {
    const { db, migrator } = await open();
    await seed(db, 5, [[4, 4, true], [5, 5, true]], [['a', 5]]);
    expect(await migrated(db, migrator)).toEqual({ position: 5, after: { a: 5 }, outboxLeft: 0 });
  });

  it('starts an empty database at 0', async () => {
    const { db, migrator } = await open();
    expect(await migrated(db, migrator)).toEqual({ position: 0, after: {}, outboxLeft: 0 });
  });
});
