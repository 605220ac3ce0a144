import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { heldCountsOf } from './promised-deltas.ts';
import { skusUpTo } from './next-skus.ts';

const REASONS = ['New', 'PreorderHold', 'BackorderHold', 'AwaitingFulfillment', 'Shipped', 'CanceledByRequest'] as const;
type Reason = (typeof REASONS)[number];
const line = (sku: string, statusReason: Reason) => ({ sku, statusReason });

describe('heldCountsOf', () => {
  it('moves each hold count by the lines entering and leaving it, and lists every sku whose held lines changed', () => {
    expect(
      heldCountsOf([
        { before: null, after: line('B', 'BackorderHold') },
        { before: line('A', 'BackorderHold'), after: line('A', 'AwaitingFulfillment') },
        { before: line('A', 'PreorderHold'), after: line('A', 'BackorderHold') },
        // A re-dated line: no count moves, but the sku's held lines changed (its held version is bumped).
        { before: line('C', 'BackorderHold'), after: line('C', 'BackorderHold') },
        // Nothing held before or after: not listed.
        { before: line('D', 'AwaitingFulfillment'), after: line('D', 'Shipped') },
        { before: null, after: line('E', 'AwaitingFulfillment') },
      ]),
    ).toEqual([
      { sku: 'A', backorder: 0, preorder: -1 },
      { sku: 'B', backorder: 1, preorder: 0 },
      { sku: 'C', backorder: 0, preorder: 0 },
    ]);
  });

  it('keeps the counts equal to the held lines through any sequence of changes', () => {
    const reason = fc.constantFrom(...REASONS);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.array(reason, { minLength: 1, maxLength: 5 })), { maxLength: 20 }), (lines) => {
        const counts = new Map<string, { backorder: number; preorder: number }>();
        for (const [sku, path] of lines) {
          // Placed in its first status reason, then moved through the rest, one change at a time.
          const steps = path.map((to, i) => ({ before: i === 0 ? null : line(sku, path[i - 1]!), after: line(sku, to) }));
          for (const d of heldCountsOf(steps)) {
            const c = counts.get(d.sku) ?? { backorder: 0, preorder: 0 };
            counts.set(d.sku, { backorder: c.backorder + d.backorder, preorder: c.preorder + d.preorder });
          }
        }
        for (const sku of ['A', 'B', 'C']) {
          const last = lines.filter(([s]) => s === sku).map(([, path]) => path[path.length - 1]);
          const want = { backorder: last.filter((r) => r === 'BackorderHold').length, preorder: last.filter((r) => r === 'PreorderHold').length };
          expect(counts.get(sku) ?? { backorder: 0, preorder: 0 }).toEqual(want);
        }
      }),
    );
  });
});

describe('skusUpTo', () => {
  it('takes whole skus in order while their lines fit, and at least one', () => {
    const counted: [string, number][] = [
      ['A', 30],
      ['B', 50],
      ['C', 25],
      ['D', 1],
    ];
    expect(skusUpTo(counted, { maxSkus: 10, maxLines: 100 })).toEqual(['A', 'B']);
    expect(skusUpTo(counted, { maxSkus: 10, maxLines: 105 })).toEqual(['A', 'B', 'C']);
    expect(skusUpTo(counted, { maxSkus: 2, maxLines: 1_000 })).toEqual(['A', 'B']);
    // A sku with more lines than a batch makes a batch alone.
    expect(skusUpTo([['BIG', 5_000], ['A', 1]], { maxSkus: 10, maxLines: 100 })).toEqual(['BIG']);
    expect(skusUpTo([], { maxSkus: 10, maxLines: 100 })).toEqual([]);
  });
});
