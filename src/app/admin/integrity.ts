/**
 * The doctor (SPEC section 8, `GET /api/admin/integrity`): checks the books against the lines. Every (sku,
 * location)'s `reserved` equals its released, unshipped lines; every line's status reason is known and its fields
 * fit it; every held line has both dates or neither and a location exactly when dated; every line's events
 * account for its version and end in its status reason; the promised quantities equal the held lines' promises;
 * every product's counts of held lines equal its lines.
 *
 * The checks are set-based queries over a range of skus at a time, each range read in one snapshot, with the event
 * loop given back between ranges: bounded memory over a million lines, and the service keeps answering. At most
 * `perKind` problems of each kind are listed (`truncated` says when there were more).
 *
 * The repair (`holdfast doctor --repair`, `POST /api/admin/integrity/repair`) recomputes `reserved`, the promised
 * quantities and the counts of held lines from the lines in one transaction that holds every sku's lock, recording
 * each correction (`integrity_repairs`). Lines in an impossible state are reported, never changed: which state they
 * should be in is for a person to decide.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AppContext } from '../context.ts';
import { lineProblems } from '../../domain/order/line-integrity.ts';
import {
  catalogSkus,
  findBadLines,
  findEventMismatches,
  findHeldCountMismatches,
  findPromisedMismatches,
  findReservedMismatches,
  lastRepairId,
  nextSkuRange,
  repairBooks,
  repairsAfter,
  suppliesRepairedAfter,
} from '../../store/repositories/integrity.repository.ts';
import type { RepairRow } from '../../store/repositories/integrity.repository.ts';
import { forgetSettledSkus } from '../../store/repositories/jobs.repository.ts';

export const PROBLEM_KINDS = ['reserved_mismatch', 'invalid_status', 'invalid_state', 'held_dates', 'events_mismatch', 'promised_mismatch', 'held_count_mismatch'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface IntegrityProblem {
  readonly kind: ProblemKind;
  readonly sku?: string;
  readonly locationId?: string;
  readonly lineId?: string;
  readonly date?: string;
  readonly detail: string;
}

export interface IntegrityReport {
  readonly ok: boolean;
  readonly problems: readonly IntegrityProblem[];
  /** True when some kind had more problems than `perKind`, which are listed. */
  readonly truncated: boolean;
}

export interface CheckOptions {
  readonly perKind?: number;
  /** Skus per range. */
  readonly rangeSize?: number;
}

const units = (n: number) => `${n} ${n === 1 ? 'unit' : 'units'}`;

