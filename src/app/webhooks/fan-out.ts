/**
 * Fans events out of the outbox: each event not yet fanned out becomes one pending delivery per active
 * subscription that wants its type and was created before it, and is marked as fanned out, in one transaction.
 * Batches go in outbox order, one process at a time, so a line's earlier event always has its delivery row
 * before a later one (the order deliveries are claimed in).
 */
import type { AppContext } from '../context.ts';
import { subscribesTo } from '../../domain/webhooks/webhook-events.ts';
import {
  commitWithoutFlushWait,
  lockFanOut,
  markDispatched,
  markOldestDispatched,
  oldestUndispatchedId,
  outboxBarrierPassed,
  outboxCeiling,
  raiseOutboxBarrier,
  undispatchedOutbox,
  withoutJit,
} from '../../store/repositories/outbox.repository.ts';
import type { OutboxBarrier } from '../../store/repositories/outbox.repository.ts';
import { activeSubscriptions } from '../../store/repositories/webhook-subscriptions.repository.ts';
import { analyzeDeliveries, insertDeliveries } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { NewDelivery } from '../../store/repositories/webhook-deliveries.repository.ts';
import type { Database, Executor } from '../../store/database.ts';

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

/**
 * Per database, this process's outbox floor: every outbox row below `floor` has been fanned out, and no row can
 * appear below it any more. Lookups of the oldest row not fanned out start there, so they never step over the rows
 * fanned out before it (on PostgreSQL the index of such rows keeps an entry for each of those until a vacuum, and
 * a lookup from the start of the outbox walks them all: tens of milliseconds after a large job run).
 *
 * The floor moves in two steps, because an outbox id is drawn before its row commits: a fan-out raises a barrier
 * (the ids drawn so far, and a point in the database's transaction order), and a later fan-out, once every
 * transaction that could still commit one of those ids has ended, raises the floor to the oldest row still
 * waiting, at most past those ids. See `raiseOutboxBarrier`.
 */
interface OutboxFloor {
  floor: number;
  barrier: OutboxBarrier | null;
}

const floors = new WeakMap<Database, OutboxFloor>();

function floorOf(database: Database): OutboxFloor {
  let f = floors.get(database);
  if (!f) floors.set(database, (f = { floor: 0, barrier: null }));
  return f;
}

/** Where lookups of the oldest event not fanned out yet may start (0 until this process has fanned out twice). */
export function outboxFloor(database: Database): number {
  return floors.get(database)?.floor ?? 0;
}

const NOTHING: FanOutResult = { events: 0, full: false, deliveries: 0, subscriptionKeys: [] };

/**
 * Raises the floor to the oldest row still waiting, at most past the ids of a barrier that has passed; answers that
 * oldest row (null when none waits). `low` is read after the barrier was seen to have passed.
 */
async function settleFloor(db: Executor, f: OutboxFloor, reached: OutboxBarrier): Promise<number | null> {
  const low = await oldestUndispatchedId(db, f.floor);
  f.floor = Math.max(f.floor, Math.min(low ?? Number.POSITIVE_INFINITY, reached.ceiling + 1));
  return low;
}

export async function fanOutEvents(ctx: AppContext, q: { now: number; limit: number; windowMs: number }): Promise<FanOutResult> {
  const { database } = ctx;
  const f = floorOf(database);
  // The common case, nothing new: one indexed read, no transaction (one more while a barrier waits to pass).
  const waiting = f.barrier;
  if (waiting !== null && (await outboxBarrierPassed(database.db, waiting))) {
    if (f.barrier === waiting) f.barrier = null;
    await settleFloor(database.db, f, waiting);
  }
  if ((await oldestUndispatchedId(database.db, f.floor)) === null) {
    // Nothing to fan out, but rows may have come and gone (fanned out by another process) or be about to commit:
    // a barrier over the ids drawn past the floor lets the floor follow them while this process has nothing to do.
    const ceiling = f.barrier === null ? await outboxCeiling(database.db) : -1;
    if (ceiling >= f.floor) {
      const raised = await database.transaction(async (trx) => {
        await commitWithoutFlushWait(trx);
        return raiseOutboxBarrier(trx, ceiling);
      });
      if (f.barrier === null) f.barrier = raised;
    }
    return NOTHING;
  }
  return database.transaction(async (trx) => {
    if (!(await lockFanOut(trx, false))) return NOTHING;
    // The barrier before anything else: raising one needs this transaction without a transaction id yet.
    const reached = f.barrier !== null && (await outboxBarrierPassed(trx, f.barrier)) ? f.barrier : null;
    if (f.barrier === null || reached !== null) f.barrier = await raiseOutboxBarrier(trx, await outboxCeiling(trx));
    if (f.barrier.ceiling < f.floor - 1) {
      // The outbox's ids went back (the database was replaced or restored): look from the beginning again.
      f.floor = 0;
      f.barrier = null;
    }
    const low = reached !== null ? await settleFloor(trx, f, reached) : await oldestUndispatchedId(trx, f.floor);
    if (low === null) return NOTHING;
    await withoutJit(trx);
    const subscriptions = await activeSubscriptions(trx);
    if (subscriptions.length === 0) {
      // Nobody to deliver to: the events are only marked, so a backlog goes in larger steps.
      await commitWithoutFlushWait(trx);
      const events = await markOldestDispatched(trx, q.limit * NO_SUBSCRIBER_FACTOR, q.now, low);
      return { events, full: events === q.limit * NO_SUBSCRIBER_FACTOR, deliveries: 0, subscriptionKeys: [] };
    }
    // A transaction writes at most about `limit` deliveries, however many subscriptions there are.
    const limit = Math.max(50, Math.floor(q.limit / Math.max(1, subscriptions.length)));
    const items = await undispatchedOutbox(trx, limit, low);
    if (items.length === 0) return NOTHING;
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
