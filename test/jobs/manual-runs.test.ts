/**
 * Manual runs and the job log over HTTP (SPEC sections 5 and 7): 202 with the run, or 200 with the ended run
 * with ?wait=true; 409 while a run of the type holds a live lease; a run whose lease heartbeat went stale is
 * marked failed and a new one starts; `serve`'s background watch marks such a run failed without anyone starting
 * a new one; 404 for unknown job types (naming the types) and runs; roles; GET /api/jobs and the job log with its
 * filters, newest first, cursor-paginated. The lease is held by writing the job_leases row directly, as another
 * process would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/tables/index.ts';
import { DATABASE_KINDS, scratchDatabase } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import type { Service } from '../../src/service.ts';
import { T0, allRuns, getOrder, ok, place, plusMs, runNow, setOnHand, setupWorld, until } from './job-helpers.ts';

const LEASE_TIMEOUT_MS = 5_000; // startTestService's default

/** Another runner's lease on the job type, its heartbeat `ageMs` old (real time, as leases are). */
async function holdLease(db: Kysely<DB>, jobType: string, runId: string, ageMs: number): Promise<void> {
  const row = { job_type: jobType, run_id: runId, owner: 'elsewhere:4242:cafe', heartbeat_at: Date.now() - ageMs };
  await db
    .insertInto('job_leases')
    .values(row)
    .onConflict((oc) => oc.column('job_type').doUpdateSet({ run_id: row.run_id, owner: row.owner, heartbeat_at: row.heartbeat_at }))
    .execute();
}

/** A run row another runner left `running` when it died. */
async function insertOrphanRun(db: Kysely<DB>, id: string, jobType: string, startedAt: string): Promise<void> {
  await db
    .insertInto('job_runs')
    .values({
      id,
      job_type: jobType,
      trigger: 'scheduled',
      status: 'running',
      started_at: Date.parse(startedAt),
      finished_at: null,
      heartbeat_at: Date.now() - 60_000,
      owner: 'elsewhere:4242:cafe',
      skus: null,
      processed: 7,
      moved_to_fulfillment: 0,
      moved_to_backorder: 0,
      still_on_hold: 0,
      canceled: 0,
      failed_records: 0,
      error: null,
    })
    .execute();
}