export async function checkIntegrity(ctx: AppContext, options: CheckOptions = {}): Promise<IntegrityReport> {
  const { database } = ctx;
  const perKind = options.perKind ?? 1_000;
  const size = options.rangeSize ?? 500;
  const problems: IntegrityProblem[] = [];
  const found = new Map<ProblemKind, number>(PROBLEM_KINDS.map((k) => [k, 0]));
  let truncated = false;
  const add = (p: IntegrityProblem) => {
    const n = found.get(p.kind)!;
    if (n >= perKind) {
      truncated = true;
      return;
    }
    found.set(p.kind, n + 1);
    problems.push(p);
  };
  // One more than room is left for, so a full kind shows as truncated.
  const room = (...kinds: ProblemKind[]) => Math.max(1, Math.min(...kinds.map((k) => perKind - found.get(k)!)) + 1);

  let range = await database.read((trx) => nextSkuRange(trx, '', size));
  for (;;) {
    const r = range;
    const rows = await database.read(async (trx) => ({
      reserved: await findReservedMismatches(trx, r, room('reserved_mismatch')),
      lines: await findBadLines(trx, r, room('invalid_status', 'invalid_state', 'held_dates')),
      events: await findEventMismatches(trx, r, room('events_mismatch')),
      promised: await findPromisedMismatches(trx, r, room('promised_mismatch')),
      heldCounts: await findHeldCountMismatches(trx, r, room('held_count_mismatch')),
    }));
    for (const m of rows.reserved) {
      const held = `its released, unshipped lines hold ${units(m.held)}`;
      add({ kind: 'reserved_mismatch', sku: m.sku, locationId: m.location_id, detail: m.reserved === null ? `no stock row, but ${held}` : `reserved ${m.reserved}, but ${held}` });
    }
    for (const l of rows.lines) {
      const fields = {
        statusReason: l.status_reason,
        locationId: l.location_id,
        inventoryAvailabilityDate: l.inventory_availability_date,
        estimatedShipmentDate: l.estimated_shipment_date,
        launchDate: l.launch_date,
        backorderedAt: l.backordered_at,
      };
      for (const p of lineProblems(fields)) add({ kind: p.kind, sku: l.sku, lineId: l.id, detail: p.detail });
    }
    for (const e of rows.events) {
      const detail =
        e.version === null
          ? `${e.events} events of a line that does not exist`
          : e.events !== e.version
            ? `version ${e.version}, but ${e.events} events (every change writes one)`
            : `its last event ends in ${e.last_to}, but the line is ${e.status_reason}`;
      add({ kind: 'events_mismatch', sku: e.sku, lineId: e.id, detail });
    }
    for (const p of rows.promised) {
      const held = `the held lines promised there hold ${units(p.held)}`;
      const detail = p.ledger === null ? `no promised quantity, but ${held}` : `promised quantity ${p.ledger}, but ${held}`;
      add({ kind: 'promised_mismatch', sku: p.sku, locationId: p.location_id, date: p.date, detail });
    }
    for (const h of rows.heldCounts) {
      const detail = `counts ${h.held_backorder} lines on BackorderHold and ${h.held_preorder} on PreorderHold, but its lines have ${h.backorder} and ${h.preorder}`;
      add({ kind: 'held_count_mismatch', sku: h.sku, detail });
    }
    if (r.upTo === null) break;
    await yieldToLoop();
    const after = r.upTo;
    range = await database.read((trx) => nextSkuRange(trx, after, size));
  }
  return { ok: problems.length === 0, problems, truncated };
}

export interface RepairResult {
  /** Stock rows whose `reserved` was corrected (or added). */
  readonly reserved: number;
  /** Promised quantities corrected, added or removed. */
  readonly promised: number;
  /** Products whose counts of held lines (what job runs find their skus by) were corrected. */
  readonly heldCounts: number;
  /** The corrections as recorded, first ones first (at most `limit`). */
  readonly changes: readonly RepairRow[];
  /** True when there were more corrections than `changes` lists. */
  readonly changesTruncated: boolean;
}

/**
 * Recomputes `reserved`, the promised quantities and the counts of held lines from the lines, in one transaction,
 * recording each change. Skus whose reserved or promises moved then start a supply-change run, as any change of
 * supply does: stock a phantom reservation held may release lines, and a promise that no longer holds is re-dated.
 */
export async function repairIntegrity(ctx: AppContext, actor: string, limit = 1_000): Promise<RepairResult> {
  const { database } = ctx;
  const now = ctx.clock.now();
  const { result, supplyMoved } = await database.transaction(async (trx) => {
    // Every writer of a sku's lines or stock holds its lock: with all of them held, the lines stand still.
    await database.lockSkus(trx, await catalogSkus(trx));
    const before = await lastRepairId(trx);
    const counts = await repairBooks(trx, actor, now);
    // A repair follows data someone may have changed outside Holdfast (without the versions its writers move): the
    // job runs after it plan every sku again rather than trust what they had found settled.
    await forgetSettledSkus(trx);
    const changes = await repairsAfter(trx, before, limit + 1);
    const result = { ...counts, changes: changes.slice(0, limit), changesTruncated: changes.length > limit };
    return { result, supplyMoved: await suppliesRepairedAfter(trx, before) };
  });
  if (supplyMoved.length > 0) ctx.supplyChanged(supplyMoved);
  return result;
}

export interface RepairReport extends RepairResult {
  /** The check run again after the repair: what a repair leaves is for a person (a line in an impossible state). */
  readonly after: IntegrityReport;
}

/** A repair and the check after it, as `holdfast doctor --repair` and the console's Integrity screen (`POST /api/admin/integrity/repair`) ask for them. */
export async function repairAndCheck(ctx: AppContext, actor: string): Promise<RepairReport> {
  const repaired = await repairIntegrity(ctx, actor);
  return { ...repaired, after: await checkIntegrity(ctx) };
}
