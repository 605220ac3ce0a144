/**
 * The webhook dispatcher that `serve` runs: one loop that fans new events (the outbox) out into deliveries, claims
 * due deliveries and sends them, and records how each attempt went, plus a pruner now and then.
 *
 * - After commit, at least once: only committed events are read, and a delivery is settled only after its
 *   answer; a process that dies leaves its claims to expire, and they are sent again.
 * - Per subscription, at most `concurrency` requests are out at a time, so a slow or dead receiver uses up only
 *   its own slots and never delays another subscription.
 * - A line's events go out in order per subscription: a delivery is claimed only when no earlier event of its
 *   line is pending for that subscription (see claimDue).
 * - Nothing is held in memory beyond one fan-out batch and the requests out; every database step is short.
 * - Requests and job batches come first: while the request thread runs late, the dispatcher takes smaller steps,
 *   less often, with fewer requests out.
 */
import type { AppContext } from '../app/context.ts';
import { fanOutEvents, refreshDeliveryStatistics } from '../app/webhooks/fan-out.ts';
import { pruneWebhooks } from '../app/webhooks/prune-webhooks.ts';
import { activeWebhooks } from '../app/webhooks/webhooks.query.ts';
import type { Subscription } from '../app/webhooks/webhooks.query.ts';
import type { PreparedSend, WebhookAgent } from '../app/webhooks/webhook-agent.ts';
import type { LoopPressure } from './loop-lag.ts';

export interface DispatcherOptions {
  /** How often an idle dispatcher looks for new events. */
  readonly pollMs: number;
  /** Requests out at once per subscription (as many more wait claimed, ready to go). */
  readonly concurrency: number;
  /** Deliveries written per fan-out transaction, about (events per transaction with one subscription). */
  readonly fanOutBatch: number;
  /** Settled deliveries older than this are pruned. */
  readonly retentionMs: number;
  readonly pruneEveryMs: number;
  /**
   * Whether the request thread is busy (requests, a job's batches): then the dispatcher holds back. It fans out a
   * quarter of a batch at a time and waits `pollMs` between steps, and keeps a quarter of `concurrency` requests out
   * per subscription (and claims for that window): deliveries go on at a lower rate, and the thread stays with the
   * answers and the run (on SQLite every statement runs on it).
   */
  readonly pressure?: LoopPressure;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

type Settlement = Awaited<ReturnType<WebhookAgent['send']>>;

/** Subscriptions are re-read this often, so changes to them apply within a second. */
const SUBSCRIPTIONS_TTL_MS = 1_000;
/** At most this many windows of `concurrency` wait claimed per subscription, beside the requests out. */
const MAX_WINDOWS_AHEAD = 4;
/** A queued delivery goes out only if its claim lasts this long past the request's deadline. */
const CLAIM_MARGIN_MS = 500;
/** After a failed step (the database away), wait this long before the next. */
const ERROR_PAUSE_MS = 1_000;

export class WebhookDispatcher {
  private loopDone: Promise<void> | null = null;
  private stopping = false;
  private readonly inflight = new Map<number, number>();
  /**
   * Claimed and ready, waiting for a free slot, per subscription: so a slot that frees is refilled at once, and one
   * claim (a transaction) serves many requests. How many wait depends on how fast the receiver answers (`ahead`);
   * one whose claim would end before its request's deadline is given back (`giveBack`) and claimed again.
   */
  private readonly queued = new Map<number, PreparedSend[]>();
  /** Claimed deliveries whose claims ran too short while they waited: given back at the next step. */
  private giveBack: PreparedSend[] = [];
  /** How long a subscription's requests have lately taken (a moving average, ms). */
  private readonly answerMs = new Map<number, number>();
  private readonly sending = new Set<Promise<void>>();
  private settled: Settlement[] = [];
  /** The recording of attempts in progress: it runs beside claiming and sending, one at a time. */
  private flushing: Promise<void> | null = null;
  /** Subscriptions whose last claim was full: something is likely due still, so the claim goes without a look first. */
  private readonly busy = new Set<number>();
  private wakeUp: (() => void) | null = null;
  private wokenMeanwhile = false;
  private wakeScheduled = false;
  private subscriptions: { at: number; list: Subscription[] } | null = null;
  private lastPrune = 0;
  /** Deliveries this process created since it last refreshed the table's statistics, and how many there were then. */
  private fannedSinceAnalyze = 0;
  private fannedAtAnalyze = 0;

