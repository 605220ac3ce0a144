/**
 * When a webhook delivery is tried again (SPEC section 7): exponential backoff from a base delay (about 1 s,
 * 2 s, 4 s ...), capped (1 h), with jitter so that many deliveries failing together do not retry together;
 * once the next try would fall after the delivery's window (24 h after the event), the delivery has failed.
 */
export interface RetryPolicy {
  /** The delay after the first failed attempt. */
  readonly baseMs: number;
  /** No delay is longer than this. */
  readonly maxMs: number;
  /** How long after the event the delivery is still tried. */
  readonly windowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, maxMs: 3_600_000, windowMs: 86_400_000 };

/** Jitter: each delay is the nominal one times a factor in [0.8, 1.2), so consecutive delays still grow. */
const JITTER = 0.2;

/**
 * The delay after `failedAttempts` failed attempts (1 for the first failure): base x 2^(n-1) with jitter,
 * never above the cap. `random01` is a number in [0, 1).
 */
export function retryDelay(failedAttempts: number, policy: RetryPolicy, random01: number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  const nominal = Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
  return Math.min(Math.round(nominal * (1 - JITTER + 2 * JITTER * random01)), policy.maxMs);
}

export type AfterFailure = { readonly status: 'pending'; readonly nextAttemptAt: number } | { readonly status: 'failed' };

/** What a failed attempt leads to: another try after the backoff delay, or failure when that try would come too late. */
export function afterFailure(now: number, failedAttempts: number, expiresAt: number, policy: RetryPolicy, random01: number): AfterFailure {
  const next = now + retryDelay(failedAttempts, policy, random01);
  return next > expiresAt ? { status: 'failed' } : { status: 'pending', nextAttemptAt: next };
}
