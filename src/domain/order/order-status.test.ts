import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveOrderStatus } from './order-status.ts';
import { STATUS_REASONS } from './line-status.ts';
import type { StatusReason } from './line-status.ts';

const of = (...reasons: StatusReason[]) => reasons.map((statusReason) => ({ statusReason }));

describe('deriveOrderStatus (SPEC section 1)', () => {
  it('Canceled when every line is canceled, whatever the reason', () => {
    expect(deriveOrderStatus(of('OutOfStock'))).toBe('Canceled');
    expect(deriveOrderStatus(of('CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock'))).toBe('Canceled');
  });

  it('Fulfilled when every line is shipped or canceled (at least one shipped)', () => {
    expect(deriveOrderStatus(of('Shipped'))).toBe('Fulfilled');
    expect(deriveOrderStatus(of('Shipped', 'CanceledByRequest'))).toBe('Fulfilled');
  });

  it('OnHold when any line is on hold', () => {
    expect(deriveOrderStatus(of('AwaitingFulfillment', 'BackorderHold'))).toBe('OnHold');
    expect(deriveOrderStatus(of('Shipped', 'PreorderHold', 'OutOfStock'))).toBe('OnHold');
  });

  it('InFulfillment otherwise', () => {
    expect(deriveOrderStatus(of('AwaitingFulfillment', 'OutOfStock'))).toBe('InFulfillment');
    expect(deriveOrderStatus(of('AwaitingFulfillment', 'Shipped'))).toBe('InFulfillment');
    // the SPEC's contract example: order H with one line released and one SLA-expired
    expect(deriveOrderStatus(of('AwaitingFulfillment', 'BackorderSlaExpired'))).toBe('InFulfillment');
  });

  it('follows the SPEC rules on any mix of lines', () => {
    const canceled = new Set<StatusReason>(['CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock']);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUS_REASONS), { minLength: 1, maxLength: 6 }), (reasons) => {
        const expected = reasons.every((r) => canceled.has(r))
          ? 'Canceled'
          : reasons.every((r) => canceled.has(r) || r === 'Shipped')
            ? 'Fulfilled'
            : reasons.some((r) => r === 'PreorderHold' || r === 'BackorderHold')
              ? 'OnHold'
              : 'InFulfillment';
        expect(deriveOrderStatus(of(...reasons))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
