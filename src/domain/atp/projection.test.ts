import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Projection, projectionTable } from './projection.ts';
import { toDayNumber } from '../calendar/business-date.ts';
import { modelAtp, modelDayNumber, modelEarliest, modelP } from './atp-model.test-support.ts';
import type { ModelDated, ModelSupply } from './atp-model.test-support.ts';
import { arbHorizon, arbSupply } from './atp-arbitraries.test-support.ts';

const day = (date: string): number => modelDayNumber(date) - modelDayNumber('2028-06-01');

describe('ATP worked example (SPEC section 2, AT-5, today 2028-06-01, H = 90)', () => {
  const east = {
    available: 3,
    receipts: [
      { day: day('2028-06-04'), quantity: 5 },
      { day: day('2028-06-06'), quantity: -4 },
      { day: day('2028-06-20'), quantity: 10 },
    ],
    promises: [],
  };
  const west = {
    available: 0,
    receipts: [
      { day: day('2028-06-01'), quantity: 7 },
      { day: day('2028-06-05'), quantity: 7 },
      { day: day('2028-12-31'), quantity: 50 },
    ],
    promises: [],
  };

  it("places the schedule on days 3, 5 and 19, as the calendar numbers them", () => {
    const calendarDay = (date: string) => toDayNumber(date) - toDayNumber('2028-06-01');
    expect(east.receipts.map((r) => r.day)).toEqual(['2028-06-04', '2028-06-06', '2028-06-20'].map(calendarDay));
    expect(east.receipts.map((r) => r.day)).toEqual([3, 5, 19]);
  });

  it('EAST: P(0..2) = 3, P(3..4) = 8, P(5..18) = 4, P(19..90) = 14', () => {
    const p = new Projection(90, east);
    for (let t = 0; t <= 90; t++) {
      const expected = t <= 2 ? 3 : t <= 4 ? 8 : t <= 18 ? 4 : 14;
      expect(p.projected(t), `P(${t})`).toBe(expected);
    }
  });

  it('EAST: ATP(0..2) = 3, ATP(3..18) = 4 (the -4 on day 5 caps days 3-4), ATP(19..90) = 14', () => {
    const p = new Projection(90, east);
    for (let d = 0; d <= 90; d++) {
      const expected = d <= 2 ? 3 : d <= 18 ? 4 : 14;
      expect(p.atp(d), `ATP(${d})`).toBe(expected);
    }
  });

  it('EAST: earliest q=3 today, q=4 day 3 (06-04), q=5 day 19 (06-20), q=15 none', () => {
    const p = new Projection(90, east);
    expect(p.earliest(3)).toBe(0);
    expect(p.earliest(4)).toBe(3);
    expect(p.earliest(5)).toBe(19);
    expect(p.earliest(15)).toBeNull();
  });

  it("WEST: a receipt dated today and one after the horizon are not counted: P(0..3) = 0, P(4..90) = 7", () => {
    const p = new Projection(90, west);
    for (let t = 0; t <= 90; t++) expect(p.projected(t), `P(${t})`).toBe(t <= 3 ? 0 : 7);
    expect(p.earliest(7)).toBe(4);
    expect(p.earliest(8)).toBeNull();
  });

  it('schedule off (H = 0): EAST P(0) = 3 only, q=3 today, q=4 none', () => {
    const p = new Projection(0, east);
    expect(p.projected(0)).toBe(3);
    expect(p.atp(0)).toBe(3);
    expect(p.earliest(3)).toBe(0);
    expect(p.earliest(4)).toBeNull();
  });

  it('the per-day table carries supply, demand, P and ATP (SPEC section 7)', () => {
    const rows = projectionTable(90, { ...east, promises: [{ day: 4, quantity: 2 }] });
    expect(rows).toHaveLength(91);
    // with 2 promised on day 4: P(4) = 8 - 2 = 6, P(5..18) = 2, so ATP(0..18) = 2
    expect(rows[0]).toEqual({ day: 0, supply: 3, demand: 0, projected: 3, atp: 2 });
    expect(rows[3]).toEqual({ day: 3, supply: 5, demand: 0, projected: 8, atp: 2 });
    expect(rows[4]).toEqual({ day: 4, supply: 0, demand: 2, projected: 6, atp: 2 });
    expect(rows[5]).toEqual({ day: 5, supply: -4, demand: 0, projected: 2, atp: 2 });
    expect(rows[19]).toEqual({ day: 19, supply: 10, demand: 0, projected: 12, atp: 12 });
  });
});