  constructor(
    private readonly ctx: AppContext,
    /** Sends deliveries; the ping and redeliver routes use it for one delivery now. */
    readonly agent: WebhookAgent,
    private readonly options: DispatcherOptions,
  ) {}

  get running(): boolean {
    return this.loopDone !== null && !this.stopping;
  }

  start(): void {
    if (this.loopDone) return;
    this.lastPrune = this.agent.realNow();
    this.loopDone = this.loop();
  }

  /** Stops claiming, waits for the requests out (each ends by its deadline) and records them; start() may follow. */
  async stop(): Promise<void> {
    if (!this.loopDone) return;
    this.stopping = true;
    this.wake();
    await this.loopDone;
    // What was claimed but not sent goes back at once (else its claims would expire first).
    const waiting = [...this.queued.values()].flat().concat(this.giveBack);
    this.queued.clear();
    this.giveBack = [];
    await this.agent.release(waiting.map((p) => p.delivery)).catch(() => undefined);
    await Promise.allSettled([...this.sending]);
    await this.flushing;
    for (let attempt = 0; attempt < 3 && this.settled.length > 0; attempt++) {
      // Unrecorded attempts are not lost: their claims expire and they are sent again.
      await this.flush().catch(() => undefined);
    }
    this.loopDone = null;
    this.stopping = false;
    this.wokenMeanwhile = false;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let more = false;
      try {
        this.startFlush();
        const limit = this.holdingBack() ? Math.max(1, Math.ceil(this.options.fanOutBatch / 4)) : this.options.fanOutBatch;
        const fanned = await fanOutEvents(this.ctx, { now: this.agent.realNow(), limit, windowMs: this.agent.options.retry.windowMs });
        more = fanned.full;
        await this.analyzeAfterBurst(fanned.deliveries);
        // A subscription made a moment ago gets its first deliveries: read the subscriptions again at once.
        if (fanned.subscriptionKeys.some((k) => !this.subscriptions?.list.some((s) => s.key === k))) this.subscriptions = null;
        await this.claimAndSend();
        await this.pruneNow();
      } catch (error) {
        this.options.log?.('warn', 'webhook dispatcher step failed', { error: (error as Error)?.message ?? String(error) });
        await this.sleep(ERROR_PAUSE_MS);
        continue;
      }
      if (more && !this.holdingBack()) await new Promise((r) => setImmediate(r));
      else await this.sleep(this.options.pollMs);
    }
  }

  /** Starts recording the attempts that came back, unless a recording is going on (the next loop starts it). */
  private startFlush(): void {
    if (this.flushing || this.settled.length === 0) return;
    this.flushing = this.flush()
      .catch((error) => this.options.log?.('warn', 'webhook attempts could not be recorded yet', { error: (error as Error)?.message ?? String(error) }))
      .finally(() => {
        this.flushing = null;
        // Recorded attempts may let a line's next event go: look again at once.
        this.wakeSoon();
      });
  }

  /** Records the attempts that came back since the last time (one transaction). */
  private async flush(): Promise<void> {
    if (this.settled.length === 0) return;
    const batch = this.settled;
    this.settled = [];
    try {
      await this.agent.settle(batch);
    } catch (error) {
      this.settled.unshift(...batch);
      throw error;
    }
  }

  private async claimAndSend(): Promise<void> {
    if (this.giveBack.length > 0) {
      const back = this.giveBack;
      this.giveBack = [];
      await this.agent.release(back.map((p) => p.delivery));
    }
    const concurrency = this.window();
    for (const subscription of await this.activeSubscriptions()) {
      if (this.stopping) return;
      const key = subscription.key;
      const out = this.inflight.get(key) ?? 0;
      const queue = this.queued.get(key) ?? [];
      const ahead = this.ahead(key, concurrency);
      const room = concurrency + ahead - out - queue.length;
      // Claim in batches: once half of what may wait is free, or when nothing is going for this subscription.
      const claimNow = room >= Math.ceil(ahead / 2) || (room > 0 && out === 0 && queue.length === 0);
      if (claimNow && (this.busy.has(key) || (await this.agent.hasDue(subscription)))) {
        const claimed = await this.agent.claim(subscription, room);
        if (claimed.length === room) this.busy.add(key);
        else this.busy.delete(key);
        if (claimed.length > 0) {
          const { sends, settled } = await this.agent.prepare(subscription, claimed);
          this.settled.push(...settled);
          this.queued.set(key, [...(this.queued.get(key) ?? []), ...sends]);
        }
      }
      this.pump(key);
    }
  }

