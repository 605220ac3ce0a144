/**
 * The fan-out's outbox floor: lookups of the oldest event not fanned out start there, so it must never pass a row
 * that may still commit. On PostgreSQL an outbox id is drawn before its row commits: a transaction that drew its id
 * early and commits late (a straggler) must still have its event fanned out, after the rows fanned out around it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';
import { fanOutEvents, outboxFloor } from '../../src/app/webhooks/fan-out.ts';

describe.each(DATABASE_KINDS)('the outbox floor on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 } });
    await seedProducts(t, { 'OF-1': {} });
    await seedOnHand(t, [['OF-1', 'EAST', 500]]);
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => {
    await t?.close();
  });

  const fanOut = () => fanOutEvents(t.service.ctx, { now: Date.now(), limit: 100, windowMs: 60_000 });
  const outbox = async () =>
    (await t.service.database.db.selectFrom('outbox').select(['id', 'dispatched_at']).orderBy('id').execute()).map((r) => ({ id: Number(r.id), dispatched: r.dispatched_at !== null }));
  const undispatched = async () => (await outbox()).filter((r) => !r.dispatched).map((r) => r.id);
  /**
   * Fans out until the floor is past `id`. A barrier passes once every transaction older than it has ended, on any
   * database of the server (transaction ids are the server's): other test files running meanwhile can hold one
   * open for a moment, so this waits up to 10 s for them rather than counting on a number of fan-outs.
   */
  const fanOutUntilFloorPasses = async (id: number) => {
    const deadline = Date.now() + 10_000;
    while (outboxFloor(t.service.database) <= id && Date.now() < deadline) {
      await fanOut();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(outboxFloor(t.service.database)).toBeGreaterThan(id);
  };

  it('rises behind the rows fanned out, and every event written after it is still fanned out', async () => {
    for (let round = 0; round < 3; round++) {
      await placeOrder(t, `OF-${round}`, [['OF-1', 1]]);
      const rows = await outbox();
      // The floor is never above a row still waiting.
      for (let i = 0; i < 3; i++) {
        const waiting = await undispatched();
        if (waiting.length > 0) expect(outboxFloor(t.service.database)).toBeLessThanOrEqual(Math.min(...waiting));
        await fanOut();
      }
      expect(await undispatched()).toEqual([]);
      // Once a barrier raised after them has passed, the floor is past every row there was.
      await fanOutUntilFloorPasses(Math.max(...rows.map((r) => r.id)));
      expect(await undispatched()).toEqual([]);
    }
  });

  it.runIf(kind === 'postgres')('waits for a writer that drew its outbox id before rows that committed first', async () => {
    // The straggler: a transaction that writes an event with its outbox row (as every writer does, event first)
    // and stays open while later orders commit and are fanned out.
    const straggler = new pg.Client({ connectionString: t.databaseUrl });
    await straggler.connect();
    try {
      await straggler.query('begin');
      const event = await straggler.query<{ id: string }>(
        `insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data) values ('OF-x', 'OF-x-1', 'OF-1', 'line.released', 'BackorderHold', 'AwaitingFulfillment', 0, '{}') returning id`,
      );
      const drawn = await straggler.query<{ id: string }>(`insert into outbox (event_id, created_at) values ($1, 0) returning id`, [event.rows[0]!.id]);
      const early = Number(drawn.rows[0]!.id);

      for (let round = 0; round < 4; round++) {
        await placeOrder(t, `OF-late-${round}`, [['OF-1', 1]]);
        for (let i = 0; i < 3; i++) await fanOut();
        expect(outboxFloor(t.service.database)).toBeLessThanOrEqual(early);
      }
      // Everything that committed is fanned out; the straggler's row is not there yet.
      expect(await undispatched()).toEqual([]);

      await straggler.query('commit');
      expect(await undispatched()).toEqual([early]);
      await fanOut();
      expect(await undispatched()).toEqual([]);
      await placeOrder(t, 'OF-after', [['OF-1', 1]]);
      await fanOutUntilFloorPasses(early);
      expect(await undispatched()).toEqual([]);
    } finally {
      await straggler.end();
    }
  });
});
