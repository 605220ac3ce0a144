/**
 * Two services on one PostgreSQL database, as two `serve` processes would be (SPEC sections 5 and 8): many
 * manual runs fired at both at once, with intake, stock changes and cancellations going on (and the event runs
 * they start). Every run request either ran to its end or got 409; no two runs of a type overlap in time (their
 * [startedAt, finishedAt] intervals, on the system clock, are disjoint); both services ran some; the bars hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import type { Service } from '../../src/service.ts';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { CANCELED, invariantProblems, setupWorld, sleep } from './job-helpers.ts';
import { prng, seedBackorders } from './seed.ts';
import { parseRunOutput, runCli } from './child-process.ts';

const ROUNDS = 30;

describe.runIf(DATABASE_KINDS.includes('postgres'))('two runner services on one postgres database', () => {
  let t: TestService;
  let other: Service;
  beforeAll(async () => {
    const config = { manualClock: false, leaseTimeoutMs: 5_000, jobBatchSkus: 5, eventDebounceMs: 20 };
    t = await startTestService('postgres', { config });
    other = await createService(loadConfig({}, { databaseUrl: t.databaseUrl, logLevel: 'silent', ...config }));
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('never runs one job type twice at once; every request ran or got 409', async () => {
    await setupWorld(t, { products: { 'PRE-1': { preorderEligible: true, launchDate: '2099-01-01' } }, settings: { backorders: true, onHandChangeSchedule: true } });
    const seeded = await seedBackorders(t.service.database.db, { prefix: 'CC', skus: 60, linesPerSku: 10, now: Date.now() - 3_600_000, seed: 9, onHandShare: 0.3, receiptsPerSku: 1 });
    // Launched preorders (launch date today) for the preorder runs to move.
    const today = new Date().toISOString().slice(0, 10);
    const launched = await seedBackorders(t.service.database.db, { prefix: 'CP', skus: 20, linesPerSku: 5, now: Date.now() - 3_600_000, seed: 10, onHandShare: 0.5, preorderLaunchDate: today });
    const apps = [t.service.app, other.app];
    const call = async (i: number, method: string, url: string, body?: unknown) => {
      const res = await apps[i % 2]!.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };

    const answers: { service: number; jobType: string; status: number; run?: any }[] = [];
    const runner = async (service: number) => {
      const rnd = prng(100 + service);
      for (let round = 0; round < ROUNDS; round++) {
        const jobType = rnd() < 0.7 ? 'backorder' : 'preorder';
        const wait = rnd() < 0.5;
        const r = await call(service, 'POST', `/api/jobs/${jobType}/runs${wait ? '?wait=true' : ''}`);
        answers.push({ service, jobType, status: r.status, run: r.body });
        await sleep(Math.floor(rnd() * 15));
      }
    };
    const churn = async (service: number) => {
      const rnd = prng(200 + service);
      const placed: string[] = [];
      for (let i = 0; i < 40; i++) {
        const sku = seeded.skus[Math.floor(rnd() * seeded.skus.length)]!;
        const pick = rnd();
        let r;
        if (pick < 0.4) {
          r = await call(service, 'POST', '/api/inventory/adjustments', [{ sku, locationId: rnd() < 0.5 ? 'EAST' : 'WEST', delta: 1 + Math.floor(rnd() * 4), reference: `churn-${service}-${i}` }]);
        } else if (pick < 0.8) {
          r = await call(service, 'POST', '/api/orders', { externalId: `churn-${service}-${i}`, lines: [{ sku, quantity: 1 + Math.floor(rnd() * 3) }, { sku: 'PRE-1', quantity: 1 }] });
          if (r.status === 201) placed.push(r.body.id);
        } else if (placed.length) {
          // Its PRE-1 line launches in 2099: no run moves it, so the order always has a line left to cancel.
          r = await call(service, 'POST', `/api/orders/${placed.shift()}/cancel`);
        } else {
          continue;
        }
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        await sleep(Math.floor(rnd() * 10));
      }
    };
    await Promise.all([runner(0), runner(1), churn(0), churn(1)]);
    await Promise.all([t.service.jobs.idle(60_000), other.jobs.idle(60_000)]);

    // Every request either started a run (200 ended, or 202) or was refused with 409.
    for (const a of answers) expect([200, 202, 409], JSON.stringify(a.run)).toContain(a.status);
    const ran = answers.filter((a) => a.status !== 409);
    const refused = answers.filter((a) => a.status === 409);
    for (const a of ran.filter((x) => x.status === 200)) expect(a.run.status).toBe('succeeded');
    expect(refused.length, 'runs fired at both services at once must collide sometimes').toBeGreaterThan(0);

    const db = t.service.database.db;
    const runs = await db.selectFrom('job_runs').selectAll().orderBy('started_at').orderBy('id').execute();
    const manual = runs.filter((r) => r.trigger === 'manual');
    expect(manual.map((r) => r.id).sort()).toEqual(ran.map((a) => a.run.id).sort());
    // Each run's counts against its own events (a run's moves are its events with its run_id); canceled may also
    // count lines of its scope that a cancel by request took before their batch (which the churn does).
    const moves = await db.selectFrom('line_events').select(['run_id', 'from_reason', 'to_reason']).where('run_id', 'is not', null).execute();
    for (const r of runs) {
      expect(r.status, `${r.id}: ${r.error}`).toBe('succeeded');
      const own = moves.filter((e) => e.run_id === r.id && e.from_reason !== e.to_reason);
      expect(r.moved_to_fulfillment, `${r.id} releases`).toBe(own.filter((e) => e.to_reason === 'AwaitingFulfillment').length);
      expect(r.moved_to_backorder, `${r.id} moves to backorder`).toBe(own.filter((e) => e.from_reason === 'PreorderHold' && e.to_reason === 'BackorderHold').length);
      expect(r.canceled, `${r.id} cancels`).toBeGreaterThanOrEqual(own.filter((e) => CANCELED.includes(e.to_reason)).length);
      expect(r.failed_records).toBe(0);
      expect(r.processed).toBe(r.moved_to_fulfillment + r.moved_to_backorder + r.still_on_hold + r.canceled + r.failed_records);
    }
    const owners = new Set(manual.map((r) => r.owner));
    expect(owners.size, 'both services ran some').toBe(2);
    for (const jobType of ['backorder', 'preorder']) {
      const ofType = runs.filter((r) => r.job_type === jobType);
      for (let i = 1; i < ofType.length; i++) {
        const prev = ofType[i - 1]!;
        const next = ofType[i]!;
        expect(Number(prev.finished_at), `${jobType} run ${next.id} started before ${prev.id} ended`).toBeLessThanOrEqual(Number(next.started_at));
      }
    }
    expect(await invariantProblems(db)).toEqual([]);
    const stillLaunched = await db.selectFrom('order_lines').select('id').where('status_reason', '=', 'PreorderHold').where('launch_date', '<=', today).execute();
    expect(stillLaunched, 'the preorder runs moved every launched preorder line').toEqual([]);
    const byType = (type: string) => runs.filter((r) => r.job_type === type).length;
    console.log(
      `[concurrent runners on postgres] ${seeded.lines} backordered + ${launched.lines} launched preorder lines seeded; ${answers.length} manual requests over 2 services: ${ran.length} ran, ${refused.length} got 409; ` +
        `job_runs: ${byType('backorder')} backorder (${runs.filter((r) => r.trigger === 'event').length} event-triggered), ${byType('preorder')} preorder, none overlapping`,
    );
  }, 300_000);
});

/**
 * The same bar across processes on every database: `holdfast jobs run` started four at a time (system clock),
 * in waves until some collided. Each child either ran its run to the end (exit 0) or was refused because a run of
 * the type was in progress (exit 1); the runs of a type never overlap; the bars hold.
 */
