/**
 * Sends webhook deliveries: claims due ones, builds their bodies in sets, signs and posts them, and records each
 * attempt. The dispatcher drives it in the background; the ping and redeliver routes use it for one delivery.
 *
 * Times here are real time (the dispatcher's clock, not the service's, which tests may hold still): backoff is
 * about the network. A delivery's window runs from when it was queued, moments after its event.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { WebhookOutcome } from '../metrics.ts';
import { afterFailure } from '../../domain/webhooks/retry-schedule.ts';
import type { RetryPolicy } from '../../domain/webhooks/retry-schedule.ts';
import { linePayload, lineEventWebhookId, pingPayload, pingWebhookId } from '../../domain/webhooks/payload.ts';
import { claimDue, hasDue, releaseClaims, settleDeliveries } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { DueKey, Settlement, StoredDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { StoredSubscription } from '../../store/repositories/webhook-subscriptions.repository.ts';
import { eventsForPayload } from '../../store/repositories/webhook-payloads.repository.ts';
import { dispatcherTransaction } from '../../store/repositories/outbox.repository.ts';
import { webhookHeaders } from './signature.ts';
import type { WebhookSender } from './http-sender.ts';

export interface DeliveryOptions {
  /** A 2xx answer within this long delivers. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

/**
 * A claim starts where this agent's last claim of the subscription took its first delivery: what lies before it
 * was settled, is out with a process, or waits behind an earlier event of its line. Once a second, a claim reads
 * from the start, so a delivery there that became free (its line's earlier event went, another process's claim
 * expired) waits at most that long more.
 */
const READ_ALL_EVERY_MS = 1_000;

interface ClaimStart {
  readonly from: DueKey;
  /** When a claim last read from the start. */
  readonly readAllAt: number;
}

export interface PreparedSend {
  readonly delivery: StoredDelivery;
  readonly subscription: StoredSubscription;
  readonly eventId: string;
  readonly body: string;
}

export class WebhookAgent {
  /** Who claims: unique per process and agent. */
  readonly owner = `${os.hostname()}:${process.pid}:wh:${randomBytes(4).toString('hex')}`;
  /** How long a claim holds: past the request deadline, so a claim never expires while its request is out. */
  readonly claimMs: number;
  private readonly claimStarts = new Map<number, ClaimStart>();

  constructor(
    private readonly ctx: AppContext,
    private readonly sender: WebhookSender,
    readonly options: DeliveryOptions,
    readonly realNow: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.claimMs = 2 * options.timeoutMs + 1_000;
  }

  /** True when the subscription has something due to send (a read; claiming writes). */
  hasDue(subscription: StoredSubscription): Promise<boolean> {
    const now = this.realNow();
    return hasDue(this.ctx.database.db, subscription.key, now, this.claimFrom(subscription.key, now));
  }

  /** Claims up to `limit` due deliveries of a subscription for this agent. */
  async claim(subscription: StoredSubscription, limit: number): Promise<StoredDelivery[]> {
    const now = this.realNow();
    const from = this.claimFrom(subscription.key, now);
    const claimed = await this.ctx.database.transaction(async (trx) => {
      // A claim a database crash undoes lets the delivery be sent again: at least once.
      await dispatcherTransaction(trx, { readsDueInOrder: true });
      return claimDue(trx, { subscriptionKey: subscription.key, owner: this.owner, now, until: now + this.claimMs, limit, from });
    });
    // The next claim starts at this one's first delivery; a claim that took none leaves the start where it was.
    const earlier = this.claimStarts.get(subscription.key);
    const first = claimed.reduce<StoredDelivery | undefined>((a, d) => (a === undefined || dueBefore(d, a) ? d : a), undefined);
    const start = first ? { nextAttemptAt: first.nextAttemptAt, id: first.id } : earlier?.from;
    if (start) this.claimStarts.set(subscription.key, { from: start, readAllAt: from === undefined ? now : earlier!.readAllAt });
    return claimed;
  }

  /** Where the next claim of a subscription starts (undefined: from the start; see READ_ALL_EVERY_MS). */
  private claimFrom(subscriptionKey: number, now: number): DueKey | undefined {
    const start = this.claimStarts.get(subscriptionKey);
    return start === undefined || now - start.readAllAt >= READ_ALL_EVERY_MS ? undefined : start.from;
  }

