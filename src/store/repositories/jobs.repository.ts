/**
 * Job runs, their per-line records and the per-type lease. Counters move by relative updates in the same
 * transaction as the batch they count, so a run's counts always match what its committed batches did.
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Executor } from '../database.ts';
import { parseEventData } from '../../domain/order/event-data.ts';
import type { JobRunsTable } from '../tables/jobs.table.ts';
import { chunks, pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';
import type { EventSpan, StoreDialect } from '../dialect/store-dialect.ts';

export interface RunCounts {
  readonly movedToFulfillment: number;
  readonly movedToBackorder: number;
  readonly stillOnHold: number;
  readonly canceled: number;
  readonly failedRecords: number;
}

export interface JobRun extends RunCounts {
  readonly id: string;
  readonly jobType: string;
  readonly trigger: string;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly processed: number;
  readonly error: string | null;
  readonly skus: string[] | null;
}

/** One line a run moved or re-dated (or failed to write), as the run details list it. */
export interface RunRecord {
  readonly lineId: string;
  readonly orderId: string;
  readonly sku: string;
  readonly locationId: string | null;
  readonly quantity: number;
  readonly from: string;
  readonly to: string;
  readonly inventoryAvailabilityDate: string | null;
  readonly estimatedShipmentDate: string | null;
  readonly error: string | null;
}

const toRun = (r: Selectable<JobRunsTable>): JobRun => ({
  id: r.id,
  jobType: r.job_type,
  trigger: r.trigger,
  status: r.status as JobRun['status'],
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  processed: r.processed,
  movedToFulfillment: r.moved_to_fulfillment,
  movedToBackorder: r.moved_to_backorder,
  stillOnHold: r.still_on_hold,
  canceled: r.canceled,
  failedRecords: r.failed_records,
  error: r.error,
  skus: r.skus === null ? null : JSON.parse(r.skus),
});

// ---------------------------------------------------------------- lease

export interface LeaseHolder {
  readonly runId: string | null;
  readonly owner: string | null;
  readonly heartbeatAt: number;
}

/** Reads the lease of a job type, locked for the rest of the transaction (the row is made on first use). */
export async function readLease(db: Executor, store: StoreDialect, jobType: string): Promise<LeaseHolder> {
  await db
    .insertInto('job_leases')
    .values({ job_type: jobType, run_id: null, owner: null, heartbeat_at: 0 })
    .onConflict((oc) => oc.column('job_type').doNothing())
    .execute();
  await store.lockRow(db, 'job_leases', 'job_type', jobType);
  return peekLease(db, jobType);
}

/** The lease of a job type as it stands, without locking or making its row (no row: never held). */
export async function peekLease(db: Executor, jobType: string): Promise<LeaseHolder> {
  const row = await db.selectFrom('job_leases').select(['run_id', 'owner', 'heartbeat_at']).where('job_type', '=', jobType).executeTakeFirst();
  return row ? { runId: row.run_id, owner: row.owner, heartbeatAt: row.heartbeat_at } : { runId: null, owner: null, heartbeatAt: 0 };
}

export async function takeLease(db: Executor, jobType: string, runId: string, owner: string, at: number): Promise<void> {
  await db.updateTable('job_leases').set({ run_id: runId, owner, heartbeat_at: at }).where('job_type', '=', jobType).execute();
}

/**
 * True when the run still holds its job type's lease, which then stays with it until the transaction ends: a batch
 * commits only while its run holds the lease. Whoever changes the holder locks the row for update first
 * (`readLease`), which waits for the batches that hold it and makes later ones wait, so they see the new holder.
 *
 * A key-share lock: the batches of one run do not queue on each other, and the heartbeat (`renewLease`, which changes
 * only `heartbeat_at`) does not queue on them. With share locks it did: PostgreSQL grants a new share lock at once
 * while an update waits for the ones held, so with two batches in flight whose transactions overlapped, the
 * heartbeat waited as long as the overlap lasted, and a healthy run was marked dead.
 */
export async function holdsLease(db: Executor, store: StoreDialect, jobType: string, runId: string): Promise<boolean> {
  await store.lockRow(db, 'job_leases', 'job_type', jobType, 'keyShare');
  const row = await db.selectFrom('job_leases').select('run_id').where('job_type', '=', jobType).executeTakeFirst();
  return row?.run_id === runId;
}

