/**
 * Settled skus: what lets a run skip a sku whose plan would change nothing, without reading its held lines.
 *
 * A sku's plan is a function of its state (its held lines, which every change to them versions; its stock; its
 * scheduled changes in the horizon; its product) and of the run's context (job type, business date, horizon,
 * settings, policy, locations), and of the time only through the cancellation SLAs. When a batch has written a
 * sku's plan, it plans that written state once more in memory: if that second plan changes nothing, the batch
 * records the key of the written state (read back in its transaction) with the lines the plan counts still on
 * hold and the first SLA deadline. A later run of the job that finds the same key before that deadline knows what
 * planning the sku would give, and skips it. Any write to the sku's state changes its key, so a record can only
 * ever be stale, never wrong.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { SupplyBook } from '../../domain/atp/promising.ts';
import { addDays } from '../../domain/calendar/business-date.ts';
import { planJobBatch, slaDeadline } from '../../domain/holds/job-plan.ts';
import type { JobLine, JobPlan, JobPlanContext } from '../../domain/holds/job-plan.ts';
import type { RunScope } from '../../domain/holds/job-kind.ts';
import type { FulfillmentPolicy } from '../../domain/policy/fulfillment-policy.ts';
import type { Location } from '../../domain/inventory/location.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import type { Executor } from '../../store/database.ts';
import type { StoredLine } from '../../store/repositories/orders.repository.ts';
import { findProducts } from '../../store/repositories/catalog.repository.ts';
import { readSettledSkus } from '../../store/repositories/jobs.repository.ts';

/** A sku a plan leaves settled: the lines a plan of it counts still on hold, and until when that holds. */
export interface Settles {
  readonly sku: string;
  readonly stillOnHold: number;
  /** The first cancellation SLA deadline among its held lines (null: none). */
  readonly validUntil: number | null;
}

/** The run's side of every settled key: what its plans read besides the skus' own state. */
export function settledContextKey(frame: {
  readonly scope: RunScope;
  readonly horizon: number;
  readonly settings: Settings;
  readonly policy: FulfillmentPolicy;
  readonly locations: readonly Location[];
}): string {
  const { kind, today } = frame.scope;
  return createHash('sha1').update(JSON.stringify([kind, today, frame.horizon, frame.settings, frame.policy, frame.locations])).digest('hex');
}

/** The key of a sku's state under a run's context. */
export const stateKeyOf = (contextKey: string, state: string): string => createHash('sha1').update(contextKey).update('\u0000').update(state).digest('hex');

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each sku's state as one string: its held version (every change to its held lines moves it), its stock, its
 * scheduled changes inside the horizon and its product. Everything a batch's plan reads of a sku is in it.
 */
export async function skuStates(ctx: AppContext, trx: Executor, frame: { readonly scope: RunScope; readonly horizon: number }, skus: readonly string[]): Promise<Map<string, string>> {
  const { store } = ctx.database;
  const today = frame.scope.today;
  const [versions, supply, products] = await Promise.all([
    store.heldVersions(trx, skus),
    store.supply(trx, skus, frame.horizon > 0 ? { after: today, until: addDays(today, frame.horizon) } : null, false),
    findProducts(trx, skus),
  ]);
  const parts = new Map<string, { version: unknown; stock: string[]; scheduled: string[] }>(skus.map((s) => [s, { version: null, stock: [], scheduled: [] }]));
  for (const [sku, version] of versions) {
    const p = parts.get(sku);
    if (p) p.version = version;
  }
  for (const r of supply.stock) parts.get(r.sku)?.stock.push(JSON.stringify([r.locationId, r.onHand, r.reserved]));
  for (const r of supply.scheduled) parts.get(r.sku)?.scheduled.push(JSON.stringify([r.locationId, r.date, r.quantity]));
  const states = new Map<string, string>();
  for (const [sku, p] of parts) {
    const product = products.get(sku);
    states.set(
      sku,
      JSON.stringify([
        p.version,
        p.stock.sort(byText),
        p.scheduled.sort(byText),
        product ? [product.allowBackorder, product.preorderEligible, product.launchDate] : null,
      ]),
    );
  }
  return states;
}

