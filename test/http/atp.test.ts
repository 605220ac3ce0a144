/**
 * GET /api/atp (SPEC sections 2 and 7): one row per day 0..H with supply, demand, projected = P(t) and
 * atp = ATP(t), and the earliest date for a quantity. Worked examples by hand; today is 2028-06-01 (day 0),
 * H = 90, so the last row is 2028-08-30.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import { queryAtp } from '../../src/app/inventory/query-atp.ts';
import type { TestService } from '../fixtures/test-service.ts';
import {
  SCENARIO_SETTINGS,
  T0,
  TODAY,
  addDays,
  expectProblem,
  expectStatus,
  patchSettings,
  placeOrder,
  seedLocations,
  seedOnHand,
  seedProducts,
  seedSchedules,
} from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('available to promise on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 } });
    await seedProducts(t, {
      'AT-5': {},
      'AT-6': {},
      'AT-7': { preorderEligible: true, launchDate: '2028-06-10' },
      'SH-8': {},
    });
    await patchSettings(t, SCENARIO_SETTINGS);
    // AT-5 at EAST: on hand 3; +5 on 06-04 (day 3), -4 on 06-06 (day 5), +10 on 06-20 (day 19).
    // AT-5 at WEST: nothing on hand; +7 dated today (not counted), +7 on 06-05 (day 4), +50 after the horizon.
    await seedOnHand(t, [['AT-5', 'EAST', 3]]);
    await seedSchedules(t, [
      { sku: 'AT-5', locationId: 'EAST', date: '2028-06-04', quantity: 5 },
      { sku: 'AT-5', locationId: 'EAST', date: '2028-06-06', quantity: -4 },
      { sku: 'AT-5', locationId: 'EAST', date: '2028-06-20', quantity: 10 },
      { sku: 'AT-5', locationId: 'WEST', date: TODAY, quantity: 7 },
      { sku: 'AT-5', locationId: 'WEST', date: '2028-06-05', quantity: 7 },
      { sku: 'AT-5', locationId: 'WEST', date: '2028-12-31', quantity: 50 },
    ]);
  });
  afterAll(async () => t?.close());

  const atp = async (sku: string, locationId: string, quantity: number) => {
    const r = await t.api('GET', `/api/atp?sku=${sku}&locationId=${locationId}&quantity=${quantity}`);
    expectStatus(r, 200);
    return r.body;
  };
  const row = (answer: any, date: string) => answer.days.find((d: any) => d.date === date);

  it('answers one row per day 0..H with supply, demand, projected and atp', async () => {
    const a = await atp('AT-5', 'EAST', 4);
    expect(a).toMatchObject({ sku: 'AT-5', locationId: 'EAST', quantity: 4 });
    expect(a.days).toHaveLength(91);
    expect(a.days.map((d: any) => d.date)).toEqual(Array.from({ length: 91 }, (_, i) => addDays(TODAY, i)));
    // P(0..2) = 3; P(3..4) = 8; P(5..18) = 4; P(19..90) = 14. ATP(0..2) = 3; ATP(3..18) = 4; ATP(19..90) = 14.
    const p = (i: number) => (i <= 2 ? 3 : i <= 4 ? 8 : i <= 18 ? 4 : 14);
    const atpOf = (i: number) => (i <= 2 ? 3 : i <= 18 ? 4 : 14);
    const supply: Record<number, number> = { 0: 3, 3: 5, 5: -4, 19: 10 };
    a.days.forEach((d: any, i: number) => {
      expect(d, d.date).toEqual({ date: addDays(TODAY, i), supply: supply[i] ?? 0, demand: 0, projected: p(i), atp: atpOf(i) });
    });
  });

  it('gives the earliest date for a quantity, or null within the horizon', async () => {
    const cases: [number, string | null][] = [[3, TODAY], [4, '2028-06-04'], [5, '2028-06-20'], [14, '2028-06-20'], [15, null]];
    for (const [q, date] of cases) expect((await atp('AT-5', 'EAST', q)).earliestDate, `quantity ${q}`).toBe(date);
    // WEST: the receipt dated today and the one after the horizon are not counted.
    const west7 = await atp('AT-5', 'WEST', 7);
    expect(west7.earliestDate).toBe('2028-06-05');
    expect(west7.days[0]).toMatchObject({ date: TODAY, supply: 0, projected: 0 });
    expect(row(west7, '2028-06-05')).toMatchObject({ supply: 7, projected: 7, atp: 7 });
    expect((await atp('AT-5', 'WEST', 8)).earliestDate).toBeNull();
  });

  it('counts what held lines are promised as demand on their day', async () => {
    // AT-6 at EAST: on hand 2, +3 on 06-04 (day 3). A backordered x4 is promised there on day 3:
    // P(0..2) = 2, P(3..) = 2 + 3 - 4 = 1, so ATP is 1 on every day.
    await seedOnHand(t, [['AT-6', 'EAST', 2]]);
    await seedSchedules(t, [{ sku: 'AT-6', locationId: 'EAST', date: '2028-06-04', quantity: 3 }]);
    const o = await placeOrder(t, 'atp-held', [['AT-6', 4]]);
    expect(o.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-04' });
    const a = await atp('AT-6', 'EAST', 1);
    expect(a.days[0]).toEqual({ date: TODAY, supply: 2, demand: 0, projected: 2, atp: 1 });
    expect(row(a, '2028-06-04')).toEqual({ date: '2028-06-04', supply: 3, demand: 4, projected: 1, atp: 1 });
    expect(a.days.at(-1)).toMatchObject({ projected: 1, atp: 1 });
    expect(a.earliestDate).toBe(TODAY);
    expect((await atp('AT-6', 'EAST', 2)).earliestDate).toBeNull();

    // A preorder line's promise counts the same way: AT-7 x2 promised at launch (06-10) from +5 on 06-03.
    await seedSchedules(t, [{ sku: 'AT-7', locationId: 'EAST', date: '2028-06-03', quantity: 5 }]);
    const pre = await placeOrder(t, 'atp-pre', [['AT-7', 2]]);
    expect(pre.lines[0]).toMatchObject({ statusReason: 'PreorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10' });
    const b = await atp('AT-7', 'EAST', 3);
    expect(b.days[0]).toMatchObject({ projected: 0, atp: 0 });
    expect(row(b, '2028-06-03')).toMatchObject({ supply: 5, demand: 0, projected: 5, atp: 3 });
    expect(row(b, '2028-06-10')).toMatchObject({ supply: 0, demand: 2, projected: 3, atp: 3 });
    expect(b.earliestDate).toBe('2028-06-03');
    expect((await atp('AT-7', 'EAST', 4)).earliestDate).toBeNull();
  });

  it('counts a shortage as negative supply, so later receipts cover it first', async () => {
    await seedOnHand(t, [['SH-8', 'EAST', 3]]);
    await placeOrder(t, 'atp-short', [['SH-8', 3]]);
    await seedOnHand(t, [['SH-8', 'EAST', 1]]);
    await seedSchedules(t, [{ sku: 'SH-8', locationId: 'EAST', date: '2028-06-05', quantity: 3 }]);
    // available = 1 - 3 = -2; P(0..3) = -2, P(4..) = 1.
    const a = await atp('SH-8', 'EAST', 1);
    expect(a.days[0]).toEqual({ date: TODAY, supply: -2, demand: 0, projected: -2, atp: -2 });
    expect(row(a, '2028-06-05')).toMatchObject({ supply: 3, projected: 1, atp: 1 });
    expect(a.earliestDate).toBe('2028-06-05');
    expect((await atp('SH-8', 'EAST', 2)).earliestDate).toBeNull();
  });

  it('follows the horizon setting, and with the schedule off has day 0 alone', async () => {
    await patchSettings(t, { atpHorizonDays: 10 });
    try {
      const a = await atp('AT-5', 'EAST', 4);
      expect(a.days).toHaveLength(11);
      expect(a.days.at(-1).date).toBe('2028-06-11');
      expect(a.earliestDate).toBe('2028-06-04');
      expect((await atp('AT-5', 'EAST', 5)).earliestDate).toBeNull();
    } finally {
      await patchSettings(t, { atpHorizonDays: 90 });
    }
    await patchSettings(t, { onHandChangeSchedule: false });
    try {
      const a = await atp('AT-5', 'EAST', 3);
      expect(a.days).toEqual([{ date: TODAY, supply: 3, demand: 0, projected: 3, atp: 3 }]);
      expect(a.earliestDate).toBe(TODAY);
      expect((await atp('AT-5', 'EAST', 4)).earliestDate).toBeNull();
    } finally {
      await patchSettings(t, { onHandChangeSchedule: true });
    }
  });

  it('writes the per-location answer exactly as JSON.stringify writes the answer (its text is written by hand)', async () => {
    for (const [sku, locationId, quantity] of [
      ['AT-5', 'EAST', 4],
      ['AT-5', 'WEST', 30],
      ['AT-6', 'EAST', 1],
      ['AT-7', 'WEST', 2],
    ] as const) {
      const r = await t.api('GET', `/api/atp?sku=${sku}&locationId=${locationId}&quantity=${quantity}`);
      expectStatus(r, 200);
      expect(r.text).toBe(JSON.stringify(await queryAtp(t.service.ctx, sku, locationId, quantity)));
    }
  });

  it('refuses bad queries and unknown skus or locations as problems', async () => {
    expectProblem(await t.api('GET', '/api/atp?sku=AT-5&locationId=EAST&quantity=0'), 400, '/quantity');
    expectProblem(await t.api('GET', '/api/atp?sku=AT-5&locationId=EAST&quantity=1.5'), 400, '/quantity');
    expectProblem(await t.api('GET', '/api/atp?sku=AT-5&locationId=EAST&quantity=two'), 400, '/quantity');
    expectProblem(await t.api('GET', '/api/atp?locationId=EAST&quantity=1'), 400, '/sku');
    expectProblem(await t.api('GET', '/api/atp?sku=NOPE-1&locationId=EAST&quantity=1'), 404);
    expectProblem(await t.api('GET', '/api/atp?sku=AT-5&locationId=MOON&quantity=1'), 404);
  });

  // Last: it moves the clock. On 2028-06-06 AT-6's held line is promised on 06-04, before today: its 4 count
  // from day 0, and the +3 dated 06-04 is no longer counted. P(t) = 2 - 4 = -2 on every day.
  it('counts a promise dated before today from day 0', async () => {
    await t.setClock('2028-06-06T09:00:00Z');
    const a = await atp('AT-6', 'EAST', 1);
    expect(a.days).toHaveLength(91);
    expect(a.days[0]).toEqual({ date: '2028-06-06', supply: 2, demand: 4, projected: -2, atp: -2 });
    expect(a.days.at(-1)).toMatchObject({ date: addDays('2028-06-06', 90), projected: -2, atp: -2 });
    expect(a.earliestDate).toBeNull();
  });
});
