/**
 * ATP answered from memory on PostgreSQL (src/store/atp-memory.ts): after every kind of write the service answers
 * what a fresh read of the database answers, and it did answer from memory in between; another process's writes
 * reach its memory through their notices within moments; and a Holdfast process that goes away without saying so
 * (one that may have died between a commit and its notice) makes the others forget all, even one gone before they
 * looked, where one that closes cleanly does not.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import type { Service } from '../../src/service.ts';
import { queryAtp, queryAtpAnywhere } from '../../src/app/inventory/query-atp.ts';
import type { AppContext } from '../../src/app/context.ts';
import { NOTICES_APPLICATION, openDatabase } from '../../src/store/database.ts';
import type { Database } from '../../src/store/database.ts';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { prng } from '../jobs/seed.ts';
import { SCENARIO_SETTINGS, T0, TODAY, addDays, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules } from '../fixtures/seed.ts';

const SKUS = ['AM-1', 'AM-2', 'AM-3', 'AM-PRE'];

describe.runIf(DATABASE_KINDS.includes('postgres'))('ATP answered from memory on PostgreSQL', () => {
  let t: TestService;
  /** The same database without memory: every answer read. */
  let plain: Database;
  let plainCtx: AppContext;

  beforeAll(async () => {
    t = await startTestService('postgres', { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 } });
    await seedProducts(t, { 'AM-1': {}, 'AM-2': {}, 'AM-3': {}, 'AM-PRE': { preorderEligible: true, launchDate: addDays(TODAY, 10) } });
    await patchSettings(t, SCENARIO_SETTINGS);
    await seedOnHand(t, [
      ['AM-1', 'EAST', 5],
      ['AM-2', 'WEST', 2],
    ]);
    await seedSchedules(t, [
      { sku: 'AM-1', locationId: 'EAST', date: addDays(TODAY, 3), quantity: 4 },
      { sku: 'AM-2', locationId: 'WEST', date: addDays(TODAY, 6), quantity: 8 },
      { sku: 'AM-3', locationId: 'EAST', date: addDays(TODAY, 12), quantity: 6 },
      { sku: 'AM-PRE', locationId: 'WEST', date: addDays(TODAY, 12), quantity: 20 },
    ]);
    plain = openDatabase({ url: t.databaseUrl });
    plainCtx = { ...t.service.ctx, database: plain };
  });
  afterAll(async () => {
    await plain?.close();
    await t?.close();
  });

  /** Every sku at every location and anywhere: the service's answers equal those read afresh. */
  const expectCurrent = async (step: string) => {
    for (const sku of SKUS) {
      const quantity = 1 + (sku.length % 3);
      for (const locationId of ['EAST', 'WEST']) {
        const r = await t.api('GET', `/api/atp?sku=${sku}&locationId=${locationId}&quantity=${quantity}`);
        expectStatus(r, 200);
        expect(r.body, `${step}: ${sku} at ${locationId}`).toEqual(JSON.parse(JSON.stringify(await queryAtp(plainCtx, sku, locationId, quantity))));
      }
      const anywhere = await t.api('GET', `/api/atp?sku=${sku}&quantity=${quantity}`);
      expectStatus(anywhere, 200);
      const fresh = await queryAtpAnywhere(plainCtx, sku, quantity);
      expect(anywhere.body, `${step}: ${sku} anywhere`).toMatchObject({ earliestDate: fresh.earliestDate, locationId: fresh.locationId });
    }
  };
  const stats = () => t.service.ctx.database.atpMemory()!;

  it('answers what a fresh read answers after every kind of write, and answers from memory in between', async () => {
    const random = prng(20261206);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const orders: string[] = [];
    const scheduleIds: string[] = [];
    let n = 0;
    await expectCurrent('start');
    const before = stats();
    const steps: Record<string, () => Promise<unknown>> = {
      order: async () => orders.push((await placeOrder(t, `AM-O-${++n}`, [[pick(SKUS), 1 + Math.floor(random() * 4)]])).id),
      cancel: async () => {
        const id = orders.splice(Math.floor(random() * orders.length), 1)[0];
        if (id !== undefined) expectStatus(await t.api('POST', `/api/orders/${id}/cancel`), [200, 409]);
      },
      onHand: () => seedOnHand(t, [[pick(SKUS), pick(['EAST', 'WEST']), Math.floor(random() * 9)]]),
      adjust: async () =>
        expectStatus(await t.api('POST', '/api/inventory/adjustments', [{ sku: pick(SKUS), locationId: pick(['EAST', 'WEST']), delta: 1 + Math.floor(random() * 3) }]), [200, 201]),
      schedule: async () =>
        scheduleIds.push(...(await seedSchedules(t, [{ sku: pick(SKUS), locationId: pick(['EAST', 'WEST']), date: addDays(TODAY, 1 + Math.floor(random() * 30)), quantity: 1 + Math.floor(random() * 5) }])).map((e) => e.id)),
      unschedule: async () => {
        const id = scheduleIds.splice(Math.floor(random() * scheduleIds.length), 1)[0];
        if (id !== undefined) expectStatus(await t.api('DELETE', `/api/inventory/schedules/${id}`), 200);
      },
      run: async () => expectStatus(await t.api('POST', '/api/jobs/backorder/runs?wait=true', {}), 200),
      horizon: () => patchSettings(t, { atpHorizonDays: pick([20, 45, 90]) }),
      location: () => seedLocations(t, { WEST: { priority: pick([2, 3]), handlingDays: 2, active: random() < 0.8 } }),
    };
    const names = Object.keys(steps);
    for (let i = 0; i < 60; i++) {
      const name = i < names.length ? names[i]! : pick(names);
      await steps[name]!();
      await expectCurrent(`step ${i} (${name})`);
    }
    const after = stats();
    // Between writes most answers came from memory: a memory that read every answer would pass the checks above too.
    expect(after.fromMemory - before.fromMemory).toBeGreaterThan(500);
    expect(after.kept).toBeGreaterThan(0);
  });

  it("hears another process's writes within moments", async () => {
    const other: Service = await createService(loadConfig({}, { databaseUrl: t.databaseUrl, manualClock: true, logLevel: 'silent' }), { dispatcher: false });
    try {
      const ask = async (sku: string) => {
        const r = await other.app.inject({ method: 'GET', url: `/api/atp?sku=${sku}&locationId=EAST&quantity=1`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        expect(r.statusCode).toBe(200);
        return r.json();
      };
      // Its memory hears others once its notices' connection listens: from then on it answers from memory.
      await vi.waitFor(
        async () => {
          const before = other.ctx.database.atpMemory()!.fromMemory;
          await ask('AM-1');
          await ask('AM-1');
          expect(other.ctx.database.atpMemory()!.fromMemory).toBeGreaterThan(before);
        },
        { timeout: 10_000, interval: 50 },
      );
      const writes = [
        () => seedOnHand(t, [['AM-1', 'EAST', 17]]),
        // In stock: reserved at EAST, so what EAST has now falls by 3.
        () => placeOrder(t, `AM-X-${Date.now()}`, [['AM-1', 3]]),
        () => seedSchedules(t, [{ sku: 'AM-1', locationId: 'EAST', date: addDays(TODAY, 2), quantity: 11 }]),
        () => patchSettings(t, { atpHorizonDays: 33 }),
      ];
      for (const write of writes) {
        const was = await ask('AM-1');
        await write();
        const now = await queryAtp({ ...plainCtx }, 'AM-1', 'EAST', 1);
        // Each write changes the answer: a memory that kept the old one would fail below.
        expect(JSON.parse(JSON.stringify(now))).not.toEqual(was);
        await vi.waitFor(async () => expect(await ask('AM-1')).toEqual(JSON.parse(JSON.stringify(now))), { timeout: 5_000, interval: 5 });
      }
    } finally {
      await other.close();
    }
  });

  it('forgets all when a Holdfast process goes away unannounced, even before it was looked at, and not when one closes cleanly', async () => {
    const reader = openDatabase({ url: t.databaseUrl, atpMemoryMs: 600_000 });
    const ctx: AppContext = { ...t.service.ctx, database: reader };
    try {
      const kept = () => reader.atpMemory()!.kept;
      /** Listening, then everything kept (the background pass fills the four skus after an answer). */
      const warm = () =>
        vi.waitFor(
          async () => {
            const before = reader.atpMemory()!.fromMemory;
            for (const sku of SKUS) await queryAtp(ctx, sku, 'EAST', 1);
            expect(kept()).toBe(SKUS.length);
            expect(reader.atpMemory()!.fromMemory).toBeGreaterThan(before);
          },
          { timeout: 10_000, interval: 50 },
        );
      await warm();

      // A process closing cleanly (after a write that changed nothing ATP reads): nothing is forgotten.
      const clean = openDatabase({ url: t.databaseUrl });
      await clean.transaction(async (trx) => trx.selectFrom('locations').select('id').execute());
      // Seen by the reader's watch (once a second) before it goes.
      await new Promise((r) => setTimeout(r, 2_500));
      await clean.close();
      await new Promise((r) => setTimeout(r, 2_500));
      expect(kept()).toBe(SKUS.length);

      // A process that looks like Holdfast's, then vanishes without its closing notice: all is forgotten.
      const ghost = new pg.Client({ connectionString: t.databaseUrl, application_name: NOTICES_APPLICATION });
      await ghost.connect();
      ghost.on('error', () => undefined);
      const pid = (await ghost.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      // Seen by the reader's watch (once a second) before it goes.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(kept()).toBe(SKUS.length);
      await plain.db.selectNoFrom((eb) => eb.fn<boolean>('pg_terminate_backend', [eb.val(pid)]).as('done')).execute();
      await vi.waitFor(() => expect(kept()).toBe(0), { timeout: 5_000, interval: 20 });
      await ghost.end().catch(() => undefined);

      // One that says it started and is gone within milliseconds, before a look (once a second) can see it.
      await warm();
      const brief = new pg.Client({ connectionString: t.databaseUrl, application_name: NOTICES_APPLICATION });
      await brief.connect();
      brief.on('error', () => undefined);
      await brief.query(`select pg_notify('holdfast_atp', 'brief' || chr(30) || 'hello' || chr(30) || pg_backend_pid())`);
      await brief.query('select pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
      await vi.waitFor(() => expect(kept()).toBe(0), { timeout: 5_000, interval: 20 });
      await brief.end().catch(() => undefined);
    } finally {
      await reader.close();
    }
  });
});