/** An admin request to a service built without the test fixture. */
async function call(service: Service, method: string, url: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await service.app.inject({ method: method as 'GET', url, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined, text: res.body };
}

describe.each(DATABASE_KINDS)('manual job runs on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 202 with the running run, which then succeeds; 200 with the ended run on ?wait=true', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'M-1': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    const o = await place(t, 'M', [['M-1', 1]]);
    await setOnHand(t, [{ sku: 'M-1', locationId: 'EAST', onHand: 1 }]);

    const r = await t.api('POST', '/api/jobs/backorder/runs');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ jobType: 'backorder', trigger: 'manual', status: 'running', startedAt: T0, finishedAt: null, processed: 1, skus: null });
    await t.service.jobs.idle();
    const ended = await t.api('GET', `/api/jobs/runs/${r.body.id}`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id: r.body.id, status: 'succeeded', finishedAt: T0, processed: 1, movedToFulfillment: 1, error: null });
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('AwaitingFulfillment');

    const w = await t.api('POST', '/api/jobs/preorder/runs?wait=true');
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ jobType: 'preorder', trigger: 'manual', status: 'succeeded', finishedAt: T0, processed: 0 });
    const lease = await t.service.database.db.selectFrom('job_leases').selectAll().execute();
    expect(lease.map((l) => [l.job_type, l.run_id]).sort()).toEqual([
      ['backorder', null],
      ['preorder', null],
    ]);
  });

  it('refuses with 409 while another runner holds a live lease; takes over a stale one, marking its run failed', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'M-1': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    const o = await place(t, 'M', [['M-1', 1]]);
    await setOnHand(t, [{ sku: 'M-1', locationId: 'EAST', onHand: 1 }]);
    const db = t.service.database.db;

    await insertOrphanRun(db, 'run_elsewhere', 'backorder', plusMs(T0, -60_000));
    await holdLease(db, 'backorder', 'run_elsewhere', 0);
    for (const url of ['/api/jobs/backorder/runs', '/api/jobs/backorder/runs?wait=true']) {
      const busy = await t.api('POST', url);
      expect(busy.status, busy.text).toBe(409);
      expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(busy.body).toMatchObject({ status: 409, detail: expect.stringContaining('run_elsewhere') });
    }
    // Another type is not blocked, and the blocked one started nothing.
    expect((await t.api('POST', '/api/jobs/preorder/runs?wait=true')).status).toBe(200);
    expect((await allRuns(t, 'jobType=backorder')).map((r) => r.id)).toEqual(['run_elsewhere']);
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('BackorderHold');

    // The other runner stops sending heartbeats: once its heartbeat is older than the lease timeout, the next
    // start marks its run failed and runs.
    await holdLease(db, 'backorder', 'run_elsewhere', LEASE_TIMEOUT_MS + 1_000);
    await t.setClock(plusMs(T0, 60_000));
    const next = await t.api('POST', '/api/jobs/backorder/runs?wait=true');
    expect(next.status, next.text).toBe(200);
    expect(next.body).toMatchObject({ status: 'succeeded', processed: 1, movedToFulfillment: 1 });
    const dead = await t.api('GET', '/api/jobs/runs/run_elsewhere');
    expect(dead.body).toMatchObject({ status: 'failed', finishedAt: plusMs(T0, 60_000), error: expect.stringContaining('stopped sending heartbeats') });
    expect(dead.body.processed).toBe(dead.body.movedToFulfillment + dead.body.movedToBackorder + dead.body.stillOnHold + dead.body.canceled + dead.body.failedRecords);
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
    const lease = await db.selectFrom('job_leases').selectAll().where('job_type', '=', 'backorder').executeTakeFirstOrThrow();
    expect(lease.run_id).toBeNull();
  });

  it('answers 404 for an unknown job type or run, and enforces roles', async () => {
    t = await startTestService(kind, { now: T0 });
    const unknownType = await t.api('POST', '/api/jobs/nope/runs');
    expect(unknownType.status).toBe(404);
    expect(unknownType.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.api('POST', '/api/jobs/nope/runs?wait=true')).status).toBe(404);
    const unknownRun = await t.api('GET', '/api/jobs/runs/run_nope');
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body).toMatchObject({ status: 404 });
    expect(await allRuns(t)).toEqual([]);

    const viewer = await t.key('viewer');
    const integration = await t.key('integration');
    const operator = await t.key('operator');
    for (const key of [viewer, integration]) {
      const r = await t.api('POST', '/api/jobs/backorder/runs?wait=true', undefined, { key });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ status: 403 });
    }
    expect(await allRuns(t)).toEqual([]);
    const byOperator = await t.api('POST', '/api/jobs/backorder/runs?wait=true', undefined, { key: operator });
    expect(byOperator.status).toBe(200);
    for (const url of ['/api/jobs', '/api/jobs/runs', `/api/jobs/runs/${byOperator.body.id}`]) {
      expect((await t.api('GET', url, undefined, { key: viewer })).status).toBe(200);
    }
    expect((await t.api('POST', '/api/jobs/backorder/runs', undefined, { key: null })).status).toBe(401);
  });

  it('lists the jobs with their settings and last run, and the job log newest first with filters and cursors', async () => {
    t = await startTestService(kind, { now: T0 });
    const fresh = await ok(t, 'GET', '/api/jobs');
    expect(fresh.items).toHaveLength(2);
    expect(fresh.items.find((j: any) => j.jobType === 'backorder')).toMatchObject({ enabled: true, cron: '*/15 * * * *', onSupplyChange: true, lastRun: null });
    expect(fresh.items.find((j: any) => j.jobType === 'preorder')).toMatchObject({ enabled: true, cron: '0 * * * *', lastRun: null });

    const at = (m: number) => plusMs(T0, m * 60_000);
    const b1 = await runNow(t, 'backorder');
    await t.setClock(at(1));
    const p1 = await runNow(t, 'preorder');
    await t.setClock(at(2));
    const b2 = await runNow(t, 'backorder');
    await insertOrphanRun(t.service.database.db, 'run_orphan', 'backorder', at(3));
    await holdLease(t.service.database.db, 'backorder', 'run_orphan', LEASE_TIMEOUT_MS * 2);
    await t.setClock(at(4));
    const b3 = await runNow(t, 'backorder');
    // Three at the same instant: the log orders them by id, and the cursor must not lose or repeat any.
    await t.setClock(at(5));
    const same = [await runNow(t, 'preorder'), await runNow(t, 'preorder'), await runNow(t, 'preorder')];

    const ids = (runs: any[]) => runs.map((r) => r.id);
    const newestFirst = [...same].reverse().map((r) => r.id).concat([b3.id, 'run_orphan', b2.id, p1.id, b1.id]);
    expect(ids(await allRuns(t))).toEqual(newestFirst);
    expect(ids(await allRuns(t, '', 1))).toEqual(newestFirst);
    expect(ids(await allRuns(t, '', 3))).toEqual(newestFirst);
    expect(ids(await allRuns(t, 'jobType=backorder', 1))).toEqual([b3.id, 'run_orphan', b2.id, b1.id]);
    expect(ids(await allRuns(t, 'jobType=preorder', 2))).toEqual([...same].reverse().map((r) => r.id).concat([p1.id]));
    expect(ids(await allRuns(t, 'status=failed', 1))).toEqual(['run_orphan']);
    expect(ids(await allRuns(t, 'jobType=backorder&status=succeeded', 1))).toEqual([b3.id, b2.id, b1.id]);
    const page = await ok(t, 'GET', '/api/jobs/runs?limit=2');
    expect(page.items).toHaveLength(2);
    expect(typeof page.nextCursor).toBe('string');
    expect((await ok(t, 'GET', '/api/jobs/runs?limit=500')).nextCursor).toBeNull();
    for (const bad of ['status=bogus', 'jobType=nope', 'limit=501', 'cursor=nonsense']) {
      expect((await t.api('GET', `/api/jobs/runs?${bad}`)).status, bad).toBe(400);
    }

    const jobs = await ok(t, 'GET', '/api/jobs');
    expect(jobs.items.find((j: any) => j.jobType === 'backorder').lastRun).toMatchObject({ id: b3.id, status: 'succeeded', startedAt: at(4) });
    expect(jobs.items.find((j: any) => j.jobType === 'preorder').lastRun).toMatchObject({ id: same[2].id });

    // `enabled` switches the schedule only: a disabled job still runs by hand.
    await ok(t, 'PATCH', '/api/settings', { jobs: { preorder: { enabled: false, cron: '30 * * * *' } } });
    const after = await ok(t, 'GET', '/api/jobs');
    expect(after.items.find((j: any) => j.jobType === 'preorder')).toMatchObject({ enabled: false, cron: '30 * * * *' });
    expect(after.items.find((j: any) => j.jobType === 'backorder')).toMatchObject({ enabled: true, cron: '*/15 * * * *' });
    expect(await runNow(t, 'preorder')).toMatchObject({ status: 'succeeded' });
  });

  it('answers an unknown job type with a 404 naming the job types', async () => {
    t = await startTestService(kind, { now: T0 });
    const r = await t.api('POST', '/api/jobs/nope/runs');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toContain('"nope"');
    expect(r.body.detail).toMatch(/job types are backorder and preorder/);
  });

  it('marks a run whose runner died failed in the background, without anyone starting a run, and frees its lease', async () => {
    const scratch = await scratchDatabase(kind);
    const config = loadConfig({}, { databaseUrl: scratch.url, adminKey: ADMIN_KEY, manualClock: true, logLevel: 'silent', leaseTimeoutMs: 300, eventDebounceMs: 20 });
    const service = await createService(config, { background: true });
    try {
      expect((await call(service, 'PUT', '/api/admin/clock', { now: T0 })).status).toBe(200);
      const db = service.database.db;
      await insertOrphanRun(db, 'run_dead', 'backorder', plusMs(T0, -60_000));
      await holdLease(db, 'backorder', 'run_dead', 10_000);

      await until(
        'the dead run to be marked failed',
        async () => (await call(service, 'GET', '/api/jobs/runs/run_dead')).body.status !== 'running',
        15_000,
        100,
      );
      const dead = await call(service, 'GET', '/api/jobs/runs/run_dead');
      expect(dead.status).toBe(200);
      expect(dead.body).toMatchObject({ status: 'failed', finishedAt: T0, processed: 7, failedRecords: 7, error: expect.stringContaining('stopped sending heartbeats') });
      const { processed, movedToFulfillment, movedToBackorder, stillOnHold, canceled, failedRecords } = dead.body;
      expect(movedToFulfillment + movedToBackorder + stillOnHold + canceled + failedRecords).toBe(processed);
      const lease = await db.selectFrom('job_leases').selectAll().where('job_type', '=', 'backorder').executeTakeFirstOrThrow();
      expect(lease.run_id, 'the lease is free').toBeNull();
      const log = await call(service, 'GET', '/api/jobs/runs');
      expect(log.body.items.map((r: any) => r.id), 'the watch started no run').toEqual(['run_dead']);
      // The job-run metrics count it as failed, with the minute it ran for.
      const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('holdfast_job_runs_total{job_type="backorder",trigger="scheduled",status="failed"} 1');
      expect(metrics).toContain('holdfast_job_run_duration_seconds_sum{job_type="backorder",trigger="scheduled",status="failed"} 60');

      const next = await call(service, 'POST', '/api/jobs/backorder/runs');
      expect(next.status, next.text).toBe(202);
      await service.jobs.idle();
      expect((await call(service, 'GET', `/api/jobs/runs/${next.body.id}`)).body.status).toBe('succeeded');
    } finally {
      await service.close();
      await scratch.drop();
    }
  });
});
