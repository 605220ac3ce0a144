import { describe, expect, it } from 'vitest';
import { ALLOWED_MOVES, canMove, eventTypeOf, isCanceled, isHeld, isStatusReason, STATE_OF, STATUS_REASONS } from './line-status.ts';
import type { StatusReason } from './line-status.ts';

// SPEC section 1, written out independently of the table under test.
const SPEC_MOVES: Record<string, string[]> = {
  New: ['PreorderHold', 'BackorderHold', 'AwaitingFulfillment', 'OutOfStock'],
  PreorderHold: ['AwaitingFulfillment', 'BackorderHold', 'OutOfStock', 'CanceledByRequest'],
  BackorderHold: ['AwaitingFulfillment', 'BackorderSlaExpired', 'CanceledByRequest'],
  AwaitingFulfillment: ['Shipped', 'CanceledByRequest'],
};
const SPEC_STATE: Record<string, string> = {
  New: 'Open',
  PreorderHold: 'OnHold',
  BackorderHold: 'OnHold',
  AwaitingFulfillment: 'InFulfillment',
  Shipped: 'Fulfilled',
  CanceledByRequest: 'Canceled',
  BackorderSlaExpired: 'Canceled',
  OutOfStock: 'Canceled',
};

const pairs = STATUS_REASONS.flatMap((from) => STATUS_REASONS.map((to) => [from, to] as const));

describe('line state machine (SPEC section 1)', () => {
  it('knows exactly the eight status reasons of the SPEC', () => {
    expect([...STATUS_REASONS].sort()).toEqual(Object.keys(SPEC_STATE).sort());
  });

  it.each(pairs.filter(([f, t]) => SPEC_MOVES[f]?.includes(t)))('allows %s -> %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each(pairs.filter(([f, t]) => !SPEC_MOVES[f]?.includes(t)))('refuses %s -> %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it('has 13 allowed moves in all, and none out of a terminal reason', () => {
    expect(pairs.filter(([f, t]) => canMove(f, t))).toHaveLength(13);
    for (const terminal of ['Shipped', 'CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock'] as const) expect(ALLOWED_MOVES[terminal]).toEqual([]);
  });

  it.each(STATUS_REASONS.map((r) => [r, SPEC_STATE[r]] as const))('%s is in state %s', (reason, state) => {
    expect(STATE_OF[reason]).toBe(state);
  });

  it('held and canceled reasons', () => {
    expect(STATUS_REASONS.filter(isHeld)).toEqual(['PreorderHold', 'BackorderHold']);
    expect(STATUS_REASONS.filter(isCanceled).sort()).toEqual(['BackorderSlaExpired', 'CanceledByRequest', 'OutOfStock']);
  });

  it('recognises status reasons', () => {
    expect(isStatusReason('BackorderHold')).toBe(true);
    expect(isStatusReason('backorderhold')).toBe(false);
    expect(isStatusReason('OnHold')).toBe(false);
  });

  it('maps each move to its event type (SPEC section 7 webhook events)', () => {
    const expected: [StatusReason, string][] = [
      ['PreorderHold', 'line.preordered'],
      ['BackorderHold', 'line.backordered'],
      ['AwaitingFulfillment', 'line.released'],
      ['Shipped', 'line.shipped'],
      ['CanceledByRequest', 'line.canceled'],
      ['BackorderSlaExpired', 'line.canceled'],
      ['OutOfStock', 'line.canceled'],
    ];
    for (const [to, type] of expected) expect(eventTypeOf(to)).toBe(type);
    expect(() => eventTypeOf('New')).toThrow();
  });
});
