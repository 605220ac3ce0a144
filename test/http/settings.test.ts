/**
 * Settings (SPEC section 6): defaults, PATCH merging nested objects and answering the whole object,
 * validation naming the field with nothing written, every change audited (who, when, before, after), and the
 * business time zone deciding "today". Concurrent PATCHes of different fields all take effect (no lost update),
 * and the audit rows of settings and of policies each form one chain: a row's `before` is the previous `after`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, tableCount, walk } from '../fixtures/seed.ts';

const DEFAULTS = {
  onHandChangeSchedule: false,
  backorders: false,
  cancellationSlaDays: null,
  atpHorizonDays: 90,
  timeZone: 'UTC',
  jobs: { backorder: { enabled: true, cron: '*/15 * * * *', onSupplyChange: true }, preorder: { enabled: true, cron: '0 * * * *' } },
};

describe.each(DATABASE_KINDS)('settings on %s', (kind) => {
  let t: TestService;
  let db: Kysely<any>;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    db = t.service.database.db as unknown as Kysely<any>;
  });
  afterAll(async () => t?.close());

  const settings = async () => {
    const r = await t.api('GET', '/api/settings');
    expectStatus(r, 200);
    return r.body;
  };
  const audits = () => db.selectFrom('config_audit').selectAll().where('key', '=', 'settings').orderBy('id').execute();

  it('starts with the defaults', async () => {
    expect(await settings()).toEqual(DEFAULTS);
  });

  it('merges a nested PATCH and answers the whole object', async () => {
    const r = await t.api('PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: false } } });
    expectStatus(r, 200);
    const expected = structuredClone(DEFAULTS);
    expected.jobs.backorder.onSupplyChange = false;
    expect(r.body).toEqual(expected);
    expect(await settings()).toEqual(expected);

    const r2 = await t.api('PATCH', '/api/settings', { backorders: true, cancellationSlaDays: 14, jobs: { preorder: { cron: '30 * * * *' } } });
    expectStatus(r2, 200);
    expected.backorders = true;
    (expected as { cancellationSlaDays: number | null }).cancellationSlaDays = 14;
    expected.jobs.preorder.cron = '30 * * * *';
    expect(r2.body).toEqual(expected);

    // null clears the SLA.
    const r3 = await t.api('PATCH', '/api/settings', { cancellationSlaDays: null });
    expectStatus(r3, 200);
    expect(r3.body.cancellationSlaDays).toBeNull();
    expect(r3.body.jobs).toEqual(expected.jobs);
  });

  it('refuses bad values naming the field, writing nothing and auditing nothing', async () => {
    const before = await settings();
    const auditsBefore = await tableCount(t, 'config_audit');
    const cases: [unknown, string][] = [
      [{ atpHorizonDays: 0 }, '/atpHorizonDays'],
      [{ atpHorizonDays: 366 }, '/atpHorizonDays'],
      [{ atpHorizonDays: 'x' }, '/atpHorizonDays'],
      [{ atpHorizonDays: 2.5 }, '/atpHorizonDays'],
      [{ cancellationSlaDays: 0 }, '/cancellationSlaDays'],
      [{ cancellationSlaDays: 3651 }, '/cancellationSlaDays'],
      [{ timeZone: 'Mars/Olympus_Mons' }, '/timeZone'],
      [{ backorders: 'yes' }, '/backorders'],
      [{ onHandChangeSchedule: 1 }, '/onHandChangeSchedule'],
      [{ jobs: { backorder: { cron: 'not a cron' } } }, '/jobs/backorder/cron'],
      [{ jobs: { preorder: { cron: '61 * * * *' } } }, '/jobs/preorder/cron'],
      [{ colour: 'red' }, '/colour'],
      [{ jobs: { backorder: { colour: 'red' } } }, '/jobs/backorder/colour'],
      // A valid change beside an invalid one is not applied either.
      [{ backorders: !before.backorders, atpHorizonDays: 0 }, '/atpHorizonDays'],
      [{ atpHorizonDays: 30, timeZone: 'Not/AZone' }, '/timeZone'],
    ];
    for (const [patch, pointer] of cases) expectProblem(await t.api('PATCH', '/api/settings', patch), 400, pointer);
    expectProblem(await t.api('PATCH', '/api/settings', undefined, { raw: '{"backorders": tru', contentType: 'application/json' }), 400);
    // A bad cron is refused in plain words, with what is allowed and which part is wrong.
    const cron = await t.api('PATCH', '/api/settings', { jobs: { preorder: { cron: '61 * * * *' } } });
    expect(cron.body.errors).toEqual([
      {
        path: '/jobs/preorder/cron',
        message: 'must be a cron expression of 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), e.g. "0 2 * * *" (Invalid value for minute: 61)',
      },
    ]);
    expect(await settings()).toEqual(before);
    expect(await tableCount(t, 'config_audit')).toBe(auditsBefore);
  });

  it('audits every change: who (the key id, not the key), when, before and after', async () => {
    const admin = await db.selectFrom('api_keys').selectAll().where('role', '=', 'admin').execute();
    expect(admin).toHaveLength(1);
    const before = await settings();
    const n = (await audits()).length;
    await t.setClock('2028-06-01T10:30:00Z');
    try {
      await patchSettings(t, { atpHorizonDays: 45 });
    } finally {
      await t.setClock(T0);
    }
    const rows = await audits();
    expect(rows).toHaveLength(n + 1);
    const last = rows.at(-1)!;
    expect(last.actor).toBe(admin[0]!.id);
    expect(last.actor).not.toBe(ADMIN_KEY);
    expect(Number(last.at)).toBe(Date.parse('2028-06-01T10:30:00Z'));
    expect(JSON.parse(last.before)).toEqual(before);
    expect(JSON.parse(last.after)).toEqual({ ...before, atpHorizonDays: 45 });
    await patchSettings(t, { atpHorizonDays: 90 });
    expect(await audits()).toHaveLength(n + 2);
  });

  it('writes and audits nothing for a change that changes nothing (settings and policies)', async () => {
    const settingsNow = await settings();
    const version = async () => (await db.selectFrom('config').select('value').where('key', '=', '_version').executeTakeFirst())?.value ?? null;
    const rows = await tableCount(t, 'config_audit');
    const v = await version();
    const same = await t.api('PATCH', '/api/settings', { atpHorizonDays: settingsNow.atpHorizonDays, jobs: { backorder: { cron: settingsNow.jobs.backorder.cron } } });
    expectStatus(same, 200);
    expect(same.body).toEqual(settingsNow);
    const policy = (await t.api('GET', '/api/policies')).body;
    expectStatus(await t.api('PUT', '/api/policies', policy), 200);
    expect(await tableCount(t, 'config_audit')).toBe(rows);
    expect(await version(), 'no new configuration version for other processes to re-read').toBe(v);
    // A real change after it is audited as before.
    await patchSettings(t, { atpHorizonDays: settingsNow.atpHorizonDays + 1 });
    expect(await tableCount(t, 'config_audit')).toBe(rows + 1);
    await patchSettings(t, { atpHorizonDays: settingsNow.atpHorizonDays });
  });

  it('takes "today" in the business time zone', async () => {
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 } });
    await seedProducts(t, { 'TZ-1': {} });
    await seedOnHand(t, [['TZ-1', 'EAST', 10]]);
    try {
      // 13:00 UTC on 06-01 is 01:00 on 06-02 in Auckland (NZST, UTC+12, in June).
      await patchSettings(t, { timeZone: 'Pacific/Auckland' });
      await t.setClock('2028-06-01T13:00:00Z');
      const nz = await placeOrder(t, 'tz-nz', [['TZ-1', 1]]);
      expect(nz.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', inventoryAvailabilityDate: '2028-06-02', estimatedShipmentDate: '2028-06-03' });
      expect((await t.api('GET', '/api/atp?sku=TZ-1&locationId=EAST&quantity=1')).body.days[0].date).toBe('2028-06-02');
      // 05:00 UTC on 06-01 is 22:00 on 05-31 in Los Angeles (PDT, UTC-7).
      await patchSettings(t, { timeZone: 'America/Los_Angeles' });
      await t.setClock('2028-06-01T05:00:00Z');
      const la = await placeOrder(t, 'tz-la', [['TZ-1', 1]]);
      expect(la.lines[0]).toMatchObject({ inventoryAvailabilityDate: '2028-05-31', estimatedShipmentDate: '2028-06-01' });
    } finally {
      await patchSettings(t, { timeZone: 'UTC' });
      await t.setClock(T0);
    }
  });
  /** The audit rows of a document, oldest first, checked to form one chain. */
  const auditChain = async (key: 'settings' | 'policies') => {
    const rows = [...(await walk(t, `/api/settings/audit?key=${key}`, 7)).items].reverse();
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].before, `${key} audit row ${rows[i].id}: before is the previous row's after`).toEqual(rows[i - 1].after);
    }
    return rows;
  };

  it('keeps every field of concurrent PATCHes of different fields, and the audit rows chain', async () => {
    const start = await settings();
    const auditsBefore = (await auditChain('settings')).length;
    const reset = { backorders: false, onHandChangeSchedule: false, atpHorizonDays: 90, cancellationSlaDays: null };
    for (let round = 0; round < 10; round++) {
      await patchSettings(t, reset);
      const answers = await Promise.all([
        t.api('PATCH', '/api/settings', { backorders: true }),
        t.api('PATCH', '/api/settings', { onHandChangeSchedule: true }),
        t.api('PATCH', '/api/settings', { atpHorizonDays: 30 + round }),
        t.api('PATCH', '/api/settings', { cancellationSlaDays: 7 + round }),
      ]);
      for (const r of answers) expectStatus(r, 200);
      expect(await settings(), `round ${round}`).toMatchObject({ backorders: true, onHandChangeSchedule: true, atpHorizonDays: 30 + round, cancellationSlaDays: 7 + round });
    }
    const rows = await auditChain('settings');
    expect(rows).toHaveLength(auditsBefore + 10 * 5);
    expect(rows.at(-1)!.after).toEqual(await settings());
    await patchSettings(t, { ...reset, backorders: start.backorders, onHandChangeSchedule: start.onHandChangeSchedule, atpHorizonDays: start.atpHorizonDays, cancellationSlaDays: start.cancellationSlaDays });
    expect(await settings()).toEqual(start);
  });

  it('keeps concurrent policy PUTs and settings PATCHes apart: each document keeps its own chain', async () => {
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2 } });
    const start = await settings();
    const policy = (n: number, where: string) => ({ rules: [{ name: `rule ${n} ${where}`, match: { country: ['US'] }, locationIds: [where] }] });
    const policiesBefore = (await auditChain('policies')).length;
    const settingsBefore = (await auditChain('settings')).length;
    for (let round = 0; round < 10; round++) {
      await patchSettings(t, { backorders: false, atpHorizonDays: 90 });
      const [east, west, a, b] = await Promise.all([
        t.api('PUT', '/api/policies', policy(round, 'EAST')),
        t.api('PUT', '/api/policies', policy(round, 'WEST')),
        t.api('PATCH', '/api/settings', { backorders: true }),
        t.api('PATCH', '/api/settings', { atpHorizonDays: 60 + round }),
      ]);
      for (const r of [east, west, a, b]) expectStatus(r, 200);
      const stored = (await t.api('GET', '/api/policies')).body;
      expect([policy(round, 'EAST'), policy(round, 'WEST')], `round ${round}`).toContainEqual(stored);
      expect(await settings(), `round ${round}`).toMatchObject({ backorders: true, atpHorizonDays: 60 + round });
    }
    const policyRows = await auditChain('policies');
    expect(policyRows).toHaveLength(policiesBefore + 10 * 2);
    expect(policyRows.at(-1)!.after).toEqual((await t.api('GET', '/api/policies')).body);
    const settingRows = await auditChain('settings');
    expect(settingRows).toHaveLength(settingsBefore + 10 * 3);
    expect(settingRows.every((r) => !('rules' in (r.after as object)))).toBe(true);
    expect(policyRows.every((r) => 'rules' in (r.after as object))).toBe(true);
    expectStatus(await t.api('PUT', '/api/policies', { rules: [] }), 200);
    await patchSettings(t, { backorders: start.backorders, atpHorizonDays: start.atpHorizonDays });
    expect(await settings()).toEqual(start);
  });
});
