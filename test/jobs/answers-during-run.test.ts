/**
 * The service answers while a job run goes on (SPEC section 10, "never stalled"): a run gives the event loop back
 * between its batches, so requests arriving over a real socket are answered before the run ends. On SQLite, where
 * every statement runs on the request thread, a run that never yielded would hold every answer until it ended.
 * The latencies are printed, not asserted (timing bars live in bench/).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, setupWorld } from './job-helpers.ts';
import { ADMIN_KEY } from '../fixtures/test-service.ts';
import { walBackstop } from '../fixtures/databases.ts';
import { seedBackorders } from './seed.ts';

describe('answers during a job run on sqlite', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers GET /health and a list over HTTP while a backorder run over 50,000 held lines is still going', async () => {
    t = await startTestService('sqlite', { now: T0 });
    await setupWorld(t, { products: {}, settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } } });
    const seeded = await seedBackorders(t.service.database.db, { prefix: 'AD', skus: 500, linesPerSku: 100, now: Date.parse(T0), seed: 11, receiptsPerSku: 2 });
    const url = await t.service.app.listen({ port: 0, host: '127.0.0.1' });

    const started = await t.service.jobs.run('backorder', 'manual');
    // The writer checkpoints at a smaller WAL while the run writes (src/store/sqlite/checkpointer.ts).
    const backstopDuringRun = await walBackstop(t.service.database.db);
    expect(t.service.jobs.runner.activeCount, 'the run was still going when its backstop was read').toBe(1);
    const answered: { path: string; ms: number; runStillGoing: boolean }[] = [];
    const paths = ['/health', '/api/order-lines?statusReason=BackorderHold&limit=5'];
    // Probe every 20 ms while the run goes on (never more than one request at a time).
    while (t.service.jobs.runner.activeCount === 1 && answered.length < 2_000) {
      const path = paths[answered.length % paths.length]!;
      const t0 = performance.now();
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      answered.push({ path, ms: performance.now() - t0, runStillGoing: t.service.jobs.runner.activeCount === 1 });
      await new Promise((r) => setTimeout(r, 20));
    }
    const run = await started.done;
    expect(run).toMatchObject({ status: 'succeeded', processed: seeded.lines });
    expect(backstopDuringRun).toBeLessThan(await walBackstop(t.service.database.db));
    const during = answered.filter((a) => a.runStillGoing);
    const ms = during.map((a) => a.ms).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]?.toFixed(1);
    console.log(`${during.length} requests answered during a run over ${seeded.lines} held lines: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
    expect(during.length, 'requests were answered while the run was going').toBeGreaterThan(5);
  });
});