describe('Projection edge rules (SPEC section 2)', () => {
  it('a shortage counts as it is, so later receipts cover it first', () => {
    const p = new Projection(5, { available: -2, receipts: [{ day: 2, quantity: 3 }], promises: [] });
    expect(p.projected(0)).toBe(-2);
    expect(p.projected(2)).toBe(1);
    expect(p.earliest(1)).toBe(2);
    expect(p.earliest(2)).toBeNull();
  });

  it('a promise dated before today counts from day 0; one after the horizon not at all', () => {
    const p = new Projection(3, { available: 5, receipts: [], promises: [{ day: -4, quantity: 2 }, { day: 4, quantity: 3 }] });
    expect([0, 1, 2, 3].map((t) => p.projected(t))).toEqual([3, 3, 3, 3]);
  });

  it('promise() before today takes from day 0, after the horizon takes nothing', () => {
    const p = new Projection(3, { available: 5, receipts: [], promises: [] });
    p.promise(2, -1);
    expect(p.atp(0)).toBe(3);
    p.promise(3, 4);
    expect([0, 1, 2, 3].map((t) => p.projected(t))).toEqual([3, 3, 3, 3]);
  });

  it('earliest never answers a day before fromDay or after the horizon', () => {
    const p = new Projection(4, { available: 5, receipts: [], promises: [] });
    expect(p.earliest(1, 2)).toBe(2);
    expect(p.earliest(1, 4)).toBe(4);
    expect(p.earliest(1, 5)).toBeNull();
    expect(p.earliest(1, -3)).toBe(0);
  });

  it('refuses a negative or fractional horizon', () => {
    expect(() => new Projection(-1, { available: 0, receipts: [], promises: [] })).toThrow(RangeError);
    expect(() => new Projection(1.5, { available: 0, receipts: [], promises: [] })).toThrow(RangeError);
  });
});

const arbCase = arbHorizon.chain((h) => fc.tuple(fc.constant(h), arbSupply(h, true)));

describe('Projection against the brute-force model', () => {
  it('P(t) and ATP(d) equal the definitions for every day', () => {
    fc.assert(
      fc.property(arbCase, ([h, supply]) => {
        const p = new Projection(h, supply);
        for (let t = 0; t <= h; t++) {
          expect(p.projected(t)).toBe(modelP(supply, t));
          expect(p.atp(t)).toBe(modelAtp(supply, h, t));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('ATP is non-decreasing in d', () => {
    fc.assert(
      fc.property(arbCase, ([h, supply]) => {
        const p = new Projection(h, supply);
        for (let d = 1; d <= h; d++) expect(p.atp(d)).toBeGreaterThanOrEqual(p.atp(d - 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('earliest(q, from) is the first feasible day: ATP there covers q, no day from..earlier does', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -2, max: 25 }), fc.integer({ min: -3, max: 27 }), ([h, supply], q, from) => {
        const p = new Projection(h, supply);
        const got = p.earliest(q, from);
        expect(got).toBe(modelEarliest(supply, h, q, from));
        const start = Math.max(0, from);
        const end = got === null ? h : got - 1;
        for (let d = start; d <= end; d++) expect(modelAtp(supply, h, d)).toBeLessThan(q);
        if (got !== null) {
          expect(got).toBeGreaterThanOrEqual(start);
          expect(got).toBeLessThanOrEqual(h);
          expect(modelAtp(supply, h, got)).toBeGreaterThanOrEqual(q);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('promise() updates incrementally to exactly the projection built with those promises', () => {
    const arbPromiseCalls = (h: number) =>
      fc.array(fc.record({ day: fc.integer({ min: -3, max: h + 3 }), quantity: fc.integer({ min: 0, max: 10 }) }), { maxLength: 10 });
    fc.assert(
      fc.property(
        arbCase.chain(([h, supply]) => fc.tuple(fc.constant(h), fc.constant(supply), arbPromiseCalls(h))),
        ([h, supply, calls]) => {
          const p = new Projection(h, supply);
          const made: ModelDated[] = [];
          for (const c of calls) {
            p.promise(c.quantity, c.day);
            made.push(c);
            const now: ModelSupply = { ...supply, promises: [...supply.promises, ...made] };
            for (let t = 0; t <= h; t++) {
              expect(p.projected(t)).toBe(modelP(now, t));
              expect(p.atp(t)).toBe(modelAtp(now, h, t));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('promising q at the earliest day for q never drives ATP below 0 from that day on', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 1, max: 15 }), ([h, supply], q) => {
        const p = new Projection(h, supply);
        const d = p.earliest(q);
        fc.pre(d !== null);
        const before = Array.from({ length: h + 1 }, (_, t) => p.atp(t));
        p.promise(q, d!);
        for (let t = d!; t <= h; t++) {
          expect(p.atp(t)).toBe(before[t]! - q);
          expect(p.atp(t)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('projectionTable rows match the definitions of supply, demand, P and ATP', () => {
    fc.assert(
      fc.property(arbCase, ([h, supply]) => {
        const rows = projectionTable(h, supply);
        expect(rows.map((r) => r.day)).toEqual(Array.from({ length: h + 1 }, (_, t) => t));
        for (const r of rows) {
          const t = r.day;
          const expectedSupply = t === 0 ? supply.available : supply.receipts.filter((x) => x.day === t).reduce((s, x) => s + x.quantity, 0);
          const expectedDemand = supply.promises.filter((x) => (t === 0 ? x.day <= 0 : x.day === t)).reduce((s, x) => s + x.quantity, 0);
          expect(r.supply).toBe(expectedSupply);
          expect(r.demand).toBe(expectedDemand);
          expect(r.projected).toBe(modelP(supply, t));
          expect(r.atp).toBe(modelAtp(supply, h, t));
        }
      }),
      { numRuns: 500 },
    );
  });
});
