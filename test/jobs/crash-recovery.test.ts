/**
 * Crash at any point (SPEC sections 5 and 10): `holdfast jobs run backorder` runs as a child process over
 * thousands of held lines and is killed with SIGKILL at a random moment of its run, many times. After each kill
 * the stored state keeps the bars (every line in one valid state, reserved equal to its released lines and
 * never above on-hand, one event per version step, no move repeated); a rerun after the lease timeout completes,
 * and its end state equals what one uninterrupted run produces on an identical copy of the database.
 *
 * Each trial starts from a copy of one seeded template (PostgreSQL: CREATE DATABASE ... TEMPLATE; SQLite: a
 * file copy), so every trial and the reference run begin from the same state. The figures are printed.
 */
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/tables/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import { AppError } from '../../src/app/errors.ts';
import { openDatabase } from '../../src/store/database.ts';
import { DATABASE_KINDS, scratchDatabase } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import { T0, invariantProblems, lineSnapshot, setupWorld, sleep } from './job-helpers.ts';
import { prng, seedBackorders } from './seed.ts';
import { parseRunOutput, startCli } from './child-process.ts';

// HOLDFAST_CRASH_TRIALS runs more (or fewer) crashes; never none, which would leave the checks below nothing to check.
const TRIALS = Math.max(2, Number(process.env.HOLDFAST_CRASH_TRIALS ?? 12) || 12);
const SKUS = 320;
const LINES_PER_SKU = 11;
const BATCH_SKUS = 10;
const LEASE_TIMEOUT_MS = 300;

interface EndState {
  readonly lines: Map<string, string>;
  readonly stock: Map<string, string>;
  readonly events: number;
}

