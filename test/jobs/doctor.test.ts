/**
 * The doctor (SPEC section 8): `GET /api/admin/integrity` and `holdfast doctor [--repair]`. A database the service
 * wrote itself (intake, a job run, ships and cancels) is found sound; deliberate corruption (a wrong `reserved`, a
 * missing stock row, a line in an impossible state, a held line with one date, an event too many, a wrong
 * promised quantity) is named problem by problem; `--repair` fixes `reserved` and the promised quantities in one
 * transaction, records each correction, and leaves the impossible lines for a person. `POST
 * /api/admin/integrity/repair` (admins) does the same repair and answers the corrections and the check after it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { expectProblem, stockRow } from '../fixtures/seed.ts';
import { checkIntegrity, repairIntegrity } from '../../src/app/admin/integrity.ts';
import { T0, allRuns, expectInvariants, invariantProblems, ok, place, runNow, schedule, setOnHand, setupWorld } from './job-helpers.ts';
import { runCli } from './child-process.ts';

/** Lines in every state: released, shipped, canceled, backordered (dated and not), preordered; after a job run. */
async function soundWorld(t: TestService): Promise<Record<string, any>> {
  await setupWorld(t, {
    products: { 'DC-1': {}, 'DC-2': {}, 'DC-3': { preorderEligible: true, launchDate: '2028-06-10' } },
    settings: { onHandChangeSchedule: true, backorders: true, atpHorizonDays: 30, jobs: { backorder: { onSupplyChange: false } } },
  });
  await setOnHand(t, [
    { sku: 'DC-1', locationId: 'EAST', onHand: 10 },
    { sku: 'DC-2', locationId: 'WEST', onHand: 4 },
  ]);
  await schedule(t, [{ sku: 'DC-2', locationId: 'EAST', date: '2028-06-05', quantity: 6 }]);
  const released = await place(t, 'DC-A', [['DC-1', 3], ['DC-1', 2]]);
  const shipped = await place(t, 'DC-B', [['DC-1', 1]]);
  await ok(t, 'POST', `/api/fulfillment/lines/${shipped.lines[0].id}/ship`);
  const canceled = await place(t, 'DC-C', [['DC-1', 1]]);
  await ok(t, 'POST', `/api/orders/${canceled.id}/cancel`);
  const held = await place(t, 'DC-D', [['DC-2', 4], ['DC-2', 5], ['DC-2', 20]]);
  const preorder = await place(t, 'DC-E', [['DC-3', 2]]);
  await runNow(t, 'backorder');
  return { released, shipped, canceled, held, preorder };
}

