/**
 * Cron-scheduled runs (SPEC section 5 and 8): `serve` schedules each enabled job by its `cron` setting; a
 * scheduled run covers every sku and has trigger `scheduled`; a disabled job is not scheduled; on a manual clock
 * nothing is. The schedule here fires every second (a six-field cron), on the system clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import type { Service } from '../../src/service.ts';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { expectInvariants, getOrder, ok, place, setOnHand, setupWorld, sleep, until } from './job-helpers.ts';

async function jobsOf(service: Service): Promise<any[]> {
  const res = await service.app.inject({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe.each(DATABASE_KINDS)('cron-scheduled runs on %s', (kind) => {
  let t: TestService | undefined;
  let scheduled: Service | undefined;
  afterEach(async () => {
    await scheduled?.close();
    scheduled = undefined;
    await t?.close();
    t = undefined;
  });

  it('runs an enabled job on its cron, covering every sku; never a disabled one, never on a manual clock', async () => {
    // The order is placed in 2020 (manual time), so it is in scope for a run on today's system clock.
    t = await startTestService(kind, { now: '2020-01-01T09:00:00.000Z' });
    await setupWorld(t, {
      products: { 'SC-1': {} },
      settings: { backorders: true, jobs: { backorder: { onSupplyChange: false, cron: '* * * * * *' }, preorder: { enabled: false, cron: '* * * * * *' } } },
    });
    const o = await place(t, 'SC', [['SC-1', 1]]);
    await setOnHand(t, [{ sku: 'SC-1', locationId: 'EAST', onHand: 1 }]);

    // A manual clock schedules nothing, even when asked to.
    const config = { databaseUrl: t.databaseUrl, logLevel: 'silent' as const, leaseTimeoutMs: 5_000 };
    scheduled = await createService(loadConfig({}, { ...config, manualClock: true }), { background: true });
    expect((await jobsOf(scheduled)).map((j) => j.nextRunAt)).toEqual([null, null]);
    await sleep(1_500);
    await scheduled.close();
    expect((await ok(t, 'GET', '/api/jobs/runs')).items).toEqual([]);

    // The system clock: backorder is scheduled every second, preorder (disabled) not at all.
    scheduled = await createService(loadConfig({}, { ...config, manualClock: false }), { background: true });
    const views = await jobsOf(scheduled);
    expect(views.find((j) => j.jobType === 'backorder').nextRunAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(views.find((j) => j.jobType === 'preorder').nextRunAt).toBeNull();
    const db = t.service.database.db;
    await until('a scheduled backorder run to end', async () => {
      const runs = await db.selectFrom('job_runs').selectAll().where('trigger', '=', 'scheduled').where('status', '!=', 'running').execute();
      return runs.length > 0;
    });
    await scheduled.close();
    scheduled = undefined;

    const runs = (await ok(t, 'GET', '/api/jobs/runs?limit=500')).items;
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect(r).toMatchObject({ jobType: 'backorder', trigger: 'scheduled', skus: null });
    const first = runs.at(-1);
    expect(first).toMatchObject({ status: 'succeeded', processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
    await expectInvariants(db);
  });
});
