/**
 * Line history, which is also the webhooks' outbox: every event is written in the transaction of the state change
 * it records (by the store's `insertOrder` and `writeChanges`), so delivery after commit can never miss or invent
 * one.
 */
import type { Executor } from '../database.ts';
import { parseEventData } from '../../domain/order/event-data.ts';
import { pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';

export interface StoredEvent {
  readonly id: number;
  readonly lineId: string;
  readonly orderId: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly data: Record<string, unknown>;
}

/**
 * An event's data as the history shows it: what was stored, with the run that wrote it (kept beside the event,
 * `run_id`; events written before the positional form, event-data.ts, also carry it in their data) and that run's
 * job type.
 */
function dataOf(r: { data: string; run_id: string | null }, jobTypes: ReadonlyMap<string, string>): Record<string, unknown> {
  const data = parseEventData(r.data);
  if (r.run_id === null) return data;
  const jobType = jobTypes.get(r.run_id);
  return { ...data, ...('runId' in data ? {} : { runId: r.run_id }), ...(jobType === undefined ? {} : { jobType }) };
}

/** The job type of each run that wrote one of these events: one read for the page. */
async function jobTypesOf(db: Executor, rows: readonly { run_id: string | null }[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((r) => (r.run_id === null ? [] : [r.run_id])))];
  if (ids.length === 0) return new Map();
  const runs = await db.selectFrom('job_runs').select(['id', 'job_type']).where('id', 'in', ids).execute();
  return new Map(runs.map((r) => [r.id, r.job_type]));
}

/** An order's line history, oldest first, read through its lines (events are indexed by sku and line). */
export async function listOrderEvents(db: Executor, orderId: string, q: { after?: number; limit: number }): Promise<Page<StoredEvent>> {
  const lines = await db.selectFrom('order_lines').select(['sku', 'id']).where('order_id', '=', orderId).execute();
  if (lines.length === 0) return { items: [], nextCursor: null };
  let query = db
    .selectFrom('line_events')
    .selectAll()
    .where('sku', 'in', [...new Set(lines.map((l) => l.sku))])
    .where('line_id', 'in', lines.map((l) => l.id))
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after !== undefined) query = query.where('id', '>', q.after);
  const rows = await query.execute();
  const jobTypes = await jobTypesOf(db, rows);
  return pageOf(
    rows,
    q.limit,
    (r) => ({ id: r.id, lineId: r.line_id, orderId: r.order_id, type: r.type, from: r.from_reason, to: r.to_reason, at: r.at, data: dataOf(r, jobTypes) }),
    (r) => [r.id],
  );
}

/** One line's history, oldest first (events are indexed by sku and line). */
export async function lineEvents(db: Executor, sku: string, lineId: string): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('line_events').selectAll().where('sku', '=', sku).where('line_id', '=', lineId).orderBy('id').execute();
  const jobTypes = await jobTypesOf(db, rows);
  return rows.map((r) => ({ id: r.id, lineId: r.line_id, orderId: r.order_id, type: r.type, from: r.from_reason, to: r.to_reason, at: r.at, data: dataOf(r, jobTypes) }));
}
