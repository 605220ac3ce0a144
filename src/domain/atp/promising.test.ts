import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SupplyBook } from './promising.ts';
import type { SupplyInput } from './projection.ts';
import { ModelBook } from './atp-model.test-support.ts';
import { arbCandidates, arbWorld, supplyOf } from './atp-arbitraries.test-support.ts';

const supply = (available: number, receipts: [number, number][] = []): SupplyInput => ({
  available,
  receipts: receipts.map(([day, quantity]) => ({ day, quantity })),
  promises: [],
});

describe('SupplyBook', () => {
  const EAST = { locationId: 'EAST', handlingDays: 1 };
  const WEST = { locationId: 'WEST', handlingDays: 2 };

  it('promises at the candidate with the earliest day', () => {
    const book = new SupplyBook(10, (_sku, loc) => (loc === 'EAST' ? supply(0, [[5, 4]]) : supply(0, [[2, 4]])));
    expect(book.find('S', 3, [EAST, WEST])).toEqual({ locationId: 'WEST', handlingDays: 2, day: 2 });
  });

  it('breaks a tie on the day by the order of the candidates (location order)', () => {
    const book = new SupplyBook(10, () => supply(0, [[3, 4]]));
    expect(book.find('S', 3, [EAST, WEST])).toEqual({ locationId: 'EAST', handlingDays: 1, day: 3 });
    expect(book.find('S', 3, [WEST, EAST])).toEqual({ locationId: 'WEST', handlingDays: 2, day: 3 });
  });

  it('find takes nothing; promise takes the quantity so the next line sees it', () => {
    const book = new SupplyBook(10, () => supply(3, [[4, 3]]));
    expect(book.find('S', 3, [EAST])?.day).toBe(0);
    expect(book.find('S', 3, [EAST])?.day).toBe(0);
    expect(book.promise('S', 3, [EAST])?.day).toBe(0);
    expect(book.promise('S', 3, [EAST])?.day).toBe(4);
    expect(book.promise('S', 1, [EAST])).toBeNull();
  });

  it('a promise that fits nowhere takes nothing', () => {
    const book = new SupplyBook(5, () => supply(2));
    expect(book.promise('S', 3, [EAST])).toBeNull();
    expect(book.promise('S', 2, [EAST])?.day).toBe(0);
  });

  it('honours the not-before day', () => {
    const book = new SupplyBook(10, () => supply(5));
    expect(book.find('S', 1, [EAST], 6)?.day).toBe(6);
    expect(book.find('S', 1, [EAST], 11)).toBeNull();
  });

  it('builds each (sku, location) projection once and keeps skus apart', () => {
    const calls: string[] = [];
    const book = new SupplyBook(3, (sku, loc) => {
      calls.push(`${sku}@${loc}`);
      return supply(2);
    });
    book.promise('A', 2, [EAST]);
    book.promise('A', 1, [EAST, WEST]);
    expect(book.find('B', 2, [EAST])?.day).toBe(0);
    expect(calls.sort()).toEqual(['A@EAST', 'A@WEST', 'B@EAST']);
    expect(book.projection('A', 'EAST').atp(0)).toBe(0);
    expect(book.projection('A', 'WEST').atp(0)).toBe(1);
  });

  it('matches the brute-force model over a random sequence of find / promise calls', () => {
    const arbCase = arbWorld({ withPromises: true }).chain((world) =>
      fc.tuple(
        fc.constant(world),
        fc.array(
          fc.record({
            sku: fc.constantFrom(...world.skus),
            quantity: fc.integer({ min: 1, max: 10 }),
            candidates: arbCandidates(world),
            notBefore: fc.integer({ min: -2, max: world.horizon + 2 }),
            take: fc.boolean(),
          }),
          { maxLength: 10 },
        ),
      ),
    );
    fc.assert(
      fc.property(arbCase, ([world, calls]) => {
        const book = new SupplyBook(world.horizon, supplyOf(world));
        const model = new ModelBook(world.horizon, supplyOf(world));
        for (const c of calls) {
          const expected = model.find(c.sku, c.quantity, c.candidates, c.notBefore);
          const got = c.take ? book.promise(c.sku, c.quantity, c.candidates, c.notBefore) : book.find(c.sku, c.quantity, c.candidates, c.notBefore);
          expect(got).toEqual(expected);
          if (c.take && expected) model.addPromise(c.sku, expected.locationId, expected.day, c.quantity);
        }
        for (const sku of world.skus) {
          for (const l of world.locations) {
            for (let d = 0; d <= world.horizon; d++) expect(book.projection(sku, l.id).atp(d)).toBe(model.atp(sku, l.id, d));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
