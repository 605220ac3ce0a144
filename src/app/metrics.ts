/**
 * The metrics port: what use cases and jobs report after they commit. The service plugs in a Prometheus
 * implementation (monitoring/prometheus-metrics.ts); CLI commands and tests that do not care keep the no-op.
 */
export interface LineMove {
  readonly from: string;
  readonly to: string;
  /** How many lines moved so (1 when absent). */
  readonly count?: number;
}

export type WebhookOutcome = 'delivered' | 'retrying' | 'failed';

export interface Metrics {
  /** An order was placed (not a replay); its lines moved out of New as given. */
  orderPlaced(moves: readonly LineMove[]): void;
  /** Lines moved or were re-dated (a re-dating has from = to), in a committed transaction. */
  linesMoved(moves: readonly LineMove[]): void;
  /** A job run ended (its end is committed), after `seconds` of real time. */
  jobRunEnded(run: { readonly jobType: string; readonly trigger: string; readonly status: string }, seconds: number): void;
  /** Webhook delivery attempts were recorded with these outcomes. */
  webhookAttempts(outcomes: readonly WebhookOutcome[]): void;
}

export const noopMetrics: Metrics = {
  orderPlaced() {},
  linesMoved() {},
  jobRunEnded() {},
  webhookAttempts() {},
};