/** Renews the lease if this run still holds it; false when another runner took it over. */
export async function renewLease(db: Executor, jobType: string, runId: string, at: number): Promise<boolean> {
  const r = await db.updateTable('job_leases').set({ heartbeat_at: at }).where('job_type', '=', jobType).where('run_id', '=', runId).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function dropLease(db: Executor, jobType: string, runId: string): Promise<void> {
  await db.updateTable('job_leases').set({ run_id: null, owner: null }).where('job_type', '=', jobType).where('run_id', '=', runId).execute();
}

// ---------------------------------------------------------------- runs

export async function insertRun(db: Executor, run: JobRun, owner: string, heartbeatAt: number): Promise<void> {
  await db
    .insertInto('job_runs')
    .values({
      id: run.id,
      job_type: run.jobType,
      trigger: run.trigger,
      status: run.status,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      heartbeat_at: heartbeatAt,
      owner,
      skus: run.skus === null ? null : JSON.stringify(run.skus),
      processed: run.processed,
      moved_to_fulfillment: 0,
      moved_to_backorder: 0,
      still_on_hold: 0,
      canceled: 0,
      failed_records: 0,
      error: null,
    })
    .execute();
}

/**
 * Adds a batch's counts to its run and widens the run's span of event ids to the events the batch wrote (`events`),
 * in the batch's transaction: the span covers every event of the run that has committed.
 */
export async function addRunCounts(db: Executor, runId: string, c: RunCounts, events: EventSpan | null = null): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({
      moved_to_fulfillment: sql`moved_to_fulfillment + ${c.movedToFulfillment}`,
      moved_to_backorder: sql`moved_to_backorder + ${c.movedToBackorder}`,
      still_on_hold: sql`still_on_hold + ${c.stillOnHold}`,
      canceled: sql`canceled + ${c.canceled}`,
      failed_records: sql`failed_records + ${c.failedRecords}`,
      ...(events === null
        ? {}
        : {
            first_event_id: sql`case when first_event_id is null or first_event_id > ${events.first} then ${events.first} else first_event_id end`,
            last_event_id: sql`case when last_event_id is null or last_event_id < ${events.last} then ${events.last} else last_event_id end`,
          }),
    })
    .where('id', '=', runId)
    .execute();
}

const ACCOUNTED = sql<number>`(moved_to_fulfillment + moved_to_backorder + still_on_hold + canceled + failed_records)`;
const UNACCOUNTED = sql<number>`(case when processed > ${ACCOUNTED} then processed - ${ACCOUNTED} else 0 end)`;

/**
 * Ends a run still marked running. Lines that were in scope at the start but that no batch accounted for are
 * counted so that the counts add up to `processed`: in a run that succeeded they left the scope before their
 * batch came (only a cancel by request can take a line out of a job's scope meanwhile), so they count as
 * canceled; in a run that failed they are the lines it did not get to, so they count as failed records. A line
 * that entered the scope at the very instant the run started is counted by its batch, and `processed` grows
 * to match.
 */
export async function finishRun(db: Executor, runId: string, status: 'succeeded' | 'failed', error: string | null, at: number): Promise<void> {
  const leftover = status === 'succeeded' ? { canceled: sql<number>`canceled + ${UNACCOUNTED}` } : { failed_records: sql<number>`failed_records + ${UNACCOUNTED}` };
  await db
    .updateTable('job_runs')
    .set({ status, error, finished_at: at, ...leftover, processed: sql<number>`case when processed > ${ACCOUNTED} then processed else ${ACCOUNTED} end` })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute();
}

export async function getRun(db: Executor, id: string): Promise<JobRun | undefined> {
  const row = await db.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRun(row);
}

