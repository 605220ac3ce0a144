/**
 * Fans events out of the outbox: each event not yet fanned out becomes one pending delivery per active
 * subscription that wants its type and was created before it, and is marked as fanned out, in one transaction.
 * Batches go in outbox order, one process at a time, so a line's earlier event always has its delivery row
 * before a later one (the order deliveries are claimed in).
 */
import type { AppContext } from '../context.ts';
import { subscribesTo } from '../../domain/webhooks/webhook-events.ts';
import { commitWithoutFlushWait, lockFanOut, markDispatched, markOldestDispatched, oldestUndispatchedId, undispatchedOutbox, withoutJit } from '../../store/repositories/outbox.repository.ts';
import { activeSubscriptions } from '../../store/repositories/webhook-subscriptions.repository.ts';
import { analyzeDeliveries, insertDeliveries } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { NewDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { Database } from '../../store/database.ts';

export interface FanOutResult {
  /** Outbox rows fanned out (0 when there were none, or another process was fanning out). */
  readonly events: number;
  /** True when the batch was full: more events are likely waiting. */
  readonly full: boolean;
  readonly deliveries: number;
  /** The subscriptions that got deliveries. */
  readonly subscriptionKeys: readonly number[];
}

/** With no subscription, a fan-out marks this many times its usual batch. */
const NO_SUBSCRIBER_FACTOR = 4;

/** Per database, the outbox id of the oldest event not fanned out yet that this process's dispatcher saw last. */
const oldestSeen = new WeakMap<Database, number>();

/**
 * Where the outbox lag's lookup may start: the oldest event not fanned out yet as this process's dispatcher saw it
 * last (0 when it has not looked). On PostgreSQL the index of such rows keeps an entry for every row fanned out
 * since the last vacuum, and a lookup from the start steps over all of them (tens of milliseconds after a large
 * job run). A row below the mark that commits after the look (its id was drawn earlier) is left out of the lag
 * until the dispatcher's next look finds it; fanning out itself always looks from the start.
 */
export function outboxLowMark(database: Database): number {
  return oldestSeen.get(database) ?? 0;
}

export async function fanOutEvents(ctx: AppContext, q: { now: number; limit: number; windowMs: number }): Promise<FanOutResult> {
  // The common case, nothing new: one indexed read, no transaction.
  const oldest = await oldestUndispatchedId(ctx.database.db);
  if (oldest === null) return { events: 0, full: false, deliveries: 0, subscriptionKeys: [] };
  oldestSeen.set(ctx.database, oldest);
  return ctx.database.transaction(async (trx) => {
    if (!(await lockFanOut(trx, false))) return { events: 0, full: false, deliveries: 0, subscriptionKeys: [] };
    await withoutJit(trx);
    const subscriptions = await activeSubscriptions(trx);
    if (subscriptions.length === 0) {
      // Nobody to deliver to: the events are only marked, so a backlog goes in larger steps.
      await commitWithoutFlushWait(trx);
      const events = await markOldestDispatched(trx, q.limit * NO_SUBSCRIBER_FACTOR, q.now);
      return { events, full: events === q.limit * NO_SUBSCRIBER_FACTOR, deliveries: 0, subscriptionKeys: [] };
    }
    // A transaction writes at most about `limit` deliveries, however many subscriptions there are.
    const limit = Math.max(50, Math.floor(q.limit / Math.max(1, subscriptions.length)));
    const items = await undispatchedOutbox(trx, limit);
    if (items.length === 0) return { events: 0, full: false, deliveries: 0, subscriptionKeys: [] };
    // A fan-out that a database crash undoes is simply done again: no need to wait for the WAL flush.
    await commitWithoutFlushWait(trx);
    const rows: NewDelivery[] = [];
    for (const item of items) {
      for (const s of subscriptions) {
        if (item.outboxId <= s.afterOutboxId || !subscribesTo(s.events, item.type)) continue;
        rows.push({
          subscriptionKey: s.key,
          eventId: item.eventId,
          lineId: item.lineId,
          type: item.type,
          now: q.now,
          expiresAt: q.now + q.windowMs,
          queuedAt: item.createdAt,
        });
      }
    }
    await insertDeliveries(trx, rows);
    await markDispatched(trx, items.map((i) => i.outboxId), q.now);
    return { events: items.length, full: items.length === limit, deliveries: rows.length, subscriptionKeys: [...new Set(rows.map((r) => r.subscriptionKey))] };
  });
}

/** Tells the database how big the delivery table has grown (after bursts of fanning out). */
export function refreshDeliveryStatistics(ctx: AppContext): Promise<void> {
  return analyzeDeliveries(ctx.database.db);
}
