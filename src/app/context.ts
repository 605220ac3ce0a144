import type { Clock } from './clock.ts';
import type { IdGenerator } from './ids.ts';
import type { Database } from '../store/database.ts';
import type { Metrics } from './metrics.ts';

export const ROLES = ['admin', 'operator', 'integration', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who asks: the API key's id (what audits record) and its role. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
}

/** What every use case gets: the database, the clock, ids, a way to say supply changed, and the metrics port. */
export interface AppContext {
  readonly database: Database;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /**
   * Called after a commit that changed what these skus can promise (on-hand, adjustments, schedule entries, freed
   * reservations or promises): starts an event-triggered backorder run, which releases what now fits and re-dates
   * the promises that no longer hold.
   */
  readonly supplyChanged: (skus: readonly string[]) => void;
  /** Told about committed work (orders, line moves, job runs, webhook attempts); `noopMetrics` when nobody listens. */
  readonly metrics: Metrics;
}