/** The states of a batch's skus as one string, in sku order: what a plan made ahead is checked against under the lock. */
export function batchDigest(states: ReadonlyMap<string, string>): string {
  return JSON.stringify([...states].sort(([a], [b]) => byText(a, b)));
}

/**
 * The skus of a batch a run may skip: those whose record holds the key of their state now, under this run's
 * context, before its deadline. Answers each with the lines it counts still on hold.
 */
export async function skippableSkus(trx: Executor, jobType: string, contextKey: string, states: ReadonlyMap<string, string>, now: number): Promise<Map<string, number>> {
  const records = await readSettledSkus(trx, jobType, [...states.keys()]);
  const skippable = new Map<string, number>();
  for (const [sku, record] of records) {
    const state = states.get(sku);
    if (state === undefined || (record.validUntil !== null && now >= record.validUntil)) continue;
    if (record.stateKey === stateKeyOf(contextKey, state)) skippable.set(sku, record.stillOnHold);
  }
  return skippable;
}

/** Quantities a plan releases per (sku, location): what its write reserves. */
export function releasedQuantities(changes: readonly LineChange[]): { sku: string; locationId: string; quantity: number }[] {
  const out = new Map<string, { sku: string; locationId: string; quantity: number }>();
  for (const c of changes) {
    if (c.after.statusReason !== 'AwaitingFulfillment' || c.before.statusReason === 'AwaitingFulfillment' || c.after.locationId === null) continue;
    const key = `${c.after.sku}\u0000${c.after.locationId}`;
    const seen = out.get(key);
    if (seen) seen.quantity += c.after.quantity;
    else out.set(key, { sku: c.after.sku, locationId: c.after.locationId, quantity: c.after.quantity });
  }
  return [...out.values()];
}

const isHeld = (l: JobLine) => l.statusReason === 'BackorderHold' || l.statusReason === 'PreorderHold';

/**
 * The skus of a written plan that a later run of the job would find settled: the plan's held lines as it leaves
 * them, with the stock it reserves taken out of the supply it planned with, planned again (every line in scope, as
 * it is for a later run); a sku that plan changes nothing of is settled.
 */
export function settledAfter(
  lines: readonly (JobLine & StoredLine)[],
  plan: JobPlan,
  book: SupplyBook,
  ctx: Omit<JobPlanContext, 'book' | 'inScope'>,
): Settles[] {
  if (lines.length === 0) return [];
  const after = new Map<string, JobLine & StoredLine>();
  const moved = new Set<string>();
  for (const c of plan.changes) {
    after.set(c.after.id, c.after as JobLine & StoredLine);
    if (c.after.statusReason !== c.before.statusReason) moved.add(c.after.id);
  }
  const held = lines.map((l) => after.get(l.id) ?? l).filter(isHeld);
  const reserved = new Map(releasedQuantities(plan.changes).map((r) => [`${r.sku}\u0000${r.locationId}`, r.quantity]));
  const written = new SupplyBook(book.horizon, (sku, locationId) => {
    const supply = book.supplyInput(sku, locationId);
    const taken = reserved.get(`${sku}\u0000${locationId}`);
    return taken === undefined ? supply : { ...supply, available: supply.available - taken };
  });
  // A later run has every line in scope whose status reason came from a committed event (a move writes one).
  const outOfScope = new Set(held.filter((l) => l.statusSeq === null && !moved.has(l.id)).map((l) => l.id));
  const again = planJobBatch(held, { ...ctx, book: written, inScope: (l) => !outOfScope.has(l.id) });
  const changed = new Set(again.changes.map((c) => c.after.sku));
  const bySku = new Map<string, { stillOnHold: number; validUntil: number | null }>();
  for (const l of lines) if (!changed.has(l.sku) && !bySku.has(l.sku)) bySku.set(l.sku, { stillOnHold: 0, validUntil: null });
  for (const l of held) {
    const s = bySku.get(l.sku);
    if (!s) continue;
    if (again.outcomes.get(l.id) === 'stillOnHold') s.stillOnHold++;
    const deadline = ctx.jobType === 'backorder' ? slaDeadline(l, ctx.cancellationSlaDays) : null;
    if (deadline !== null && (s.validUntil === null || deadline < s.validUntil)) s.validUntil = deadline;
  }
  return [...bySku].map(([sku, s]) => ({ sku, ...s }));
}