export async function listRuns(db: Executor, q: { jobType?: string; status?: string; after?: [number, string]; limit: number }): Promise<Page<JobRun>> {
  let query = db.selectFrom('job_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  if (q.jobType !== undefined) query = query.where('job_type', '=', q.jobType);
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  const after = q.after;
  if (after !== undefined) query = query.where((eb) => eb(eb.refTuple('started_at', 'id'), '<', eb.tuple(after[0], after[1])));
  return pageOf(await query.execute(), q.limit, toRun, (r) => [r.started_at, r.id]);
}

export async function lastRuns(db: Executor, jobTypes: readonly string[]): Promise<Map<string, JobRun>> {
  const out = new Map<string, JobRun>();
  for (const t of jobTypes) {
    const row = await db.selectFrom('job_runs').selectAll().where('job_type', '=', t).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (row) out.set(t, toRun(row));
  }
  return out;
}

/** Lines a run could not write, with the reason (a run's other records are its events). */
export async function insertFailedRecords(db: Executor, runId: string, records: readonly Omit<RunRecord, 'sku' | 'locationId' | 'quantity'>[]): Promise<void> {
  for (const part of chunks(records, 500)) {
    await db
      .insertInto('job_run_records')
      .values(
        part.map((r) => ({
          run_id: runId,
          line_id: r.lineId,
          order_id: r.orderId,
          from_reason: r.from,
          to_reason: r.to,
          inventory_availability_date: r.inventoryAvailabilityDate,
          estimated_shipment_date: r.estimatedShipmentDate,
          error: r.error,
        })),
      )
      .execute();
  }
}

/**
 * A run's records: its events (one per line it moved or re-dated), then the lines it failed to write. The cursor
 * is [part, id]: part 0 the events, part 1 the failures.
 */
export async function listRunRecords(db: Executor, runId: string, q: { after?: [number, number]; limit: number }): Promise<Page<RunRecord>> {
  const [part, afterId] = q.after ?? [0, 0];
  type Keyed = RunRecord & { key: [number, number] };
  const out: Keyed[] = [];
  const span = part === 0 ? await db.selectFrom('job_runs').select(['first_event_id', 'last_event_id']).where('id', '=', runId).executeTakeFirst() : undefined;
  if (span?.first_event_id != null && span.last_event_id != null) {
    // The run's events lie in its span, among those intake wrote meanwhile: the primary key walks the span.
    const rows = await db
      .selectFrom('line_events as e')
      .innerJoin('order_lines as l', 'l.id', 'e.line_id')
      .select(['e.id', 'e.line_id', 'e.order_id', 'e.from_reason', 'e.to_reason', 'e.data', 'l.sku', 'l.quantity'])
      .where('e.id', '>=', Math.max(span.first_event_id, afterId + 1))
      .where('e.id', '<=', span.last_event_id)
      .where('e.run_id', '=', runId)
      .orderBy('e.id')
      .limit(q.limit + 1)
      .execute();
    for (const r of rows) {
      const data = parseEventData(r.data) as { locationId?: string | null; inventoryAvailabilityDate?: string | null; estimatedShipmentDate?: string | null };
      out.push({
        key: [0, r.id],
        lineId: r.line_id,
        orderId: r.order_id,
        sku: r.sku,
        locationId: data.locationId ?? null,
        quantity: r.quantity,
        from: r.from_reason,
        to: r.to_reason,
        inventoryAvailabilityDate: data.inventoryAvailabilityDate ?? null,
        estimatedShipmentDate: data.estimatedShipmentDate ?? null,
        error: null,
      });
    }
  }
  if (out.length <= q.limit) {
    const rows = await db
      .selectFrom('job_run_records as r')
      .innerJoin('order_lines as l', 'l.id', 'r.line_id')
      .select(['r.id', 'r.line_id', 'r.order_id', 'r.from_reason', 'r.to_reason', 'r.inventory_availability_date', 'r.estimated_shipment_date', 'r.error', 'l.sku', 'l.quantity', 'l.location_id'])
      .where('r.run_id', '=', runId)
      .where('r.id', '>', part === 1 ? afterId : 0)
      .orderBy('r.id')
      .limit(q.limit + 1 - out.length)
      .execute();
    for (const r of rows) {
      out.push({
        key: [1, r.id],
        lineId: r.line_id,
        orderId: r.order_id,
        sku: r.sku,
        locationId: r.location_id,
        quantity: r.quantity,
        from: r.from_reason,
        to: r.to_reason,
        inventoryAvailabilityDate: r.inventory_availability_date,
        estimatedShipmentDate: r.estimated_shipment_date,
        error: r.error,
      });
    }
  }
  return pageOf(out, q.limit, ({ key: _key, ...record }) => record, (r) => r.key);
}

/** What a run left settled of one sku (`job_settled_skus`). */
export interface SettledSku {
  readonly sku: string;
  readonly stateKey: string;
  readonly stillOnHold: number;
  /** When the first cancellation SLA of the sku's held lines runs out (null: none does). */
  readonly validUntil: number | null;
}

/** The settled records of the job for those skus (skus without one are left out). */
export async function readSettledSkus(db: Executor, jobType: string, skus: readonly string[]): Promise<Map<string, SettledSku>> {
  const out = new Map<string, SettledSku>();
  for (const part of chunks(skus, 500)) {
    const rows = await db.selectFrom('job_settled_skus').select(['sku', 'state_key', 'still_on_hold', 'valid_until']).where('job_type', '=', jobType).where('sku', 'in', part).execute();
    for (const r of rows) out.set(r.sku, { sku: r.sku, stateKey: r.state_key, stillOnHold: Number(r.still_on_hold), validUntil: r.valid_until === null ? null : Number(r.valid_until) });
  }
  return out;
}

/** Records (or replaces) what a run left settled of those skus. */
export async function writeSettledSkus(db: Executor, jobType: string, settled: readonly SettledSku[]): Promise<void> {
  for (const part of chunks(settled, 500)) {
    await db
      .insertInto('job_settled_skus')
      .values(part.map((s) => ({ job_type: jobType, sku: s.sku, state_key: s.stateKey, still_on_hold: s.stillOnHold, valid_until: s.validUntil })))
      .onConflict((oc) =>
        oc.columns(['job_type', 'sku']).doUpdateSet((eb) => ({
          state_key: eb.ref('excluded.state_key'),
          still_on_hold: eb.ref('excluded.still_on_hold'),
          valid_until: eb.ref('excluded.valid_until'),
        })),
      )
      .execute();
  }
}

/** Forgets every settled sku: the next run of each job plans every sku again. */
export async function forgetSettledSkus(db: Executor): Promise<void> {
  await db.deleteFrom('job_settled_skus').execute();
}