describe.each(DATABASE_KINDS)('runner processes started together on %s', (kind) => {
  it('lets one run of a type go at a time across processes', async () => {
    const t = await startTestService(kind, { config: { manualClock: false } });
    try {
      await setupWorld(t, { products: {}, settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } } });
      const db = t.service.database.db;
      const hourAgo = Date.now() - 3_600_000;
      const held = await seedBackorders(db, { prefix: 'PX', skus: 150, linesPerSku: 10, now: hourAgo, seed: 11, onHandShare: 0.4, receiptsPerSku: 1 });
      const today = new Date().toISOString().slice(0, 10);
      const launched = await seedBackorders(db, { prefix: 'PL', skus: 20, linesPerSku: 5, now: hourAgo, seed: 12, onHandShare: 0.5, preorderLaunchDate: today });
      const env = { DATABASE_URL: t.databaseUrl, HOLDFAST_JOB_BATCH_SKUS: '5', HOLDFAST_LEASE_TIMEOUT_MS: '5000' };

      const ranIds: string[] = [];
      let refused = 0;
      let waves = 0;
      while (waves === 0 || (refused === 0 && waves < 6)) {
        waves++;
        const types = ['backorder', 'backorder', 'preorder', 'preorder'];
        const results = await Promise.all(types.map((type) => runCli(['jobs', 'run', type], env)));
        for (const r of results) {
          if (r.code === 0) {
            const out = parseRunOutput(r.stdout);
            expect(out?.status, r.stdout).toBe('succeeded');
            ranIds.push(out!.id);
          } else {
            expect(r.code, r.stderr).toBe(1);
            expect(r.stderr).toMatch(/run \(run_\w+\) is in progress/);
            refused++;
          }
        }
      }
      expect(refused, 'children started together must collide sometimes').toBeGreaterThan(0);

      const runs = await db.selectFrom('job_runs').selectAll().orderBy('started_at').orderBy('id').execute();
      expect(runs.map((r) => r.id).sort()).toEqual([...ranIds].sort());
      for (const r of runs) expect(r.status, `${r.id}: ${r.error}`).toBe('succeeded');
      for (const jobType of ['backorder', 'preorder']) {
        const ofType = runs.filter((r) => r.job_type === jobType);
        expect(ofType.length).toBeGreaterThan(0);
        for (let i = 1; i < ofType.length; i++) {
          expect(Number(ofType[i - 1]!.finished_at), `${jobType} run ${ofType[i]!.id} started before ${ofType[i - 1]!.id} ended`).toBeLessThanOrEqual(Number(ofType[i]!.started_at));
        }
      }
      expect(await invariantProblems(db)).toEqual([]);
      console.log(
        `[runner processes on ${kind}] ${held.lines} backordered + ${launched.lines} launched preorder lines; ${waves} wave(s) of 4 children: ` +
          `${ranIds.length} ran, ${refused} refused (in progress); runs of a type never overlapped`,
      );
    } finally {
      await t.close();
    }
  }, 300_000);
});
