/**
 * Dry runs (SPEC section 5): `POST /api/jobs/{jobType}/runs?dryRun=true` and `holdfast jobs run <type> --dry-run`
 * answer what a manual run started now would do, its counts and every record, and write nothing at all (a full
 * dump of the database is the same before and after). The real run that follows with nothing in between has the
 * same counts and records. The answer streams: it reaches the client batch by batch while the service goes on
 * answering other requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { ADMIN_KEY } from '../fixtures/test-service.ts';
import { dumpDatabase } from '../fixtures/dump.ts';
import { expectProblem } from '../fixtures/seed.ts';
import { RUN_COUNTS as COUNTS, T0, byLine, expectInvariants, plusMs, runCountsOf as countsOf, runDetails, runNow, setupWorld } from './job-helpers.ts';
import { seedBackorders, seedMixedHolds as seedWorld } from './seed.ts';
import { runCli } from './child-process.ts';


async function dryRunOverHttp(t: TestService, jobType: string): Promise<any> {
  const r = await t.api('POST', `/api/jobs/${jobType}/runs?dryRun=true`);
  expect(r.status, r.text.slice(0, 500)).toBe(200);
  expect(r.headers['content-length'], 'a streamed body has no length up front').toBeUndefined();
  return r.body;
}

describe.each(DATABASE_KINDS)('dry runs on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  for (const jobType of ['backorder', 'preorder'] as const) {
    it(`${jobType}: writes nothing, and the real run that follows has the same counts and records`, async () => {
      // Small batches: the dry run and the run both walk many of them.
      t = await startTestService(kind, { now: T0, config: { jobBatchSkus: 2, jobBatchLines: 15 } });
      await seedWorld(t);
      const db = t.service.database.db as unknown as Kysely<any>;

      const before = await dumpDatabase(db, kind);
      const dry = await dryRunOverHttp(t, jobType);
      expect(await dumpDatabase(db, kind), 'a dry run changes no row').toEqual(before);

      expect(dry).toMatchObject({ dryRun: true, jobType, trigger: 'manual', startedAt: T0, error: null });
      expect(dry.id).toBeUndefined();
      const sum = COUNTS.slice(1).reduce((s, k) => s + dry[k], 0);
      expect(sum, 'the counts add up to processed').toBe(dry.processed);
      // The world is worth checking: the run has lines to release, to re-date and (backorder) to cancel.
      expect(dry.movedToFulfillment).toBeGreaterThan(0);
      expect(dry.records.some((r: any) => r.from === r.to)).toBe(true);
      if (jobType === 'backorder') expect(dry.records.some((r: any) => r.to === 'BackorderSlaExpired')).toBe(true);
      else expect(dry.movedToBackorder).toBeGreaterThan(0);

      const real = await runNow(t, jobType);
      expect(real.status).toBe('succeeded');
      const { records } = await runDetails(t, real.id, 500);
      expect(countsOf(dry)).toEqual(countsOf(real));
      expect(byLine(dry.records)).toEqual(byLine(records));
      await expectInvariants(t.service.database.db);

      // Nothing left to do: a second dry run agrees with a second run, both re-dating nothing.
      const again = await dryRunOverHttp(t, jobType);
      const second = await runNow(t, jobType);
      expect(countsOf(again)).toEqual(countsOf(second));
      expect(byLine(again.records)).toEqual(byLine((await runDetails(t, second.id, 500)).records));
    });
  }

  it('streams batch by batch while the service answers other requests', async () => {
    t = await startTestService(kind, { now: T0, config: { jobBatchSkus: 1, jobBatchLines: 1 } });
    await setupWorld(t, { products: {}, settings: { onHandChangeSchedule: true, backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    await seedBackorders(t.service.database.db, { prefix: 'ST', skus: 60, linesPerSku: 4, now: Date.parse(T0) - 60_000, seed: 9, receiptsPerSku: 2 });
    const expected = await dryRunOverHttp(t, 'backorder');

    const address = await t.service.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/api/jobs/backorder/runs?dryRun=true`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    chunks.push(first.value!);
    // Mid-stream, another request is answered.
    const health = await fetch(`${address}/health`);
    expect(health.status).toBe(200);
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.length, 'the body arrives in more than one piece').toBeGreaterThan(1);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(body).toEqual(expected);
    expect(body.records.length).toBeGreaterThan(60);
  });

  it('answers 404 for an unknown job type and 403 to a key that may not run jobs; takes no lease', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { 'DR-1': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    expectProblem(await t.api('POST', '/api/jobs/nope/runs?dryRun=true'), 404);
    expectProblem(await t.api('POST', '/api/jobs/backorder/runs?dryRun=true', undefined, { key: await t.key('viewer') }), 403);
    expectProblem(await t.api('POST', '/api/jobs/backorder/runs?dryRun=maybe'), 400);
    const operator = await t.api('POST', '/api/jobs/backorder/runs?dryRun=true', undefined, { key: await t.key('operator') });
    expect(operator.status).toBe(200);
    expect(operator.body).toMatchObject({ dryRun: true, processed: 0, records: [] });
    // A live lease elsewhere does not stop a dry run, and a dry run leaves no lease behind.
    await t.service.database.db.insertInto('job_leases').values({ job_type: 'backorder', run_id: 'run_elsewhere', owner: 'elsewhere', heartbeat_at: Date.now() }).execute();
    expect((await t.api('POST', '/api/jobs/backorder/runs?dryRun=true')).status).toBe(200);
    expectProblem(await t.api('POST', '/api/jobs/backorder/runs'), 409);
    expect((await t.api('GET', '/api/jobs/runs')).body.items).toEqual([]);
  });

  it('holdfast jobs run <type> --dry-run prints the records and counts and writes nothing', async () => {
    t = await startTestService(kind, { now: plusMs(T0, -1000) });
    await seedWorld(t);
    await t.setClock(T0); // the CLI reads the stored manual time
    const db = t.service.database.db as unknown as Kysely<any>;
    const expected = await dryRunOverHttp(t, 'backorder');
    const before = await dumpDatabase(db, kind);
    const res = await runCli(['jobs', 'run', 'backorder', '--dry-run'], { DATABASE_URL: t.databaseUrl, HOLDFAST_CLOCK: 'manual' });
    expect(res.code, res.stderr).toBe(0);
    expect(await dumpDatabase(db, kind), 'the CLI dry run changes no row').toEqual(before);
    expect(res.stderr).toContain(`backorder dry run at ${T0}`);
    for (const k of COUNTS) expect(res.stdout).toMatch(new RegExp(`^  ${k}\\s+${expected[k]}$`, 'm'));
    expect(res.stdout).toContain(`backorder dry run: ${expected.records.length} records, nothing written`);
    for (const r of expected.records) {
      // Each record by the order's externalId and the line number, as an operator knows the line; its id last.
      const order = (await t.api('GET', `/api/orders/${r.orderId}`)).body;
      const lineNumber = order.lines.find((l: { id: string }) => l.id === r.lineId).lineNumber;
      const line = res.stdout.split('\n').find((l) => l.trimEnd().endsWith(r.lineId));
      expect(line, r.lineId).toBeDefined();
      expect(line!.trim().split(/\s+/)).toEqual([
        order.externalId,
        String(lineNumber),
        r.sku,
        String(r.quantity),
        r.from,
        '->',
        r.to,
        r.locationId ?? '-',
        r.inventoryAvailabilityDate ?? '-',
        r.estimatedShipmentDate ?? '-',
        r.lineId,
      ]);
    }
    const unknown = await runCli(['jobs', 'run', 'nope', '--dry-run'], { DATABASE_URL: t.databaseUrl, HOLDFAST_CLOCK: 'manual' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('nope');
  });
});