  /**
   * How many deliveries of a subscription wait claimed beside its `concurrency` requests out: as many as go out
   * well within a claim at the pace its receiver has lately answered, from one window (a slow receiver, or none
   * heard yet) up to four. While the thread is busy, one window.
   */
  private ahead(key: number, concurrency: number): number {
    if (this.holdingBack()) return concurrency;
    const { claimMs, options } = this.agent;
    const spareMs = claimMs - options.timeoutMs;
    const windows = Math.floor(spareMs / (2 * (this.answerMs.get(key) ?? options.timeoutMs)));
    return concurrency * Math.min(MAX_WINDOWS_AHEAD, Math.max(1, windows));
  }

  /**
   * Starts queued requests of a subscription while it has free slots. A delivery whose claim would end before its
   * request's deadline (it waited behind slow answers) is given back instead, so no request outlives its claim.
   */
  private pump(key: number): void {
    const queue = this.queued.get(key);
    const window = this.window();
    const sendBy = this.agent.realNow() + this.agent.options.timeoutMs + CLAIM_MARGIN_MS;
    while (queue && queue.length > 0 && (this.inflight.get(key) ?? 0) < window) {
      const p = queue.shift()!;
      if ((p.delivery.lockedUntil ?? 0) < sendBy) this.giveBack.push(p);
      else this.launch(key, p);
    }
  }

  private launch(key: number, p: PreparedSend): void {
    this.inflight.set(key, (this.inflight.get(key) ?? 0) + 1);
    const startedAt = this.agent.realNow();
    const done: Promise<void> = this.agent
      .send(p)
      .then((s) => {
        this.settled.push(s);
        const took = this.agent.realNow() - startedAt;
        const average = this.answerMs.get(key);
        this.answerMs.set(key, average === undefined ? took : average + (took - average) / 8);
      })
      .finally(() => {
        this.inflight.set(key, (this.inflight.get(key) ?? 1) - 1);
        this.sending.delete(done);
        if (!this.stopping) this.pump(key);
        this.wakeSoon();
      });
    this.sending.add(done);
  }

  private holdingBack(): boolean {
    return this.options.pressure?.busy() ?? false;
  }

  /** Requests out at once per subscription: a quarter of `concurrency` while the thread is busy. */
  private window(): number {
    const { concurrency } = this.options;
    return this.holdingBack() ? Math.max(1, Math.ceil(concurrency / 4)) : concurrency;
  }

  /** After the table grew by half again (and at least 5,000 rows), its statistics are refreshed. */
  private async analyzeAfterBurst(created: number): Promise<void> {
    this.fannedSinceAnalyze += created;
    if (this.fannedSinceAnalyze < Math.max(5_000, this.fannedAtAnalyze / 2)) return;
    this.fannedAtAnalyze += this.fannedSinceAnalyze;
    this.fannedSinceAnalyze = 0;
    await refreshDeliveryStatistics(this.ctx);
  }

  private async activeSubscriptions(): Promise<Subscription[]> {
    const now = this.agent.realNow();
    if (!this.subscriptions || now - this.subscriptions.at > SUBSCRIPTIONS_TTL_MS) {
      this.subscriptions = { at: now, list: await activeWebhooks(this.ctx) };
    }
    return this.subscriptions.list;
  }

  private async pruneNow(): Promise<void> {
    const now = this.agent.realNow();
    if (now - this.lastPrune < this.options.pruneEveryMs) return;
    this.lastPrune = now;
    const pruned = await pruneWebhooks(this.ctx, {
      now,
      retentionMs: this.options.retentionMs,
      batch: 1_000,
      maxBatches: 50,
      pause: () => new Promise((r) => setImmediate(r)),
    });
    if (pruned.deliveries > 0) this.options.log?.('info', 'webhook tables pruned', pruned);
  }

  /** Waits up to `ms`, or until woken; a wake that came while the loop was at work ends the next wait at once. */
  private sleep(ms: number): Promise<void> {
    if (this.wokenMeanwhile) {
      this.wokenMeanwhile = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenMeanwhile = true;
  }

  /** Answers coming back together wake the loop once. */
  private wakeSoon(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setTimeout(() => {
      this.wakeScheduled = false;
      this.wake();
    }, 1);
  }
}
