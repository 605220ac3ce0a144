/**
 * How a run sizes its batches: fixed when no target is set; otherwise from the smallest batch towards the number of
 * lines that keeps the request thread busy for about the target time, never below 100 lines or above the cap, and
 * without one slow batch halving the next.
 */
import { describe, expect, it } from 'vitest';
import { BatchSize } from '../../src/jobs/runner.ts';

describe('batch size', () => {
  it('is the cap when no target is set', () => {
    const size = new BatchSize(2_000, null);
    size.took(500, 2_000);
    expect(size.next()).toBe(2_000);
  });

  it('converges to the lines that take the target time, within 100 and the cap', () => {
    const fast = new BatchSize(2_000, 15);
    // The first batch, before any has been timed, is the smallest: it runs on code not yet warmed up.
    expect(fast.next()).toBe(100);
    for (let i = 0; i < 20; i++) fast.took(fast.next() * 0.01, fast.next()); // 10 µs a line: 1,500 lines
    expect(fast.next()).toBe(1_500);
    const faster = new BatchSize(2_000, 15);
    for (let i = 0; i < 20; i++) faster.took(faster.next() * 0.001, faster.next()); // 1 µs a line: the cap
    expect(faster.next()).toBe(2_000);
    const slow = new BatchSize(2_000, 15);
    for (let i = 0; i < 20; i++) slow.took(slow.next() * 1, slow.next()); // 1 ms a line: the floor
    expect(slow.next()).toBe(100);
  });

  it('does not let one slow batch halve the next', () => {
    const size = new BatchSize(2_000, 15);
    for (let i = 0; i < 20; i++) size.took(size.next() * 0.01, size.next());
    size.took(size.next() * 0.04, size.next()); // one batch four times as slow (a collection, a checkpoint)
    expect(size.next()).toBeGreaterThan(750);
    expect(size.next()).toBeLessThan(1_500);
  });

  it('spans up to ten times its lines while the skus it meets are settled, and comes back when they are not', () => {
    const size = new BatchSize(2_000, null);
    for (let i = 0; i < 12; i++) size.took(1, size.next(), 1);
    expect(size.next()).toBe(20_000);
    size.took(1, 20_000, 0); // a batch of skus planned again: the next one is about twice the cap, then less
    expect(size.next()).toBeGreaterThan(2_000);
    expect(size.next()).toBeLessThanOrEqual(4_000);
    for (let i = 0; i < 30; i++) size.took(1, size.next(), 0);
    expect(size.next()).toBe(2_000);
    const half = new BatchSize(2_000, null);
    for (let i = 0; i < 30; i++) half.took(1, half.next(), 0.5);
    expect(half.next()).toBe(4_000);
  });
});
