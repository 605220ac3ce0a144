/**
 * The fan-out position: every event up to it has been fanned out, so it must never pass an event that may still
 * commit. On PostgreSQL an event id is drawn before its event commits: a transaction that drew its id early and
 * commits late (a straggler) must still have its event fanned out, and the events after it wait for it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';
import { fanOutEvents } from '../../src/app/webhooks/fan-out.ts';

describe.each(DATABASE_KINDS)('the fan-out position on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 } });
    await seedProducts(t, { 'OF-1': {} });
    await seedOnHand(t, [['OF-1', 'EAST', 500]]);
    await patchSettings(t, SCENARIO_SETTINGS);
    // No dispatcher runs here: the deliveries stay pending, one row per event fanned out.
    expectStatus(await t.api('PUT', '/api/webhooks/position', { url: 'http://127.0.0.1:9/', secret: 'whsec_position_test_0123456789', events: ['*'] }), 201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.service.database.db;
  const fanOut = () => fanOutEvents(t.service.ctx, { now: Date.now(), limit: 100, windowMs: 60_000 });
  const position = async () => Number((await db().selectFrom('webhook_fan_out').select('event_id').executeTakeFirstOrThrow()).event_id);
  const eventIds = async () => (await db().selectFrom('line_events').select('id').orderBy('id').execute()).map((r) => Number(r.id));
  const fannedOut = async () => (await db().selectFrom('webhook_deliveries').select('event_id').orderBy('id').execute()).map((r) => Number(r.event_id));
  /**
   * Fans out until the position reaches `id`. A barrier passes once the write transactions of this database running
   * when it was raised have ended: the service's own writes (a job batch, an order) may hold one for a moment, so
   * this waits up to 10 s rather than counting on a number of fan-outs.
   */
  const fanOutUntil = async (id: number) => {
    const deadline = Date.now() + 10_000;
    while ((await position()) < id && Date.now() < deadline) {
      await fanOut();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await position()).toBeGreaterThanOrEqual(id);
  };

  it('passes each event once, in order, and never an event not written yet', async () => {
    const before = await eventIds();
    for (let round = 0; round < 3; round++) {
      await placeOrder(t, `OF-${round}`, [['OF-1', 1]]);
      const ids = await eventIds();
      expect(await position()).toBeLessThan(Math.max(...ids));
      await fanOutUntil(Math.max(...ids));
      // Nothing new: the position stays where the events end.
      await fanOut();
      expect(await position()).toBe(Math.max(...ids));
    }
    const written = (await eventIds()).filter((id) => !before.includes(id));
    expect(written).toHaveLength(3);
    expect((await fannedOut()).slice(-3)).toEqual(written);
  });

  it('fans out a backlog in batches, oldest first, each event once', async () => {
    const start = await position();
    // One order of 60 lines: 60 events, more than one fan-out transaction takes (at least 50).
    await placeOrder(t, 'OF-batch', Array.from({ length: 60 }, () => ['OF-1', 1] as const));
    const ids = (await eventIds()).filter((id) => id > start);
    expect(ids).toHaveLength(60);
    const sizes: number[] = [];
    const deadline = Date.now() + 10_000;
    while ((await position()) < Math.max(...ids) && Date.now() < deadline) {
      const r = await fanOutEvents(t.service.ctx, { now: Date.now(), limit: 5, windowMs: 60_000 });
      if (r.events > 0) sizes.push(r.events);
      expect(r.full).toBe(r.events === 50);
    }
    expect(sizes).toEqual([50, 10]);
    expect((await fannedOut()).filter((id) => id > start)).toEqual(ids);
  });

  it.runIf(kind === 'postgres')('waits for a writer that drew its event id before events that committed first', async () => {
    // The straggler: a transaction that writes an event the way every writer does (its transaction id taken in the
    // statement that draws the event id) and stays open while later orders commit.
    const straggler = new pg.Client({ connectionString: t.databaseUrl });
    await straggler.connect();
    try {
      const from = await position();
      await straggler.query('begin');
      const drawn = await straggler.query<{ id: string }>(
        `insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data)
         select 'OF-x', 'OF-x-1', 'OF-1', 'line.released', 'BackorderHold', 'AwaitingFulfillment', 0, '{}' where pg_current_xact_id() is not null returning id`,
      );
      const early = Number(drawn.rows[0]!.id);
      expect(early).toBeGreaterThan(from);

      for (let round = 0; round < 3; round++) {
        await placeOrder(t, `OF-late-${round}`, [['OF-1', 1]]);
        for (let i = 0; i < 3; i++) await fanOut();
        // The later events committed, but the position waits below the straggler's id.
        expect(await position()).toBeLessThan(early);
      }
      const later = (await eventIds()).filter((id) => id > early);
      expect(later).toHaveLength(3);
      expect((await fannedOut()).filter((id) => id > from)).toEqual([]);

      await straggler.query('commit');
      await fanOutUntil(Math.max(...later));
      // Every event, the straggler's first, in id order, once each.
      expect((await fannedOut()).filter((id) => id > from)).toEqual([early, ...later]);
    } finally {
      await straggler.end();
    }
  });

  it.runIf(kind === 'postgres')('passes an event id drawn by a writer that rolled back', async () => {
    const straggler = new pg.Client({ connectionString: t.databaseUrl });
    await straggler.connect();
    try {
      await straggler.query('begin');
      const drawn = await straggler.query<{ id: string }>(
        `insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data)
         select 'OF-y', 'OF-y-1', 'OF-1', 'line.released', 'BackorderHold', 'AwaitingFulfillment', 0, '{}' where pg_current_xact_id() is not null returning id`,
      );
      const lost = Number(drawn.rows[0]!.id);
      await placeOrder(t, 'OF-after-rollback', [['OF-1', 1]]);
      await straggler.query('rollback');
      const last = Math.max(...(await eventIds()));
      expect(last).toBeGreaterThan(lost);
      await fanOutUntil(last);
      expect(await fannedOut()).not.toContain(lost);
      expect(await fannedOut()).toContain(last);
    } finally {
      await straggler.end();
    }
  });
});
