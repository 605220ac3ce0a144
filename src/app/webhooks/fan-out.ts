/**
 * Fans events out: each event after the fan-out position becomes one pending delivery per active subscription that
 * wants its type and was created before it, and the position moves past it, in one transaction. Batches go in
 * event order, one process at a time, so a line's earlier event always has its delivery row before a later one (the
 * order deliveries are claimed in). The events are the outbox (src/store/repositories/outbox.repository.ts).
 */
import type { AppContext } from '../context.ts';
import { subscribesTo } from '../../domain/webhooks/webhook-events.ts';
import {
  advanceFanOut,
  dispatcherTransaction,
  eventsAfter,
  fanOutState,
  lockFanOut,
  outboxBarrierPassed,
  raiseOutboxBarrier,
} from '../../store/repositories/outbox.repository.ts';
import type { OutboxBarrier } from '../../store/repositories/outbox.repository.ts';
import { activeSubscriptions } from '../../store/repositories/webhook-subscriptions.repository.ts';
import { analyzeDeliveries, insertDeliveries } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { NewDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { Database } from '../../store/database.ts';

export interface FanOutResult {
  /** Events fanned out to the subscriptions (0 when there were none, nobody is subscribed, or another process was fanning out). */
  readonly events: number;
  /** True when the batch was full: more events are likely waiting. */
  readonly full: boolean;
  readonly deliveries: number;
  /** The subscriptions that got deliveries. */
  readonly subscriptionKeys: readonly number[];
}

/**
 * Per database, this process's barrier: the event ids drawn when it was raised, which the fan-out may pass once no
 * transaction that could still commit one of them is in progress. An event id is drawn before its event commits,
 * so the position must never pass an id that may still commit (see `raiseOutboxBarrier`).
 */
const barriers = new WeakMap<Database, OutboxBarrier>();

const NOTHING: FanOutResult = { events: 0, full: false, deliveries: 0, subscriptionKeys: [] };

export async function fanOutEvents(ctx: AppContext, q: { now: number; limit: number; windowMs: number }): Promise<FanOutResult> {
  const { database } = ctx;
  // The common case, nothing new: one statement, no transaction.
  const { position, newest } = await fanOutState(database.db);
  if (newest <= position) return NOTHING;
  // A barrier over the events waiting; one raised earlier may still be waiting for its writers to end.
  let barrier = barriers.get(database);
  if (barrier === undefined || barrier.ceiling <= position) barriers.set(database, (barrier = await raiseOutboxBarrier(database.db, newest)));
  if (!(await outboxBarrierPassed(database.db, barrier))) return NOTHING;
  return database.transaction(async (trx) => {
    if (!(await lockFanOut(trx, false))) return NOTHING;
    // Read again under the lock: another process may have moved it.
    const from = (await fanOutState(trx)).position;
    if (barrier.ceiling <= from) return NOTHING;
    // A fan-out that a database crash undoes is simply done again: no need to wait for the WAL flush.
    await dispatcherTransaction(trx);
    const subscriptions = await activeSubscriptions(trx);
    if (subscriptions.length === 0) {
      // Nobody to deliver to: the position passes every event the barrier covers, without reading them.
      await advanceFanOut(trx, barrier.ceiling, q.now);
      return NOTHING;
    }
    // A transaction writes at most about `limit` deliveries, however many subscriptions there are.
    const limit = Math.max(50, Math.floor(q.limit / Math.max(1, subscriptions.length)));
    const items = await eventsAfter(trx, from, barrier.ceiling, limit);
    const full = items.length === limit;
    const rows: NewDelivery[] = [];
    for (const item of items) {
      for (const s of subscriptions) {
        if (item.eventId <= s.afterEventId || !subscribesTo(s.events, item.type)) continue;
        rows.push({
          subscriptionKey: s.key,
          eventId: item.eventId,
          lineId: item.lineId,
          type: item.type,
          now: q.now,
          expiresAt: q.now + q.windowMs,
          queuedAt: item.at,
        });
      }
    }
    await insertDeliveries(trx, rows);
    await advanceFanOut(trx, full ? items[items.length - 1]!.eventId : barrier.ceiling, q.now);
    return { events: items.length, full, deliveries: rows.length, subscriptionKeys: [...new Set(rows.map((r) => r.subscriptionKey))] };
  });
}

/** Tells the database how big the delivery table has grown (after bursts of fanning out). */
export function refreshDeliveryStatistics(ctx: AppContext): Promise<void> {
  return analyzeDeliveries(ctx.database.db);
}
