/**
 * Dates stay valid everywhere (issues 11.1 and 11.2):
 *  - the clock refuses instants the service cannot handle (a 400 naming `now`): it stays one day inside
 *    0001-01-01..9999-12-31, so the business date is a real `YYYY-MM-DD` in every time zone;
 *  - at the ends of the range intake, ATP, both jobs and the lists answer (no 500), with horizons cut at
 *    9999-12-31 and shipment dates that stay inside it, and nothing half-done is left behind;
 *  - a property test (fast-check) drives random instants (the extremes of the JS Date range among them), time
 *    zones and horizons through intake, ATP and both jobs: never a 5xx, every date a valid `YYYY-MM-DD`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { ApiResponse, TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';
import { isBusinessDate } from '../../src/domain/calendar/business-date.ts';

const DATE_FIELDS = new Set(['date', 'today', 'earliestDate', 'inventoryAvailabilityDate', 'estimatedShipmentDate', 'launchDate']);

/** Every date-named field anywhere in an answer is null or a real calendar date of years 0001-9999. */
function expectValidDates(value: unknown, where: string): void {
  if (Array.isArray(value)) return value.forEach((v, i) => expectValidDates(v, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (DATE_FIELDS.has(k) && v !== null) expect(typeof v === 'string' && isBusinessDate(v), `${where}.${k} = ${JSON.stringify(v)}`).toBe(true);
    else expectValidDates(v, `${where}.${k}`);
  }
}

function expectAnswered(r: ApiResponse, where: string): void {
  expect(r.status, `${where}: ${r.status} ${r.text.slice(0, 300)}`).toBe(200);
  expectValidDates(r.body, where);
}

describe.each(DATABASE_KINDS)('dates at the ends of the calendar on %s', (kind) => {
  let t: TestService;
  let n = 0;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await patchSettings(t, { onHandChangeSchedule: true, backorders: true, cancellationSlaDays: 30, jobs: { backorder: { onSupplyChange: false } } });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 365 }, WEST: { priority: 2, handlingDays: 0 } });
    await seedProducts(t, { 'DT-IN': {}, 'DT-OUT': {}, 'DT-PRE': { preorderEligible: true, launchDate: '9999-12-31' } });
    await seedOnHand(t, [['DT-IN', 'EAST', 1_000_000]]);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Intake (released, backordered, preordered), ATP at a location and anywhere, both jobs, the lists. */
  async function everything(tag: string): Promise<void> {
    for (const sku of ['DT-IN', 'DT-OUT', 'DT-PRE']) {
      const r = await t.api('POST', '/api/orders', { externalId: `DT-${tag}-${sku}-${n++}`, lines: [{ sku, quantity: 1 }] });
      expect(r.status, `${tag} intake ${sku}: ${r.text.slice(0, 300)}`).toBe(201);
      expectValidDates(r.body, `${tag} intake ${sku}`);
    }
    expectAnswered(await t.api('GET', '/api/atp?sku=DT-IN&locationId=EAST&quantity=2'), `${tag} atp`);
    expectAnswered(await t.api('GET', '/api/atp?sku=DT-OUT&quantity=2'), `${tag} atp anywhere`);
    for (const job of ['backorder', 'preorder']) {
      const run = await t.api('POST', `/api/jobs/${job}/runs?wait=true`);
      expect(run.status, `${tag} ${job} run: ${run.text.slice(0, 300)}`).toBe(200);
      expect(run.body.status, `${tag} ${job} run: ${run.text.slice(0, 300)}`).toBe('succeeded');
      const details = await t.api('GET', `/api/jobs/runs/${run.body.id}?limit=500`);
      expectAnswered(details, `${tag} ${job} run details`);
    }
    expectAnswered(await t.api('GET', '/api/orders?limit=500'), `${tag} orders`);
    expectAnswered(await t.api('GET', '/api/order-lines?limit=500'), `${tag} lines`);
  }

  it('refuses clock instants outside 0001-01-02T00:00:00Z..9999-12-30T23:59:59.999Z with a 400 naming now', async () => {
    for (const now of ['9999-12-31T00:00:00Z', '9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '0001-01-01T23:59:59.999Z']) {
      const r = await t.api('PUT', '/api/admin/clock', { now });
      expectProblem(r, 400, '/now');
      expect(r.body.errors[0].message).toBe('must be an instant from 0001-01-02T00:00:00.000Z to 9999-12-30T23:59:59.999Z');
    }
    expect((await t.api('GET', '/api/admin/clock')).body.now).toBe(new Date(T0).toISOString());
  });

  it('answers intake, ATP, both jobs and the lists at the last instant, in the zone furthest ahead, and after', async () => {
    await t.setClock('9999-12-30T23:59:59.999Z');
    await everything('last-utc');
    // Kiritimati is UTC+14: today is 9999-12-31 there, the last date there is; the horizon is day 0 alone.
    await patchSettings(t, { timeZone: 'Pacific/Kiritimati', atpHorizonDays: 2 });
    const atp = await t.api('GET', '/api/atp?sku=DT-IN&locationId=EAST');
    expectStatus(atp, 200);
    expect(atp.body).toMatchObject({ today: '9999-12-31', horizonDays: 0 });
    expect(atp.body.days.map((d: { date: string }) => d.date)).toEqual(['9999-12-31']);
    await everything('last-kiritimati');
    const released = await placeOrder(t, `DT-esd-${n++}`, [['DT-IN', 1]]);
    // 365 handling days past 9999-12-31 stay on 9999-12-31.
    expect(released.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', inventoryAvailabilityDate: '9999-12-31', estimatedShipmentDate: '9999-12-31' });

    // UTC, horizon 2 on 9999-12-30: two days, never "+010000-01-01".
    await patchSettings(t, { timeZone: 'UTC' });
    const two = await t.api('GET', '/api/atp?sku=DT-IN&locationId=EAST');
    expect(two.body.days.map((d: { date: string }) => d.date)).toEqual(['9999-12-30', '9999-12-31']);

    // Back to an ordinary time: the lists that failed for good before still answer.
    await t.setClock(T0);
    await patchSettings(t, { atpHorizonDays: 90 });
    await everything('after');
  });

  it('answers intake, ATP, both jobs and the lists at the first instant, in the zone furthest behind', async () => {
    await t.setClock('0001-01-02T00:00:00Z');
    await patchSettings(t, { timeZone: 'Etc/GMT+12' });
    expect((await t.api('GET', '/api/atp?sku=DT-IN&locationId=EAST')).body.today).toBe('0001-01-01');
    await everything('first');
    await patchSettings(t, { timeZone: 'UTC' });
    await t.setClock(T0);
  });
});

const ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Etc/GMT+12', 'Etc/GMT-14', 'Asia/Kolkata', 'America/St_Johns', 'Australia/Lord_Howe', 'Europe/Berlin', 'America/New_York'];
const JS_MIN = -8_640_000_000_000_000;
const JS_MAX = 8_640_000_000_000_000;
const edge = (iso: string) => Date.parse(iso);

/** Instants of every kind: anywhere in the JS range, near its ends, and near the ends of the supported range. */
const arbInstant = fc.oneof(
  fc.integer({ min: JS_MIN, max: JS_MAX }),
  fc.constantFrom(JS_MIN, JS_MAX, 0, edge('0000-01-01T00:00:00Z'), edge('0001-01-01T23:59:59.999Z'), edge('0001-01-02T00:00:00Z'), edge('9999-12-30T23:59:59.999Z'), edge('9999-12-31T00:00:00Z')),
  fc.integer({ min: edge('0001-01-01T00:00:00Z'), max: edge('0001-01-04T00:00:00Z') }),
  fc.integer({ min: edge('9999-12-29T00:00:00Z'), max: edge('9999-12-31T23:59:59.999Z') }),
  fc.integer({ min: edge('1990-01-01T00:00:00Z'), max: edge('2100-01-01T00:00:00Z') }),
);

describe.each(DATABASE_KINDS)('random instants, zones and horizons through intake, ATP and both jobs on %s', (kind) => {
  let t: TestService;
  let n = 0;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await patchSettings(t, { backorders: true, jobs: { backorder: { onSupplyChange: false } } });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 3 }, WEST: { priority: 2, handlingDays: 365 } });
    await seedProducts(t, { 'PR-IN': {}, 'PR-OUT': {}, 'PR-PRE': { preorderEligible: true, launchDate: '2028-06-10' } });
    await seedOnHand(t, [['PR-IN', 'WEST', 1_000_000]]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never answers 5xx, and writes only valid dates', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbInstant,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 365 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 3650 }), { nil: null }),
        fc.integer({ min: -400, max: 400 }),
        async (instant, timeZone, atpHorizonDays, onHandChangeSchedule, cancellationSlaDays, launchOffset) => {
          expectStatus(await t.api('PATCH', '/api/settings', { timeZone, atpHorizonDays, onHandChangeSchedule, cancellationSlaDays }), 200);
          const iso = new Date(instant).toISOString();
          const supported = instant >= edge('0001-01-02T00:00:00Z') && instant <= edge('9999-12-30T23:59:59.999Z');
          const clock = await t.api('PUT', '/api/admin/clock', { now: iso });
          if (!supported) {
            expect(clock.status, `${iso}: ${clock.text}`).toBe(400);
            return;
          }
          expect(clock.status, `${iso}: ${clock.text}`).toBe(200);
          // A launch date near today (clamped to the calendar), so preorders launch or wait.
          const launchDay = Math.min(Math.max(Math.floor(instant / 86_400_000) + launchOffset, edge('0001-01-01T00:00:00Z') / 86_400_000), edge('9999-12-31T00:00:00Z') / 86_400_000);
          const launchDate = new Date(launchDay * 86_400_000).toISOString().slice(0, 10);
          expectStatus(await t.api('PATCH', '/api/products/PR-PRE', { launchDate }), 200);
          for (const sku of ['PR-IN', 'PR-OUT', 'PR-PRE']) {
            const r = await t.api('POST', '/api/orders', { externalId: `PR-${n++}`, lines: [{ sku, quantity: 1 }] });
            expect(r.status, `${iso} ${timeZone} intake ${sku}: ${r.text.slice(0, 300)}`).toBe(201);
            expectValidDates(r.body, `intake ${sku}`);
          }
          expectAnswered(await t.api('GET', '/api/atp?sku=PR-IN&locationId=WEST&quantity=3'), `${iso} atp`);
          expectAnswered(await t.api('GET', '/api/atp?sku=PR-OUT'), `${iso} atp anywhere`);
          for (const job of ['backorder', 'preorder']) {
            const run = await t.api('POST', `/api/jobs/${job}/runs?wait=true`);
            expect(run.status, `${iso} ${timeZone} ${job}: ${run.text.slice(0, 300)}`).toBe(200);
            expect(run.body.status, `${iso} ${timeZone} ${job}: ${run.text.slice(0, 300)}`).toBe('succeeded');
            expectAnswered(await t.api('GET', `/api/jobs/runs/${run.body.id}?limit=500`), `${iso} ${job} details`);
          }
          expectAnswered(await t.api('GET', '/api/order-lines?limit=100'), `${iso} lines`);
        },
      ),
      { numRuns: 30 },
    );
  });
});
