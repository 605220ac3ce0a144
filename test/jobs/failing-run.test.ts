/**
 * Failures during a run (SPEC section 5: work is committed in batches; a rerun finishes the work and never moves
 * a line twice).
 *  - On every database, a batch that cannot be written (a trigger refuses updates of one sku) is rolled back
 *    and recorded line by line as failedRecords; the other batches commit; the next run finishes the work.
 *  - On PostgreSQL, the database goes away mid-run (connections refused and terminated): the run ends failed,
 *    keeps what its committed batches did, and once connections are allowed again the next run does the rest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { DATABASE_KINDS, PG_ADMIN_URL } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectInvariants, expectRunAccounted, lineSnapshot, place, runDetails, runNow, setOnHand, setupWorld, sleep, until } from './job-helpers.ts';
import { seedBackorders } from './seed.ts';

describe.each(DATABASE_KINDS)('a failing batch on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('records the lines of a batch that cannot be written as failedRecords, commits the others, and the next run finishes', async () => {
    t = await startTestService(kind, { now: T0, config: { jobBatchSkus: 1 } });
    const skus = ['FX-1', 'FX-2', 'FX-3'];
    await setupWorld(t, { products: Object.fromEntries(skus.map((s) => [s, {}])), settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    for (const sku of skus) {
      await place(t, `${sku}-a`, [[sku, 1]]);
      await place(t, `${sku}-b`, [[sku, 1]]);
    }
    await setOnHand(t, skus.map((sku) => ({ sku, locationId: 'EAST', onHand: 2 })));
    const db = t.service.database.db;
    if (kind === 'sqlite') {
      await sql`create trigger refuse_fx2 before update on order_lines when new.sku = 'FX-2' begin select raise(abort, 'injected failure for FX-2'); end`.execute(db);
    } else {
      await sql`create function refuse_fx2() returns trigger language plpgsql as $$ begin if new.sku = 'FX-2' then raise exception 'injected failure for FX-2'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_fx2 before update on order_lines for each row execute function refuse_fx2()`.execute(db);
    }

    const before = await lineSnapshot(db);
    const run = await runNow(t, 'backorder');
    const after = await lineSnapshot(db);
    expect(run).toMatchObject({ processed: 6, movedToFulfillment: 4, failedRecords: 2, stillOnHold: 0, canceled: 0 });
    expect(run.finishedAt).not.toBeNull();
    const { records } = await runDetails(t, run.id);
    const failed = records.filter((r) => r.error !== null);
    expect(failed).toHaveLength(2);
    for (const r of failed) {
      expect(r).toMatchObject({ from: 'BackorderHold', to: 'BackorderHold' });
      expect(r.error).toContain('injected failure for FX-2');
      expect(after.get(r.lineId)).toMatchObject({ sku: 'FX-2', statusReason: 'BackorderHold', version: 1 });
    }
    expectRunAccounted(run, records, before, after);
    // The failed batch's reservation was rolled back with it.
    const fx2 = (await t.api('GET', '/api/inventory/FX-2')).body.locations.find((l: any) => l.locationId === 'EAST');
    expect(fx2).toMatchObject({ onHand: 2, reserved: 0 });
    await expectInvariants(db);

    await sql`drop trigger refuse_fx2${sql.raw(kind === 'postgres' ? ' on order_lines' : '')}`.execute(db);
    const rerun = await runNow(t, 'backorder');
    expect(rerun).toMatchObject({ status: 'succeeded', processed: 2, movedToFulfillment: 2, failedRecords: 0 });
    const final = await lineSnapshot(db);
    expect([...final.values()].every((l) => l.statusReason === 'AwaitingFulfillment')).toBe(true);
    await expectInvariants(db);
  });
});

describe.runIf(DATABASE_KINDS.includes('postgres'))('the database going away mid-run on postgres', () => {
  let t: TestService | undefined;
  let admin: pg.Client | undefined;
  let name = '';
  afterEach(async () => {
    if (admin && name) await admin.query(`alter database "${name}" allow_connections true`).catch(() => undefined);
    await admin?.end();
    admin = undefined;
    await t?.close();
    t = undefined;
  });

  it('ends the run failed, keeps its committed batches, and the next run completes the rest', async () => {
    const leaseTimeoutMs = 1_000;
    t = await startTestService('postgres', { now: T0, config: { jobBatchSkus: 2, leaseTimeoutMs } });
    name = new URL(t.databaseUrl).pathname.slice(1);
    await setupWorld(t, { products: {}, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    const db = t.service.database.db;
    // 200 skus, one line of 1 each and 1 on hand at EAST or more: every line is released, 2 skus per batch.
    const seeded = await seedBackorders(db, { prefix: 'GO', skus: 200, linesPerSku: 1, now: Date.parse(T0), seed: 7, quantity: 1, onHandShare: 1.5 });
    await db.updateTable('stock').set({ on_hand: 1 }).where('location_id', '=', 'EAST').where('on_hand', '<', 1).execute();
    // Each batch's counter update sleeps 15 ms, so the run lasts long enough to be cut in the middle.
    await sql`create function slow_batch() returns trigger language plpgsql as $$ begin perform pg_sleep(0.015); return null; end $$`.execute(db);
    await sql`create trigger slow_batch after update on job_runs for each statement execute function slow_batch()`.execute(db);

    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const started = await t.service.jobs.run('backorder', 'manual');
    expect(started.run.processed).toBe(seeded.lines);
    await until('a few committed batches', async () => {
      const r = await db.selectFrom('job_runs').select('moved_to_fulfillment').where('id', '=', started.run.id).executeTakeFirstOrThrow();
      return r.moved_to_fulfillment >= 20;
    }, 20_000, 5);
    await admin.query(`alter database "${name}" allow_connections false`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    const ended = await started.done;
    expect(ended.status).toBe('failed');
    // Its error says what happened (the connection was lost or refused), not merely that it ended.
    expect(ended.error).toMatch(/connection|terminat|accepting|ECONNRESET/i);
    console.log(`[failing run] run ${ended.id} ended ${ended.status}: ${ended.error}`);

    await admin.query(`alter database "${name}" allow_connections true`);
    await sleep(leaseTimeoutMs + 200);
    const rerun = await runNow(t, 'backorder');
    expect(rerun.status).toBe('succeeded');

    const stored = (await t.api('GET', `/api/jobs/runs/${started.run.id}`)).body;
    expect(stored).toMatchObject({ status: 'failed', error: expect.any(String) });
    expect(stored.finishedAt).not.toBeNull();
    // What its committed batches did stays done, and its counters count exactly that.
    const byRun = await db
      .selectFrom('line_events')
      .select(['line_id', 'run_id'])
      .where('to_reason', '=', 'AwaitingFulfillment')
      .execute();
    const releasedBy = (runId: string) => byRun.filter((e) => e.run_id === runId).length;
    const firstPart = releasedBy(started.run.id);
    expect(firstPart).toBeGreaterThanOrEqual(20);
    expect(firstPart).toBeLessThan(seeded.lines);
    expect(stored.movedToFulfillment).toBe(firstPart);
    expect(stored.processed).toBe(stored.movedToFulfillment + stored.movedToBackorder + stored.stillOnHold + stored.canceled + stored.failedRecords);
    // The rerun did the rest, moving no line twice.
    expect(rerun).toMatchObject({ processed: seeded.lines - firstPart, movedToFulfillment: seeded.lines - firstPart, failedRecords: 0 });
    expect(releasedBy(rerun.id)).toBe(seeded.lines - firstPart);
    const lines = await lineSnapshot(db);
    expect([...lines.values()].filter((l) => l.statusReason !== 'AwaitingFulfillment')).toEqual([]);
    await expectInvariants(db);
    console.log(
      `[failing run] ${seeded.lines} lines over ${seeded.skus.length} skus, 2 skus a batch: the cut run committed ${firstPart}; stored as ${stored.status}: ${stored.error}; the rerun released ${rerun.movedToFulfillment}`,
    );
  });
});
