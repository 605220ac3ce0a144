/**
 * How late the request thread has lately been to run its timers: the signal for background work (the webhook
 * dispatcher) to hold back while requests and job batches keep the thread busy. On SQLite every statement runs on
 * that thread, so a dispatcher going flat out beside a run lengthens every answer's wait and the run's batches.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';

export interface LoopPressure {
  /** Whether the thread was late by more than its threshold in the last window. */
  busy(): boolean;
}

export class LoopLag implements LoopPressure {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lateMs = 0;

  constructor(
    private readonly thresholdMs: number,
    windowMs = 100,
  ) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      // The longest delay of the window: one long task is enough to call the thread busy for the next one.
      this.lateMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, windowMs);
    this.timer.unref();
  }

  busy(): boolean {
    return this.lateMs > this.thresholdMs;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
