/**
 * A run's lease stays fresh while its batches keep the lease row locked (PostgreSQL). Each batch holds a lock on
 * the lease row until it commits, so that a takeover waits for it; with two batches in flight whose transactions
 * overlap, some batch holds that lock at every moment. The heartbeat must still renew the lease, and a watch for dead
 * runs must neither wait behind those batches nor mark the run failed.
 *
 * (PostgreSQL grants a new share lock at once while an update waits for the share locks already held, so an update
 * of the lease row could wait for as long as the overlap lasts; the full bench once saw a healthy run over
 * 1,000,000 lines marked dead after 32 s of heartbeats queued that way.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import type { Service } from '../../src/service.ts';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { peekLease } from '../../src/store/repositories/jobs.repository.ts';
import { expectInvariants, setupWorld, sleep } from './job-helpers.ts';
import { seedBackorders } from './seed.ts';
import { gate } from '../fixtures/gate.ts';

const LEASE_TIMEOUT_MS = 1_500;

describe.runIf(DATABASE_KINDS.includes('postgres'))('the lease of a run whose batches overlap, on postgres', () => {
  let t: TestService | undefined;
  let other: Service | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await other?.close();
    other = undefined;
    await t?.close();
    t = undefined;
  });

  it('is renewed by the heartbeat and not reaped while batches hold the lease row', async () => {
    t = await startTestService('postgres', {
      config: { manualClock: false, leaseTimeoutMs: LEASE_TIMEOUT_MS, jobParallelBatches: 2, jobBatchSkus: 2, jobPlannerMinLines: Number.MAX_SAFE_INTEGER },
    });
    await setupWorld(t, { products: {}, settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } } });
    const seeded = await seedBackorders(t.service.database.db, { prefix: 'LB', skus: 60, linesPerSku: 4, now: Date.now() - 3_600_000, seed: 21, receiptsPerSku: 1 });
    const { service } = t;
    const store = service.database.store;
    // Each batch holds its transaction (and its lock on the lease row) 150-350 ms longer, in a varying amount, so
    // the two batches in flight do not commit together: one of them holds the lock at every moment.
    const write = store.writePrepared.bind(store);
    let batches = 0;
    // The first batches also look for a dead run from inside their transaction, while they hold the lease row: a
    // look that waited for that lock would wait for its own caller, and the watchdog would end it.
    const lookedInside: boolean[] = [];
    vi.spyOn(store, 'writePrepared').mockImplementation(async (...args: Parameters<typeof write>) => {
      batches++;
      if (batches <= 3) {
        const watchdog = sleep(20 * LEASE_TIMEOUT_MS).then(() => {
          throw new Error('the look for a dead run waited for the batch holding the lease row');
        });
        lookedInside.push(await Promise.race([service.jobs.runner.reapDeadRun('backorder'), watchdog]));
      }
      await sleep(150 + ((batches * 97) % 200));
      return write(...args);
    });

    const started = await service.jobs.run('backorder', 'manual');
    let ended = false;
    const done = started.done.finally(() => (ended = true));
    let stalest = 0;
    let samples = 0;
    let reaped = 0;
    const reaps: Promise<void>[] = [];
    for (let tick = 0; !ended; tick++) {
      const lease = await peekLease(service.database.db, 'backorder');
      if (!ended && lease.runId === started.run.id) {
        stalest = Math.max(stalest, Date.now() - lease.heartbeatAt);
        samples++;
      }
      // The watch `serve` runs every lease timeout, here every 250 ms; it must not wait behind the batches either.
      if (tick % 10 === 0) {
        reaps.push(
          (async () => {
            if (await service.jobs.runner.reapDeadRun('backorder')) reaped++;
          })(),
        );
      }
      await sleep(25);
    }
    const run = await done;
    await Promise.all(reaps);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(reaped).toBe(0);
    expect(lookedInside, 'looks for a dead run from inside a batch holding the lease row: none reaped').toEqual([false, false, false]);
    expect(run.processed).toBe(seeded.lines);
    expect(batches, 'batches written').toBeGreaterThanOrEqual(20);
    expect(samples, 'the lease was read during the run').toBeGreaterThan(40);
    // The heartbeat beats every third of the timeout: a lease never older than the timeout was renewed throughout.
    expect(stalest, `the oldest heartbeat seen during the run (${samples} reads)`).toBeLessThan(LEASE_TIMEOUT_MS);
    await expectInvariants(service.database.db);
  }, 120_000);

  it('still fences a takeover: it waits for the batch in flight, and the old run writes nothing after it', async () => {
    const config = { manualClock: false, jobParallelBatches: 1, jobBatchSkus: 2, jobPlannerMinLines: Number.MAX_SAFE_INTEGER };
    // The first service beats every 20 s; the second takes a lease for dead after 300 ms without a beat.
    t = await startTestService('postgres', { config: { ...config, leaseTimeoutMs: 60_000 } });
    other = await createService(loadConfig({}, { databaseUrl: t.databaseUrl, logLevel: 'silent', ...config, leaseTimeoutMs: 300 }));
    await setupWorld(t, { products: {}, settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } } });
    await seedBackorders(t.service.database.db, { prefix: 'LF', skus: 20, linesPerSku: 4, now: Date.now() - 3_600_000, seed: 22, receiptsPerSku: 1 });
    const store = t.service.database.store;
    const write = store.writePrepared.bind(store);
    // The first run's batches hold their transaction 800 ms; `written` is when each had written (its commit follows).
    const written: number[] = [];
    const firstBatch = gate();
    vi.spyOn(store, 'writePrepared').mockImplementation(async (...args: Parameters<typeof write>) => {
      firstBatch.release();
      await sleep(800);
      const result = await write(...args);
      written.push(Date.now());
      return result;
    });

    const first = await t.service.jobs.run('backorder', 'manual');
    await firstBatch.promise;
    await sleep(400);
    // To the second service the first run now looks dead, while its batch is still open.
    const asked = Date.now();
    const second = await other.jobs.run('backorder', 'manual');
    const [firstRun, secondRun] = await Promise.all([first.done, second.done]);
    expect(firstRun.status).toBe('failed');
    expect(secondRun.status, secondRun.error ?? '').toBe('succeeded');
    expect(written.length, 'batches the first run wrote').toBeGreaterThanOrEqual(1);
    // The takeover, asked while a batch was in flight, started only once that batch had written, and no batch of
    // the first run was written after it.
    expect(written[0]!, 'the batch in flight wrote after the takeover was asked').toBeGreaterThan(asked);
    expect(secondRun.startedAt, 'the takeover started once the batch in flight had written').toBeGreaterThanOrEqual(written[0]!);
    for (const at of written) expect(at, 'a batch of the first run written after the takeover').toBeLessThanOrEqual(secondRun.startedAt);
    await expectInvariants(t.service.database.db);
  }, 120_000);
});
