/**
 * `holdfast jobs run <type>` (SPEC section 8) from the command line, beside a running service on the same
 * database: it sees the manual time stored by PUT /api/admin/clock, prints its counts and exits 0; an unknown
 * type or a busy lease exits non-zero with a message.
 *
 * `holdfast import on-hand|schedules <file.csv>`: the whole file is checked before anything is written (a
 * repeated row or a bad cell anywhere, even past the first few thousand rows, fails it, naming the CSV line), a
 * good file is imported whole with a progress bar, and supply it adds starts the event-triggered backorder run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { tableCount } from '../fixtures/seed.ts';
import { T0, allRuns, expectInvariants, getOrder, ok, place, plusMs, setOnHand, setupWorld } from './job-helpers.ts';
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

const IMPORT_SKUS = 3_000;
const importSku = (i: number) => `IM-${String(i).padStart(5, '0')}`;

/** The `n/total` figures of the progress lines an import printed on stderr. */
const progressOf = (stderr: string, kind: string): [number, number][] =>
  [...stderr.matchAll(new RegExp(`import ${kind}: (\\d+)/(\\d+) \\(\\d+%\\)`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]);

describe.each(DATABASE_KINDS)('holdfast import on %s', (kind) => {
  let t: TestService | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** EAST and WEST, and 3,000 products written straight to the table (the API would take a while). */
  async function bigCatalog(): Promise<TestService> {
    const s = await startTestService(kind, { now: T0 });
    await setupWorld(s, { products: {} });
    const now = Date.parse(T0);
    const rows = Array.from({ length: IMPORT_SKUS }, (_, i) => ({
      sku: importSku(i),
      name: importSku(i),
      preorder_eligible: 0,
      launch_date: null,
      allow_backorder: 1,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500) await s.service.database.db.insertInto('products').values(rows.slice(i, i + 500)).execute();
    return s;
  }

  const csvFile = (name: string, header: string, rows: readonly string[]): string => {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-import-'));
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
    return file;
  };
  const env = () => ({ DATABASE_URL: t!.databaseUrl, HOLDFAST_CLOCK: 'manual', HOLDFAST_EVENT_DEBOUNCE_MS: '20' });

  it('imports on-hand all or nothing: a repeat in the last of 6,000 rows writes nothing; a good file imports every row with progress', async () => {
    t = await bigCatalog();
    const rows = Array.from({ length: IMPORT_SKUS }, (_, i) => [`${importSku(i)},EAST,${1 + (i % 7)}`, `${importSku(i)},WEST,${i % 5}`]).flat();
    expect(rows).toHaveLength(6_000);

    const repeated = csvFile('repeated.csv', 'sku,locationId,onHand', [...rows.slice(0, 5_999), `${importSku(0)},EAST,99`]);
    const bad = await runCli(['import', 'on-hand', repeated], env());
    expect(bad.code, bad.stdout + bad.stderr).not.toBe(0);
    expect(bad.stderr).toContain(`row 6000: repeats ${importSku(0)} at EAST, already given on CSV line 2 (CSV line 6001)`);
    expect(bad.stdout).not.toMatch(/imported/);
    expect(await tableCount(t, 'stock'), 'nothing written').toBe(0);

    const good = await runCli(['import', 'on-hand', csvFile('good.csv', 'sku,locationId,onHand', rows)], env());
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain('imported 6000 on-hand rows');
    const progress = progressOf(good.stderr, 'on-hand');
    expect(progress.every(([, total]) => total === 6_000), good.stderr).toBe(true);
    expect(progress.some(([n]) => n > 0 && n < 6_000), `a step between start and end: ${good.stderr}`).toBe(true);
    expect(progress.at(-1), good.stderr).toEqual([6_000, 6_000]);
    expect(await tableCount(t, 'stock')).toBe(6_000);
    const inv = await ok(t, 'GET', `/api/inventory/${importSku(1234)}`);
    expect(inv.locations).toEqual(
      expect.arrayContaining([expect.objectContaining({ locationId: 'EAST', onHand: 1 + (1234 % 7) }), expect.objectContaining({ locationId: 'WEST', onHand: 1234 % 5 })]),
    );
  });

  it('imports schedules all or nothing: one bad date on row 5,500 names CSV line 5502 and writes nothing; a good file imports whole', async () => {
    t = await bigCatalog();
    const rows = Array.from({ length: 6_000 }, (_, i) => `${importSku(i % IMPORT_SKUS)},${i % 2 ? 'WEST' : 'EAST'},2028-07-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 3)},PO-${i}`);
    const broken = [...rows];
    broken[5_500] = `${importSku(2_500)},EAST,2028-02-30,4,PO-bad`;

    const bad = await runCli(['import', 'schedules', csvFile('bad.csv', 'sku,locationId,date,quantity,reference', broken)], env());
    expect(bad.code, bad.stdout + bad.stderr).not.toBe(0);
    expect(bad.stderr).toContain('row 5501, date: must be a calendar date YYYY-MM-DD (CSV line 5502)');
    expect(await tableCount(t, 'schedule_entries'), 'nothing written').toBe(0);

    const good = await runCli(['import', 'schedules', csvFile('good.csv', 'sku,locationId,date,quantity,reference', rows)], env());
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain('imported 6000 schedules rows');
    expect(progressOf(good.stderr, 'schedules').at(-1), good.stderr).toEqual([6_000, 6_000]);
    expect(await tableCount(t, 'schedule_entries')).toBe(6_000);
  });

  it('starts the event-triggered backorder run for supply an on-hand import adds, releasing a held line', async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: { [importSku(7)]: {}, [importSku(8)]: {} }, settings: { backorders: true } });
    const o = await place(t, 'IM-held', [[importSku(7), 2]]);
    expect(o.lines[0].statusReason).toBe('BackorderHold');

    const file = csvFile('supply.csv', 'sku,locationId,onHand', [`${importSku(7)},EAST,5`, `${importSku(8)},WEST,1`]);
    const res = await runCli(['import', 'on-hand', file], env());
    expect(res.code, res.stderr).toBe(0);
    const runs = await allRuns(t);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ jobType: 'backorder', trigger: 'event', status: 'succeeded', skus: [importSku(7), importSku(8)], processed: 1, movedToFulfillment: 1 });
    expect((await getOrder(t, o.id)).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-01' });
    await expectInvariants(t.service.database.db);
  });
});