  /**
   * The signed requests for claimed deliveries, their events read in one go. A delivery whose window closed
   * while it waited, or whose event is gone, is settled as failed at once instead.
   */
  async prepare(subscription: StoredSubscription, deliveries: readonly StoredDelivery[]): Promise<{ sends: PreparedSend[]; settled: Settlement[] }> {
    const now = this.realNow();
    const events = await eventsForPayload(this.ctx.database.db, deliveries.flatMap((d) => (d.eventId === null ? [] : [d.eventId])));
    const sends: PreparedSend[] = [];
    const settled: Settlement[] = [];
    for (const d of deliveries) {
      if (d.expiresAt < now) {
        settled.push(this.failedWithoutSending(d, 'its delivery window closed before it could be sent'));
        continue;
      }
      if (d.eventId === null) {
        sends.push({ delivery: d, subscription, eventId: pingWebhookId(d.id), body: JSON.stringify(pingPayload(d.id, d.createdAt, subscription.id)) });
        continue;
      }
      const event = events.get(d.eventId);
      if (!event) {
        settled.push(this.failedWithoutSending(d, `event ${d.eventId} no longer exists`));
        continue;
      }
      sends.push({ delivery: d, subscription, eventId: lineEventWebhookId(d.eventId), body: JSON.stringify(linePayload(event)) });
    }
    return { sends, settled };
  }

  /** Posts one delivery and says how the attempt went; never rejects. */
  async send(p: PreparedSend): Promise<Settlement> {
    const headers = webhookHeaders(p.subscription.secret, p.eventId, p.body, this.realNow());
    const outcome = await this.sender.send(p.subscription.url, headers, p.body, this.options.timeoutMs);
    const now = this.realNow();
    const d = p.delivery;
    if ('statusCode' in outcome && outcome.statusCode >= 200 && outcome.statusCode < 300) {
      return { id: d.id, status: 'delivered', attempted: true, statusCode: outcome.statusCode, error: null, nextAttemptAt: d.nextAttemptAt, deliveredAt: now };
    }
    const error = 'statusCode' in outcome ? `HTTP ${outcome.statusCode}${outcome.body ? `: ${outcome.body.replace(/\s+/g, ' ').trim()}` : ''}` : outcome.error;
    const statusCode = 'statusCode' in outcome ? outcome.statusCode : null;
    const next = afterFailure(now, d.attempts + 1, d.expiresAt, this.options.retry, this.random());
    return {
      id: d.id,
      status: next.status,
      attempted: true,
      statusCode,
      error: error.slice(0, 500),
      nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : d.nextAttemptAt,
      deliveredAt: null,
    };
  }

  /** Records settled attempts (only those this agent still holds) and reports them to the metrics after commit. */
  async settle(settlements: readonly Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    // A record a database crash undoes only means the delivery is sent again (its claim expires): at least once.
    await this.ctx.database.transaction(async (trx) => {
      await dispatcherTransaction(trx);
      await settleDeliveries(trx, this.owner, settlements);
    });
    this.ctx.metrics.webhookAttempts(settlements.map(outcomeOf));
  }

  /** Gives back claims without an attempt (a dispatcher stopping before it sent them). */
  async release(deliveries: readonly StoredDelivery[]): Promise<void> {
    if (deliveries.length > 0) await releaseClaims(this.ctx.database.db, this.owner, deliveries.map((d) => d.id));
  }

  private failedWithoutSending(d: StoredDelivery, why: string): Settlement {
    return { id: d.id, status: 'failed', attempted: false, statusCode: null, error: why, nextAttemptAt: d.nextAttemptAt, deliveredAt: null };
  }
}

const dueBefore = (a: StoredDelivery, b: StoredDelivery) => a.nextAttemptAt < b.nextAttemptAt || (a.nextAttemptAt === b.nextAttemptAt && a.id < b.id);

function outcomeOf(s: Settlement): WebhookOutcome {
  return s.status === 'delivered' ? 'delivered' : s.status === 'failed' ? 'failed' : 'retrying';
}
