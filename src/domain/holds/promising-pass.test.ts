import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePriority, promisingPass } from './promising-pass.ts';
import type { PassLine } from './promising-pass.ts';
import { SupplyBook } from '../atp/promising.ts';
import type { Promised } from '../atp/promising.ts';
import { ModelBook, modelDayNumber, modelPass, modelPriorityOrder, overcommittedDay } from '../atp/atp-model.test-support.ts';
import type { ModelPassLine } from '../atp/atp-model.test-support.ts';
import { arbPassLines, arbWorld, supplyOf } from '../atp/atp-arbitraries.test-support.ts';
import type { World } from '../atp/atp-arbitraries.test-support.ts';

const base: PassLine = {
  id: 'l',
  orderId: 'ord_A',
  lineNumber: 1,
  sku: 'S',
  quantity: 1,
  priority: 0,
  orderedAt: 1000,
  launchDate: null,
  candidates: [],
};
const line = (over: Partial<PassLine>): PassLine => ({ ...base, ...over });
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('comparePriority (SPEC section 2: priority desc, orderedAt, order id, lineNumber)', () => {
  it('puts the higher order priority first', () => {
    expect(comparePriority(line({ priority: 9, orderedAt: 5000 }), line({ priority: 0 }))).toBeLessThan(0);
    expect(comparePriority(line({ priority: 0 }), line({ priority: 1 }))).toBeGreaterThan(0);
  });
  it('then the earlier orderedAt', () => {
    expect(comparePriority(line({ orderedAt: 1, orderId: 'ord_Z' }), line({ orderedAt: 2, orderId: 'ord_A' }))).toBeLessThan(0);
  });
  it('then the order id by code point', () => {
    expect(comparePriority(line({ orderId: 'ord_B', lineNumber: 9 }), line({ orderId: 'ord_a', lineNumber: 1 }))).toBeLessThan(0);
    expect(comparePriority(line({ orderId: 'ord_9' }), line({ orderId: 'ord_10' }))).toBeGreaterThan(0);
  });
  it('then the line number', () => {
    expect(comparePriority(line({ lineNumber: 2 }), line({ lineNumber: 10 }))).toBeLessThan(0);
    expect(comparePriority(line({ lineNumber: 3 }), line({ lineNumber: 3 }))).toBe(0);
  });
  it('agrees with the model order on random lines', () => {
    const arbLine = fc.record({
      priority: fc.integer({ min: 0, max: 9 }),
      orderedAt: fc.integer({ min: 0, max: 3 }),
      orderId: fc.constantFrom('ord_A', 'ord_B', 'ord_a', 'ord_10', 'ord_9', 'ord_'),
      lineNumber: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(arbLine, arbLine, (a, b) => {
        const x = line(a);
        const y = line(b);
        expect(sign(comparePriority(x, y))).toBe(sign(modelPriorityOrder(x, y)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('promisingPass worked example (contract-check: backorder job re-dates P1 / P2 by priority)', () => {
  it('P2 (priority 9) takes day 2 and P1 (priority 0, ordered earlier) day 4', () => {
    // PR-5 at EAST: 0 now, +2 on 06-03 (day 2), +2 on 06-05 (day 4); today 2028-06-01.
    const book = new SupplyBook(90, () => ({ available: 0, receipts: [{ day: 2, quantity: 2 }, { day: 4, quantity: 2 }], promises: [] }));
    const east = [{ locationId: 'EAST', handlingDays: 1 }];
    const p1 = line({ id: 'P1', orderId: 'ord_P1', sku: 'PR-5', quantity: 2, priority: 0, orderedAt: 1000, candidates: east });
    const p2 = line({ id: 'P2', orderId: 'ord_P2', sku: 'PR-5', quantity: 2, priority: 9, orderedAt: 2000, candidates: east });
    const result = promisingPass([p1, p2], book, '2028-06-01');
    expect(result.get(p2)).toEqual({ locationId: 'EAST', handlingDays: 1, day: 2 });
    expect(result.get(p1)).toEqual({ locationId: 'EAST', handlingDays: 1, day: 4 });
  });

  it('a later line takes earlier supply only when that delays no line before it', () => {
    // 2 now, +3 on day 5. The first line x4 waits for day 5, leaving P(5..) = 1, so the second line x1 still fits
    // today; after it nothing is left anywhere for the third line x2 without breaking the first line's promise.
    const book = new SupplyBook(10, () => ({ available: 2, receipts: [{ day: 5, quantity: 3 }], promises: [] }));
    const c = [{ locationId: 'EAST', handlingDays: 0 }];
    const first = line({ id: 'a', orderId: 'ord_1', quantity: 4, candidates: c });
    const small = line({ id: 'b', orderId: 'ord_2', quantity: 1, candidates: c });
    const big = line({ id: 'c', orderId: 'ord_3', quantity: 2, candidates: c });
    const result = promisingPass([big, small, first], book, '2028-06-01');
    expect(result.get(first)?.day).toBe(5);
    expect(result.get(small)?.day).toBe(0);
    expect(result.get(big)).toBeNull();
  });

  it('never promises a preorder line before its launch date, nor after the horizon', () => {
    const book = new SupplyBook(10, () => ({ available: 10, receipts: [], promises: [] }));
    const c = [{ locationId: 'EAST', handlingDays: 0 }];
    const launched = line({ id: 'a', launchDate: '2028-05-20', candidates: c });
    const soon = line({ id: 'b', orderId: 'ord_B', launchDate: '2028-06-04', candidates: c });
    const late = line({ id: 'c', orderId: 'ord_C', launchDate: '2028-06-12', candidates: c });
    const result = promisingPass([launched, soon, late], book, '2028-06-01');
    expect(result.get(launched)?.day).toBe(0);
    expect(result.get(soon)?.day).toBe(3);
    expect(result.get(late)).toBeNull();
  });
});

const runPass = (world: World, lines: readonly ModelPassLine[]): Map<string, Promised | null> => {
  const book = new SupplyBook(world.horizon, supplyOf(world));
  const byLine = promisingPass(lines, book, world.today);
  return new Map([...byLine].map(([l, p]) => [l.id, p]));
};

const arbPassCase = arbWorld({ withPromises: false }).chain((world) => fc.tuple(fc.constant(world), arbPassLines(world)));

describe('promisingPass properties (SPEC section 2)', () => {
  it('equals the brute-force pass', () => {
    fc.assert(
      fc.property(arbPassCase, ([world, lines]) => {
        const expected = modelPass(lines, new ModelBook(world.horizon, supplyOf(world)), world.today);
        const got = runPass(world, lines);
        expect(got.size).toBe(lines.length);
        for (const l of lines) expect(got.get(l.id), l.id).toEqual(expected.get(l.id));
      }),
      { numRuns: 500 },
    );
  });

  it('adding a line never changes the promise of a line before it in priority order', () => {
    const arbCase = arbPassCase.chain(([world, lines]) =>
      fc.tuple(fc.constant(world), fc.constant(lines), arbPassLines(world, 1).filter((extra) => extra.length > 0)),
    );
    fc.assert(
      fc.property(arbCase, ([world, lines, extra]) => {
        const added = extra
          .filter((x) => !lines.some((l) => l.id === x.id))
          .map((x) => ({ ...x, priority: lines.find((l) => l.orderId === x.orderId)?.priority ?? x.priority }));
        fc.pre(added.length > 0);
        const before = runPass(world, lines);
        const after = runPass(world, [...lines, ...added]);
        for (const l of lines) {
          if (added.every((x) => modelPriorityOrder(l, x) < 0)) expect(after.get(l.id), l.id).toEqual(before.get(l.id));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('adding a lowest-priority line changes no other promise', () => {
    const arbCase = arbPassCase.chain(([world, lines]) =>
      fc.tuple(fc.constant(world), fc.constant(lines), fc.constantFrom(...world.skus), fc.integer({ min: 1, max: 8 }), fc.subarray([...world.locations])),
    );
    fc.assert(
      fc.property(arbCase, ([world, lines, sku, quantity, locs]) => {
        const last: ModelPassLine = {
          id: 'ord_~#1',
          orderId: 'ord_~',
          lineNumber: 1,
          sku,
          quantity,
          priority: -1,
          orderedAt: Number.MAX_SAFE_INTEGER,
          launchDate: null,
          candidates: locs.map((l) => ({ locationId: l.id, handlingDays: l.handlingDays })),
        };
        const before = runPass(world, lines);
        const after = runPass(world, [last, ...lines]);
        for (const l of lines) expect(after.get(l.id), l.id).toEqual(before.get(l.id));
      }),
      { numRuns: 400 },
    );
  });

  it('changing or removing a line never changes the promise of a line before it', () => {
    const arbCase = arbPassCase
      .filter(([, lines]) => lines.length > 0)
      .chain(([world, lines]) =>
        fc.tuple(
          fc.constant(world),
          fc.constant(lines),
          fc.integer({ min: 0, max: lines.length - 1 }),
          fc.option(
            fc.record({
              quantity: fc.integer({ min: 1, max: 8 }),
              lineNumber: fc.integer({ min: 7, max: 9 }),
              launchOffset: fc.option(fc.integer({ min: -2, max: world.horizon + 2 }), { nil: null }),
              sku: fc.constantFrom(...world.skus),
            }),
            { nil: null },
          ),
        ),
      );
    fc.assert(
      fc.property(arbCase, ([world, lines, index, change]) => {
        const old = lines[index]!;
        const others = lines.filter((_, i) => i !== index);
        const replaced: ModelPassLine | null =
          change === null
            ? null
            : {
                ...old,
                sku: change.sku,
                quantity: change.quantity,
                lineNumber: change.lineNumber,
                launchDate: change.launchOffset === null ? null : new Date((world.todayNumber + change.launchOffset) * 86_400_000).toISOString().slice(0, 10),
              };
        const before = runPass(world, lines);
        const after = runPass(world, replaced ? [...others, replaced] : others);
        for (const l of others) {
          const ahead = modelPriorityOrder(l, old) < 0 && (replaced === null || modelPriorityOrder(l, replaced) < 0);
          if (ahead) expect(after.get(l.id), l.id).toEqual(before.get(l.id));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the sum promised at a location by any day never exceeds what it has by that day', () => {
    fc.assert(
      fc.property(arbPassCase, ([world, lines]) => {
        const got = runPass(world, lines);
        for (const sku of world.skus) {
          for (const loc of world.locations) {
            const s = supplyOf(world)(sku, loc.id);
            const promised = lines
              .filter((l) => l.sku === sku && got.get(l.id)?.locationId === loc.id)
              .map((l) => ({ day: got.get(l.id)!.day, quantity: l.quantity }));
            expect(overcommittedDay(world.horizon, s.available, s.receipts, promised), `${sku}@${loc.id}`).toBeNull();
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every promise is at a candidate of the line, within the horizon, never before launch, and fits where it is', () => {
    fc.assert(
      fc.property(arbPassCase, ([world, lines]) => {
        const got = runPass(world, lines);
        for (const l of lines) {
          const p = got.get(l.id);
          if (p === null || p === undefined) continue;
          const c = l.candidates.find((x) => x.locationId === p.locationId);
          expect(c).toBeDefined();
          expect(p.handlingDays).toBe(c!.handlingDays);
          expect(p.day).toBeGreaterThanOrEqual(0);
          expect(p.day).toBeLessThanOrEqual(world.horizon);
          if (l.launchDate !== null) expect(world.todayNumber + p.day).toBeGreaterThanOrEqual(modelDayNumber(l.launchDate));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order the lines are handed in', () => {
    const arbCase = arbPassCase.chain(([world, lines]) => fc.tuple(fc.constant(world), fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length })));
    fc.assert(
      fc.property(arbCase, ([world, lines, shuffled]) => {
        const a = runPass(world, lines);
        const b = runPass(world, shuffled);
        for (const l of lines) expect(b.get(l.id)).toEqual(a.get(l.id));
      }),
      { numRuns: 300 },
    );
  });
});