/** What must equal between a recovered database and the reference: every line's state, place and dates, stock. */
async function endState(db: Kysely<DB>): Promise<EndState> {
  const lines = new Map<string, string>();
  for (const l of (await lineSnapshot(db)).values()) {
    lines.set(l.id, JSON.stringify([l.statusReason, l.locationId, l.inventoryAvailabilityDate, l.estimatedShipmentDate, l.backorderedAt, l.version]));
  }
  const stock = new Map((await db.selectFrom('stock').selectAll().execute()).map((s) => [`${s.sku}|${s.location_id}`, `${s.on_hand}/${s.reserved}`]));
  const events = Number((await db.selectFrom('line_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { lines, stock, events };
}

function differences(a: EndState, b: EndState): string[] {
  const out: string[] = [];
  for (const [id, v] of a.lines) if (b.lines.get(id) !== v) out.push(`line ${id}: ${v} vs ${b.lines.get(id)}`);
  for (const [k, v] of a.stock) if (b.stock.get(k) !== v) out.push(`stock ${k}: ${v} vs ${b.stock.get(k)}`);
  if (a.lines.size !== b.lines.size) out.push(`${a.lines.size} lines vs ${b.lines.size}`);
  if (a.events !== b.events) out.push(`${a.events} events vs ${b.events}`);
  return out.slice(0, 10);
}

async function withDb<T>(url: string, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  const database = openDatabase({ url, poolSize: 2 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

/** Runs the backorder job in this process on `url` (lease timeout and batches as the child's); retries while the lease is live. */
async function rerun(url: string) {
  const service = await createService(
    loadConfig({}, { databaseUrl: url, manualClock: true, logLevel: 'silent', leaseTimeoutMs: LEASE_TIMEOUT_MS, jobBatchSkus: BATCH_SKUS }),
  );
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const started = await service.jobs.run('backorder', 'manual');
        return await started.done;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'job_running') || attempt > 50) throw error;
        await sleep(100);
      }
    }
  } finally {
    await service.close();
  }
}

const childEnv = (url: string) => ({
  DATABASE_URL: url,
  HOLDFAST_CLOCK: 'manual',
  HOLDFAST_LEASE_TIMEOUT_MS: String(LEASE_TIMEOUT_MS),
  HOLDFAST_JOB_BATCH_SKUS: String(BATCH_SKUS),
});

describe.each(DATABASE_KINDS)('crash recovery of the backorder job on %s', (kind) => {
  it(
    `survives SIGKILL at random points (${TRIALS} trials) and a rerun ends where one uninterrupted run does`,
    async () => {
      const figures: string[] = [];
      const rnd = prng(kind === 'sqlite' ? 20280601 : 20280602);

      // ---- the template: 320 skus x 11 backordered lines, about half the demand on hand, 2 receipts per sku.
      const seedStart = Date.now();
      const template = await startTestService(kind, { now: T0 });
      let seeded;
      try {
        await setupWorld(template, { products: {}, settings: { backorders: true, onHandChangeSchedule: true, jobs: { backorder: { onSupplyChange: false } } } });
        seeded = await seedBackorders(template.service.database.db, {
          prefix: 'CR',
          skus: SKUS,
          linesPerSku: LINES_PER_SKU,
          now: Date.parse(T0),
          seed: 42,
          onHandShare: 0.5,
          receiptsPerSku: 2,
        });
        expect(await invariantProblems(template.service.database.db)).toEqual([]);
        await template.service.close(); // keeps the database; template.close() drops it at the end
        figures.push(`seeded ${seeded.lines} BackorderHold lines in ${seeded.orders} orders over ${seeded.skus.length} skus (2 locations, ${seeded.skus.length * 2} receipts) in ${Date.now() - seedStart} ms`);

        // ---- the reference: one uninterrupted child run on a copy.
        const ref = await scratchDatabase(kind, template.databaseUrl);
        let reference: EndState;
        let referenceRun: { counts: Record<string, number> };
        let runMs: number;
        let batchMs: number;
        try {
          const cli = startCli(['jobs', 'run', 'backorder'], childEnv(ref.url));
          await cli.printed(/run \S+ started/);
          const t0 = Date.now();
          await cli.printed(/: (succeeded|failed)/);
          runMs = Date.now() - t0;
          batchMs = runMs / Math.ceil(seeded.skus.length / BATCH_SKUS);
          const res = await cli.exited;
          expect(res.code, res.stderr).toBe(0);
          const out = parseRunOutput(res.stdout);
          expect(out?.status).toBe('succeeded');
          referenceRun = out!;
          expect(out!.counts.processed).toBe(seeded.lines);
          expect(out!.counts.movedToFulfillment).toBeGreaterThan(500);
          expect(out!.counts.stillOnHold).toBeGreaterThan(500);
          reference = await withDb(ref.url, async (db) => {
            expect(await invariantProblems(db)).toEqual([]);
            const state = await endState(db);
            const redated = Number(
              (
                await db
                  .selectFrom('line_events')
                  .select((eb) => eb.fn.countAll<number>().as('n'))
                  .where('run_id', 'is not', null)
                  .whereRef('from_reason', '=', 'to_reason')
                  .executeTakeFirstOrThrow()
              ).n,
            );
            expect(redated, 'the run must re-date many held lines').toBeGreaterThan(300);
            figures.push(
              `reference run: ${runMs} ms from start to end, batches of ${BATCH_SKUS} skus (${Math.ceil(seeded!.skus.length / BATCH_SKUS)} batches); ` +
                `released ${out!.counts.movedToFulfillment}, still held ${out!.counts.stillOnHold} (${redated} re-dated)`,
            );
            return state;
          });
        } finally {
          await ref.drop();
        }

        // ---- the trials
        const kills: string[] = [];
        let midRun = 0;
        for (let trial = 1; trial <= TRIALS; trial++) {
          const copy = await scratchDatabase(kind, template.databaseUrl);
          try {
            const trialStart = Date.now();
            const cli = startCli(['jobs', 'run', 'backorder'], childEnv(copy.url));
            await cli.printed(/run \S+ started/);
            const startedAt = Date.now();
            const killedRunId = /backorder run (\S+) started/.exec(cli.stderr())![1]!;
            // A random point: once a random number of lines is committed, a random part of two batches later.
            const target = Math.floor(rnd() * seeded.lines * 0.95);
            const extra = Math.floor(rnd() * 2 * batchMs);
            let exited = false;
            void cli.exited.then(() => (exited = true));
            await withDb(copy.url, async (db) => {
              while (!exited) {
                const r = await db.selectFrom('job_runs').selectAll().where('id', '=', killedRunId).executeTakeFirst();
                if (r && r.moved_to_fulfillment + r.still_on_hold + r.canceled + r.failed_records >= target) break;
                await sleep(5);
              }
            });
            await sleep(extra);
            const delay = Date.now() - startedAt;
            cli.child.kill('SIGKILL');
            const res = await cli.exited;
            const killed = res.signal === 'SIGKILL';

            // Right after the kill: only whole batches are in, and the bars hold.
            const atKill = await withDb(copy.url, async (db) => {
              expect(await invariantProblems(db), `trial ${trial}, right after the kill at ${delay} ms`).toEqual([]);
              return db.selectFrom('job_runs').selectAll().where('id', '=', killedRunId).executeTakeFirstOrThrow();
            });
            const committed = atKill.moved_to_fulfillment + atKill.still_on_hold + atKill.canceled + atKill.failed_records;
            if (killed && atKill.status === 'running') midRun++;

            // The rerun, once the dead run's lease has timed out.
            await sleep(LEASE_TIMEOUT_MS + 200);
            const rerunStart = Date.now();
            const again = await rerun(copy.url);
            const rerunMs = Date.now() - rerunStart;
            expect(again.status, again.error ?? '').toBe('succeeded');
            await withDb(copy.url, async (db) => {
              expect(await invariantProblems(db), `trial ${trial}, after the rerun`).toEqual([]);
              const dead = await db.selectFrom('job_runs').selectAll().where('id', '=', killedRunId).executeTakeFirstOrThrow();
              if (atKill.status === 'running') {
                expect(dead.status).toBe('failed');
                expect(dead.error).toContain('stopped sending heartbeats');
              } else {
                expect(dead.status).toBe('succeeded');
              }
              // Together the two runs released exactly what the uninterrupted run released.
              expect(dead.moved_to_fulfillment + again.movedToFulfillment).toBe(referenceRun.counts.movedToFulfillment);
              expect(differences(await endState(db), reference), `trial ${trial}: end state vs the uninterrupted run`).toEqual([]);
            });
            kills.push(
              `#${trial}: kill ${delay} ms after the start (aimed at ${target} lines + ${extra} ms)${killed ? '' : ' (the child had already exited)'}, ${committed}/${atKill.processed} lines committed` +
                ` (${atKill.moved_to_fulfillment} released), run ${atKill.status}; rerun ${rerunMs} ms (released ${again.movedToFulfillment}); trial ${Date.now() - trialStart} ms`,
            );
          } finally {
            await copy.drop();
          }
        }
        figures.push(`${TRIALS} trials, ${midRun} killed mid-run; kill points:`, ...kills.map((k) => `  ${k}`));
        console.log(`[crash test on ${kind}]\n  ${figures.join('\n  ')}`);
        expect(midRun, 'most kills must land inside the run').toBeGreaterThanOrEqual(Math.ceil(TRIALS / 2));
      } finally {
        await template.close();
      }
    },
    900_000,
  );
});
