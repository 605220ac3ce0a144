/**
 * `holdfast jobs run <type>` (SPEC section 8) from the command line, beside a running service on the same
 * database: it sees the manual time stored by PUT /api/admin/clock, prints its counts and exits 0; an unknown
 * type or a busy lease exits non-zero with a message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { expectInvariants, getOrder, place, plusMs, setOnHand, setupWorld } from './job-helpers.ts';
import { parseRunOutput, runCli } from './child-process.ts';

const NOW = '2028-06-05T12:00:00.000Z';

describe.each(DATABASE_KINDS)('holdfast jobs run on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('runs the backorder job at the stored manual time, prints its counts and exits 0', async () => {
    t = await startTestService(kind, { now: plusMs(NOW, -60_000) });
    await setupWorld(t, { products: { 'CL-1': {} }, settings: { backorders: true, jobs: { backorder: { onSupplyChange: false } } } });
    const first = await place(t, 'CL-A', [['CL-1', 1]]);
    await t.setClock(NOW); // the CLI must read this stored time, not the real one
    const second = await place(t, 'CL-B', [['CL-1', 1]]);
    await setOnHand(t, [{ sku: 'CL-1', locationId: 'EAST', onHand: 1 }]);

    const env = { DATABASE_URL: t.databaseUrl, HOLDFAST_CLOCK: 'manual' };
    const res = await runCli(['jobs', 'run', 'backorder'], env);
    expect(res.code, res.stderr).toBe(0);
    const out = parseRunOutput(res.stdout);
    expect(out, res.stdout).not.toBeNull();
    expect(out!.status).toBe('succeeded');
    expect(out!.counts).toEqual({ processed: 2, movedToFulfillment: 1, movedToBackorder: 0, stillOnHold: 1, canceled: 0, failedRecords: 0 });
    expect(res.stderr).toContain('2 lines in scope');

    const run = await t.api('GET', `/api/jobs/runs/${out!.id}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ jobType: 'backorder', trigger: 'manual', status: 'succeeded', startedAt: NOW, finishedAt: NOW, movedToFulfillment: 1 });
    expect((await getOrder(t, first.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
    expect((await getOrder(t, second.id)).lines[0].statusReason).toBe('BackorderHold');
    await expectInvariants(t.service.database.db);

    const unknown = await runCli(['jobs', 'run', 'nope'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('nope');

    // A live lease held elsewhere: the CLI refuses like the API's 409 and starts nothing.
    await t.service.database.db
      .updateTable('job_leases')
      .set({ run_id: out!.id, owner: 'elsewhere:1:beef', heartbeat_at: Date.now() })
      .where('job_type', '=', 'backorder')
      .execute();
    const busy = await runCli(['jobs', 'run', 'backorder'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/in progress/);
    expect((await t.api('GET', '/api/jobs/runs?jobType=backorder')).body.items).toHaveLength(1);
  });
});
