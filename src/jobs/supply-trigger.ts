/**
 * Event-triggered backorder runs: supply changes are collected per sku and, after a quiet spell (or at the
 * latest a few spells after the first change), one `backorder` run with trigger `event` covers them all. While
 * a run of the type is going, the skus wait and a run starts when it has ended.
 */
import { AppError } from '../app/errors.ts';
import type { AppContext } from '../app/context.ts';
import { readSettings } from '../app/settings/settings.query.ts';
import type { JobRunner } from './runner.ts';

/** An event run over more skus than this covers every sku instead. */
const MAX_EVENT_SKUS = 5_000;
const RETRY_MS = 500;

export class SupplyTrigger {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private firstPendingAt = 0;
  private firing: Promise<void> | null = null;
  /** A retry is set: new changes join it instead of pulling it earlier. */
  private retrying = false;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly runner: JobRunner,
    private readonly debounceMs: number,
    private readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void,
  ) {}

  notify(skus: readonly string[]): void {
    if (this.stopped || skus.length === 0) return;
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    for (const s of skus) this.pending.add(s);
    // Debounce, but never hold a change back for more than five quiet spells; a retry already set keeps its time.
    if (!this.retrying) this.schedule(Math.min(this.debounceMs, this.firstPendingAt + 5 * this.debounceMs - Date.now()));
  }

  /** True while changes wait for their run. */
  get busy(): boolean {
    return this.pending.size > 0 || this.firing !== null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), Math.max(0, delay));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = null;
    this.retrying = false;
    if (this.firing || this.pending.size === 0) return;
    this.firing = this.startRun().finally(() => {
      this.firing = null;
      // Changes that came in while the run went found it busy (fire() above returned): start their run now.
      if (!this.stopped && this.pending.size > 0 && this.timer === null) this.schedule(this.debounceMs);
    });
  }

  private async startRun(): Promise<void> {
    const skus = [...this.pending];
    this.pending.clear();
    try {
      const settings = await readSettings(this.ctx.database.db);
      if (!settings.jobs.backorder.onSupplyChange) return;
      const started = await this.runner.start({ jobType: 'backorder', trigger: 'event', skus: skus.length > MAX_EVENT_SKUS ? null : skus });
      await started.done;
    } catch (error) {
      if (this.stopped) return;
      // Busy (another run holds the lease) or the database hiccuped: keep the skus and try again shortly.
      for (const s of skus) this.pending.add(s);
      if (!(error instanceof AppError && error.code === 'job_running')) {
        this.log?.('warn', 'event-triggered backorder run could not start', { error: (error as Error).message });
      }
      this.retrying = true;
      this.schedule(RETRY_MS);
    }
  }
}