describe.each(DATABASE_KINDS)('the doctor on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('finds a database the service wrote sound, over HTTP and from the CLI', async () => {
    t = await startTestService(kind, { now: T0 });
    await soundWorld(t);
    await expectInvariants(t.service.database.db);
    const r = await t.api('GET', '/api/admin/integrity');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ ok: true, problems: [], truncated: false });
    expectProblem(await t.api('GET', '/api/admin/integrity', undefined, { key: await t.key('operator') }), 403);

    const cli = await runCli(['doctor'], { DATABASE_URL: t.databaseUrl });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toBe('holdfast doctor: no problems found\n');
  });

  it('names every corruption, and --repair fixes the reservation and the promised quantities', async () => {
    t = await startTestService(kind, { now: T0 });
    const w = await soundWorld(t);
    const db = t.service.database.db;
    const [held4, held5, held20] = w.held.lines.map((l: any) => l.id);
    const heldNow = await db.selectFrom('order_lines').selectAll().where('id', 'in', [held4, held5, held20]).execute();
    const dated = heldNow.find((l) => l.status_reason === 'BackorderHold' && l.inventory_availability_date !== null)!;
    const promised = await db.selectFrom('promised_quantities').selectAll().where('sku', '=', 'DC-2').execute();
    expect(promised.length).toBeGreaterThan(0);

    // 1. reserved at DC-1/EAST is 5 (the two released lines); make it 8.
    await db.updateTable('stock').set({ reserved: 8 }).where('sku', '=', 'DC-1').where('location_id', '=', 'EAST').execute();
    // 2. a released line of DC-1 (2 units) claims WEST, where DC-1 has no stock row.
    await db.updateTable('order_lines').set({ location_id: 'WEST' }).where('id', '=', w.released.lines[1].id).execute();
    // 3. a line in an impossible state, 4. a canceled line that kept its dates.
    await db.updateTable('order_lines').set({ status_reason: 'Teleported' }).where('id', '=', w.shipped.lines[0].id).execute();
    await db.updateTable('order_lines').set({ inventory_availability_date: '2028-06-01', estimated_shipment_date: '2028-06-02' }).where('id', '=', w.canceled.lines[0].id).execute();
    // 5. a held line with an availability date and no shipment date.
    await db.updateTable('order_lines').set({ estimated_shipment_date: null }).where('id', '=', dated.id).execute();
    // 6. an event too many for the preorder line.
    const p = w.preorder.lines[0];
    await db.insertInto('line_events').values({ order_id: p.orderId, line_id: p.id, sku: 'DC-3', type: 'line.preordered', from_reason: 'New', to_reason: 'PreorderHold', at: Date.parse(T0), data: '{}', run_id: null }).execute();
    // 7. a promised quantity off by 2, and one for a date no line is promised.
    await db.updateTable('promised_quantities').set({ quantity: sql`quantity + 2` }).where('sku', '=', promised[0]!.sku).where('location_id', '=', promised[0]!.location_id).where('date', '=', promised[0]!.date).execute();
    await db.insertInto('promised_quantities').values({ sku: 'DC-1', location_id: 'EAST', date: '2028-06-20', quantity: 7 }).execute();
    // 8. a product counting 3 backordered lines too many (job runs find their skus by these counts).
    const dc2 = await db.selectFrom('products').select(['held_backorder', 'held_preorder']).where('sku', '=', 'DC-2').executeTakeFirstOrThrow();
    expect(dc2.held_backorder).toBeGreaterThan(0);
    await db.updateTable('products').set({ held_backorder: sql`held_backorder + 3` }).where('sku', '=', 'DC-2').execute();

    const r = await t.api('GET', '/api/admin/integrity');
    expect(r.status, r.text).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.truncated).toBe(false);
    const problems = r.body.problems as any[];
    expect(problems).toContainEqual({ kind: 'reserved_mismatch', sku: 'DC-1', locationId: 'EAST', detail: 'reserved 8, but its released, unshipped lines hold 3 units' });
    expect(problems).toContainEqual({ kind: 'reserved_mismatch', sku: 'DC-1', locationId: 'WEST', detail: 'no stock row, but its released, unshipped lines hold 2 units' });
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'invalid_status', sku: 'DC-1', lineId: w.shipped.lines[0].id }));
    expect(problems).toContainEqual({ kind: 'invalid_state', sku: 'DC-1', lineId: w.canceled.lines[0].id, detail: 'CanceledByRequest but still dated: a canceled line loses its dates' });
    expect(problems).toContainEqual({
      kind: 'held_dates',
      sku: 'DC-2',
      lineId: dated.id,
      detail: `BackorderHold with location ${dated.location_id} and availability date ${dated.inventory_availability_date} but no shipment date (a held line has a location and both dates, or none of them)`,
    });
    expect(problems.filter((x) => x.lineId === dated.id), 'the line is reported once').toHaveLength(1);
    expect(problems).toContainEqual({ kind: 'events_mismatch', sku: 'DC-3', lineId: p.id, detail: `version ${p.version}, but ${p.version + 1} events (every change writes one)` });
    expect(problems).toContainEqual({
      kind: 'promised_mismatch',
      sku: promised[0]!.sku,
      locationId: promised[0]!.location_id,
      date: promised[0]!.date,
      detail: `promised quantity ${Number(promised[0]!.quantity) + 2}, but the held lines promised there hold ${promised[0]!.quantity} units`,
    });
    expect(problems).toContainEqual({ kind: 'promised_mismatch', sku: 'DC-1', locationId: 'EAST', date: '2028-06-20', detail: 'promised quantity 7, but the held lines promised there hold 0 units' });
    // The held line lost its shipment date, so it no longer counts as promised: its old ledger row is now wrong too.
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'promised_mismatch', sku: 'DC-2', locationId: dated.location_id, date: dated.inventory_availability_date }));
    expect(problems.filter((x) => x.kind === 'promised_mismatch' && x.sku === 'DC-2')).toHaveLength(promised[0]!.date === dated.inventory_availability_date ? 1 : 2);
    expect(problems).toContainEqual({
      kind: 'held_count_mismatch',
      sku: 'DC-2',
      detail: `counts ${dc2.held_backorder + 3} lines on BackorderHold and ${dc2.held_preorder} on PreorderHold, but its lines have ${dc2.held_backorder} and ${dc2.held_preorder}`,
    });
    expect(problems.filter((x) => !['promised_mismatch'].includes(x.kind))).toHaveLength(8);

    // The same, range by range, one of a kind listed at most: truncated.
    const small = await checkIntegrity(t.service.ctx, { rangeSize: 1, perKind: 1 });
    expect(small.truncated).toBe(true);
    expect(new Set(small.problems.map((x) => x.kind)).size).toBe(small.problems.length);
    expect(small.problems.map((x) => x.kind).sort()).toEqual(['events_mismatch', 'held_count_mismatch', 'held_dates', 'invalid_state', 'invalid_status', 'promised_mismatch', 'reserved_mismatch']);

    const env = { DATABASE_URL: t.databaseUrl };
    const check = await runCli(['doctor'], env);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^holdfast doctor: \d+ problems$/m);
    expect(check.stdout).toMatch(/reserved_mismatch +DC-1 EAST: reserved 8, but its released, unshipped lines hold 3 units/);

    const settled = () => db.selectFrom('job_settled_skus').select('sku').execute();
    expect((await settled()).length, 'the backorder run of the set-up settled skus').toBeGreaterThan(0);
    const repair = await runCli(['doctor', '--repair'], env);
    expect(repair.code, repair.stdout + repair.stderr).toBe(1); // the impossible lines remain
    expect(await settled(), 'a repair forgets what runs had settled').toEqual([]);
    expect(repair.stdout).toMatch(/^repaired: 2 reserved, \d+ promised quantities/m);
    expect(repair.stdout).toContain('  reserved  DC-1 EAST: 8 -> 3');
    expect(repair.stdout).toContain('  reserved  DC-1 WEST: none -> 2');
    expect(repair.stdout).toContain('  promised  DC-1 EAST 2028-06-20: 7 -> 0');
    expect(repair.stdout).toContain(`  held_backorder DC-2: ${dc2.held_backorder + 3} -> ${dc2.held_backorder}`);
    expect(repair.stdout).toMatch(/promised quantities, 1 counts of held lines/);
    const after = repair.stdout.slice(repair.stdout.indexOf('after the repair'));
    expect(after).not.toMatch(/reserved_mismatch|promised_mismatch|held_count_mismatch/);
    expect(after).toMatch(/invalid_status/);

    expect(await stockRow(t, 'DC-1', 'EAST')).toMatchObject({ reserved: 3 });
    expect(await stockRow(t, 'DC-1', 'WEST')).toMatchObject({ onHand: 0, reserved: 2, shortage: 2 });
    const audit = await db.selectFrom('integrity_repairs').selectAll().orderBy('id').execute();
    expect(audit.find((a) => a.subject === 'reserved' && a.location_id === 'EAST')).toMatchObject({ sku: 'DC-1', before: 8, after: 3, date: null });
    expect(audit.every((a) => a.actor.startsWith('holdfast doctor --repair'))).toBe(true);
    const left = await invariantProblems(db, { allowShortage: true });
    expect(left.filter((x) => /reserved|promised/.test(x))).toEqual([]);

    // A second repair finds nothing more to correct.
    const again = await runCli(['doctor', '--repair'], env);
    expect(again.stdout).toContain('repaired: 0 reserved, 0 promised quantities, 0 counts of held lines');
  });

  it('repairs over HTTP for an admin: the corrections, the check after them, and a supply-change run where supply moved', async () => {
    t = await startTestService(kind, { now: T0 });
    await soundWorld(t);
    const db = t.service.database.db;
    const dc2 = await db.selectFrom('products').select(['held_backorder', 'held_preorder']).where('sku', '=', 'DC-2').executeTakeFirstOrThrow();
    // A phantom reservation (DC-1/EAST holds 5 for its released lines), a phantom promise, 3 held lines counted too many.
    await db.updateTable('stock').set({ reserved: 8 }).where('sku', '=', 'DC-1').where('location_id', '=', 'EAST').execute();
    await db.insertInto('promised_quantities').values({ sku: 'DC-1', location_id: 'EAST', date: '2028-06-20', quantity: 7 }).execute();
    await db.updateTable('products').set({ held_backorder: sql`held_backorder + 3` }).where('sku', '=', 'DC-2').execute();
    // The world's own supply changes settle first (they may still wait for a retry behind its backorder run), so that
    // with supply-change runs on only the repair's changes start one.
    await t.service.jobs.idle();
    await ok(t, 'PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: true } } });
    const known = new Set((await allRuns(t)).map((r) => r.id));

    expectProblem(await t.api('POST', '/api/admin/integrity/repair', undefined, { key: await t.key('operator') }), 403);
    expect((await db.selectFrom('integrity_repairs').select('id').execute()).length, 'a refused repair changes nothing').toBe(0);

    const r = await t.api('POST', '/api/admin/integrity/repair');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({
      reserved: 1,
      promised: 1,
      heldCounts: 1,
      changes: [
        { subject: 'reserved', sku: 'DC-1', locationId: 'EAST', date: null, before: 8, after: 5 },
        { subject: 'promised', sku: 'DC-1', locationId: 'EAST', date: '2028-06-20', before: 7, after: 0 },
        { subject: 'held_backorder', sku: 'DC-2', locationId: null, date: null, before: dc2.held_backorder + 3, after: dc2.held_backorder },
      ],
      changesTruncated: false,
      after: { ok: true, problems: [], truncated: false },
    });
    expect(await stockRow(t, 'DC-1', 'EAST')).toMatchObject({ reserved: 5 });
    await expectInvariants(db);
    const audit = await db.selectFrom('integrity_repairs').select('actor').execute();
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set([`api key ${(await t.api('GET', '/api/session')).body.keyId}`]));

    // DC-1's supply moved (3 units freed, a promise gone): one supply-change run for it, not for DC-2.
    await t.service.jobs.idle();
    const fresh = (await allRuns(t)).filter((run) => !known.has(run.id));
    expect(fresh).toMatchObject([{ jobType: 'backorder', trigger: 'event', skus: ['DC-1'], status: 'succeeded' }]);

    // Nothing left to correct.
    const again = await t.api('POST', '/api/admin/integrity/repair');
    expect(again.body).toMatchObject({ reserved: 0, promised: 0, heldCounts: 0, changes: [], changesTruncated: false });
  });

  it('lists the first corrections of a large repair and says there were more', async () => {
    t = await startTestService(kind, { now: T0 });
    await soundWorld(t);
    const db = t.service.database.db;
    await db.insertInto('promised_quantities').values(['2028-06-20', '2028-06-21', '2028-06-22'].map((date) => ({ sku: 'DC-1', location_id: 'EAST', date, quantity: 1 }))).execute();
    const repaired = await repairIntegrity(t.service.ctx, 'test', 2);
    expect(repaired.promised).toBe(3);
    expect(repaired.changes.map((c) => c.date)).toEqual(['2028-06-20', '2028-06-21']);
    expect(repaired.changesTruncated).toBe(true);
    expect((await repairIntegrity(t.service.ctx, 'test', 2)).changesTruncated).toBe(false);
  });
});
