/**
 * The metrics port in Prometheus form (prom-client), one registry per service: counters that the use cases,
 * the job runner, the webhook dispatcher and the HTTP layer move; gauges read when scraped (held lines, outbox
 * lag); and the process and event-loop metrics prom-client collects. Labels carry only names and counts, never
 * business data.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppContext } from '../context.ts';
import type { LineMove, Metrics, WebhookOutcome } from '../metrics.ts';
import { heldLines, outboxLagSeconds } from './monitoring.query.ts';

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private ctx: AppContext | null = null;

  private readonly httpRequests = new Counter({
    name: 'holdfast_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'holdfast_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    // Bounds at SPEC 10's bars (2 ms for an ATP answer, 20 ms for an intake, 100 ms for /health during a run), so
    // the share of answers within each bar can be read off the service itself.
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly ordersPlaced = new Counter({ name: 'holdfast_orders_placed_total', help: 'Orders placed (replays not counted)', registers: [this.registry] });
  private readonly lineMoves = new Counter({
    name: 'holdfast_line_moves_total',
    help: 'Line moves, by the status reason left and the one entered',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });
  private readonly lineRedates = new Counter({
    name: 'holdfast_line_promise_changes_total',
    help: 'Held lines given new dates or a new location (line.promise_changed events), by status reason',
    labelNames: ['status_reason'] as const,
    registers: [this.registry],
  });
  private readonly jobRuns = new Counter({
    name: 'holdfast_job_runs_total',
    help: 'Job runs ended, by job type, trigger and status',
    labelNames: ['job_type', 'trigger', 'status'] as const,
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: 'holdfast_job_run_duration_seconds',
    help: 'How long job runs took, by job type, trigger and status',
    labelNames: ['job_type', 'trigger', 'status'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly webhookAttemptsTotal = new Counter({
    name: 'holdfast_webhook_deliveries_total',
    help: 'Webhook delivery attempts recorded, by outcome: delivered, retrying (failed, will be tried again) or failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const self = this;
    new Gauge({
      name: 'holdfast_held_lines',
      help: 'Lines on hold now, by status reason',
      labelNames: ['status_reason'] as const,
      registers: [this.registry],
      async collect() {
        // Two index range counts per scrape. A database that does not answer leaves the last value; /health
        // is what reports it.
        const counts: Record<string, number> = self.ctx ? await heldLines(self.ctx).catch(() => ({})) : {};
        for (const [reason, n] of Object.entries(counts)) this.set({ status_reason: reason }, n);
      },
    });
    new Gauge({
      name: 'holdfast_outbox_lag_seconds',
      help: 'Age of the oldest event the webhook dispatcher has not sent yet (0 when it is caught up)',
      registers: [this.registry],
      async collect() {
        const lag = self.ctx ? await outboxLagSeconds(self.ctx).catch(() => null) : null;
        if (lag !== null) this.set(lag);
      },
    });
    new Gauge({
      name: 'holdfast_atp_memory_skus',
      help: 'Skus whose ATP this process answers from memory (PostgreSQL; absent when ATP is read for every answer)',
      registers: [this.registry],
      collect() {
        const stats = self.ctx?.database.atpMemory();
        if (stats) this.set(stats.kept);
      },
    });
    const counted = { memory: 0, database: 0 };
    new Counter({
      name: 'holdfast_atp_answers_total',
      help: 'ATP answers by where they came from, memory or database (PostgreSQL with ATP kept in memory)',
      labelNames: ['source'] as const,
      registers: [this.registry],
      collect() {
        const stats = self.ctx?.database.atpMemory();
        if (!stats) return;
        // The memory counts; the counter moves by what it counted since the last scrape.
        this.inc({ source: 'memory' }, stats.fromMemory - counted.memory);
        this.inc({ source: 'database' }, stats.read - counted.database);
        counted.memory = stats.fromMemory;
        counted.database = stats.read;
      },
    });
  }

  /** Where the scrape-time gauges read from (set once the service's context exists). */
  readFrom(ctx: AppContext): void {
    this.ctx = ctx;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  httpAnswered(method: string, route: string, statusCode: number, seconds: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  orderPlaced(moves: readonly LineMove[]): void {
    this.ordersPlaced.inc();
    this.linesMoved(moves);
  }

  linesMoved(moves: readonly LineMove[]): void {
    // A job batch reports its moves counted (a few entries); other writes report a line each.
    for (const { from, to, count = 1 } of moves) {
      if (from === to) this.lineRedates.inc({ status_reason: to }, count);
      else this.lineMoves.inc({ from, to }, count);
    }
  }

  jobRunEnded(run: { readonly jobType: string; readonly trigger: string; readonly status: string }, seconds: number): void {
    const labels = { job_type: run.jobType, trigger: run.trigger, status: run.status };
    this.jobRuns.inc(labels);
    this.jobDuration.observe(labels, seconds);
  }

  webhookAttempts(outcomes: readonly WebhookOutcome[]): void {
    for (const outcome of ['delivered', 'retrying', 'failed'] as const) {
      const n = outcomes.filter((o) => o === outcome).length;
      if (n > 0) this.webhookAttemptsTotal.inc({ outcome }, n);
    }
  }
}
