import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_RETRY_POLICY, afterFailure, retryDelay } from './retry-schedule.ts';

describe('webhook retry schedule (SPEC section 7)', () => {
  it('doubles from about 1 s, with jitter of at most 20 %', () => {
    const nominal = [1_000, 2_000, 4_000, 8_000, 16_000];
    nominal.forEach((d, i) => {
      expect(retryDelay(i + 1, DEFAULT_RETRY_POLICY, 0)).toBe(d * 0.8);
      expect(retryDelay(i + 1, DEFAULT_RETRY_POLICY, 0.5)).toBe(d);
      expect(retryDelay(i + 1, DEFAULT_RETRY_POLICY, 0.999999)).toBeLessThanOrEqual(d * 1.2);
    });
  });

  it('is capped at 1 h, whatever the jitter and the number of attempts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = retryDelay(n, DEFAULT_RETRY_POLICY, r);
        return d > 0 && d <= 3_600_000;
      }),
    );
    expect(retryDelay(13, DEFAULT_RETRY_POLICY, 0.5)).toBe(3_600_000);
  });

  it('every delay is longer than the one before, whatever the jitter, until the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, a, b) => {
        return retryDelay(n + 1, DEFAULT_RETRY_POLICY, a) > retryDelay(n, DEFAULT_RETRY_POLICY, b);
      }),
    );
  });

  it('fails the delivery once the next try would come after its window', () => {
    const policy = { baseMs: 1_000, maxMs: 3_600_000, windowMs: 86_400_000 };
    const createdAt = 0;
    const expiresAt = createdAt + policy.windowMs;
    expect(afterFailure(1_000, 1, expiresAt, policy, 0.5)).toEqual({ status: 'pending', nextAttemptAt: 2_000 });
    expect(afterFailure(expiresAt - 500, 30, expiresAt, policy, 0.5)).toEqual({ status: 'failed' });
    // Walking the whole schedule: attempts stop within the 24 h, roughly 1+2+4... then hourly.
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const next = afterFailure(now, attempts, expiresAt, policy, 0.5);
      if (next.status === 'failed') break;
      expect(next.nextAttemptAt).toBeGreaterThan(now);
      now = next.nextAttemptAt;
    }
    expect(now).toBeLessThanOrEqual(expiresAt);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});
