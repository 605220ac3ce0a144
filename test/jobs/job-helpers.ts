/**
 * Shared steps of the job suites: a small catalog, intake through the API, running jobs and reading their
 * details, and snapshots of the lines straight from the database to check a run against what it did.
 */
import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/tables/index.ts';
import type { ApiResponse, TestService } from '../fixtures/test-service.ts';

export const DAY_MS = 86_400_000;
export const T0 = '2028-06-01T09:00:00.000Z';

/** `YYYY-MM-DD` plus n calendar days. */
export const addDays = (ymd: string, n: number): string => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
export const plusMs = (isoInstant: string, ms: number): string => new Date(Date.parse(isoInstant) + ms).toISOString();

export const HELD = ['PreorderHold', 'BackorderHold'];
export const CANCELED = ['CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock'];

export interface ProductSpec {
  readonly name?: string;
  readonly preorderEligible?: boolean;
  readonly launchDate?: string | null;
  readonly allowBackorder?: boolean;
}

/** PUTs must answer 200 or 201; anything else stops the test with the answer. */
export async function ok(t: TestService, method: string, url: string, body?: unknown): Promise<any> {
  const r = await t.api(method, url, body);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
  return r.body;
}

/** EAST (priority 1, 1 handling day) and WEST (priority 2, 2 handling days), the products, and the settings. */
export async function setupWorld(
  t: TestService,
  options: { products: Record<string, ProductSpec>; settings?: Record<string, unknown> },
): Promise<void> {
  await ok(t, 'PUT', '/api/locations/EAST', { name: 'East DC', priority: 1, handlingDays: 1, active: true });
  await ok(t, 'PUT', '/api/locations/WEST', { name: 'West DC', priority: 2, handlingDays: 2, active: true });
  for (const [sku, p] of Object.entries(options.products)) await ok(t, 'PUT', `/api/products/${sku}`, { name: sku, ...p });
  if (options.settings) await ok(t, 'PATCH', '/api/settings', options.settings);
}

export async function setOnHand(t: TestService, rows: { sku: string; locationId: string; onHand: number }[]): Promise<void> {
  await ok(t, 'PUT', '/api/inventory/on-hand', rows);
}

export async function schedule(t: TestService, rows: { sku: string; locationId: string; date: string; quantity: number; reference?: string }[]): Promise<void> {
  const r = await t.api('POST', '/api/inventory/schedules', rows.map((x, i) => ({ reference: `PO-${i}`, ...x })));
  if (r.status !== 201) throw new Error(`schedules: ${r.status} ${r.text}`);
}

/** Places an order (201) and answers it. */
export async function place(
  t: TestService,
  externalId: string,
  lines: [sku: string, quantity: number][],
  extra: { priority?: number } = {},
): Promise<any> {
  const r = await t.api('POST', '/api/orders', { externalId, lines: lines.map(([sku, quantity]) => ({ sku, quantity })), ...extra });
  if (r.status !== 201) throw new Error(`POST /api/orders ${externalId}: ${r.status} ${r.text}`);
  return r.body;
}

export async function getOrder(t: TestService, id: string): Promise<any> {
  return ok(t, 'GET', `/api/orders/${id}`);
}

/** Runs a job with ?wait=true and answers the ended run (200). */
export async function runNow(t: TestService, jobType: 'backorder' | 'preorder'): Promise<any> {
  const r = await t.api('POST', `/api/jobs/${jobType}/runs?wait=true`);
  expect(r.status, r.text).toBe(200);
  expect(r.body.status).not.toBe('running');
  return r.body;
}

export interface RunRecord {
  lineId: string;
  orderId: string;
  sku: string;
  locationId: string | null;
  quantity: number;
  from: string;
  to: string;
  inventoryAvailabilityDate: string | null;
  estimatedShipmentDate: string | null;
  error: string | null;
}

/** GET /api/jobs/runs/{id}, walking the records cursor `limit` at a time. */
export async function runDetails(t: TestService, id: string, limit = 2): Promise<{ run: any; records: RunRecord[]; pages: number }> {
  const records: RunRecord[] = [];
  let cursor: string | null = null;
  let run: any;
  let pages = 0;
  do {
    const r: ApiResponse = await t.api('GET', `/api/jobs/runs/${id}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    const { records: page, ...rest }: { records: { items: RunRecord[]; nextCursor: string | null } } = r.body;
    run = rest;
    records.push(...page.items);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    cursor = page.nextCursor;
    pages++;
    if (pages > 100_000) throw new Error('the records cursor never ends');
  } while (cursor);
  return { run, records, pages };
}

/** Every run of the job log (newest first), walking its cursor. */
export async function allRuns(t: TestService, query = '', limit = 50): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '';
    const r: ApiResponse = await t.api('GET', `/api/jobs/runs?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

export interface LineRow {
  id: string;
  orderId: string;
  sku: string;
  quantity: number;
  statusReason: string;
  locationId: string | null;
  inventoryAvailabilityDate: string | null;
  estimatedShipmentDate: string | null;
  launchDate: string | null;
  backorderedAt: number | null;
  orderedAt: number;
  version: number;
}

/** Every line, straight from the database, by id. */
export async function lineSnapshot(db: Kysely<DB>): Promise<Map<string, LineRow>> {
  const rows = await db.selectFrom('order_lines').selectAll().execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        orderId: r.order_id,
        sku: r.sku,
        quantity: r.quantity,
        statusReason: r.status_reason,
        locationId: r.location_id,
        inventoryAvailabilityDate: r.inventory_availability_date,
        estimatedShipmentDate: r.estimated_shipment_date,
        launchDate: r.launch_date,
        backorderedAt: r.backordered_at === null ? null : Number(r.backordered_at),
        orderedAt: Number(r.ordered_at),
        version: r.version,
      },
    ]),
  );
}

const samePlacement = (a: LineRow, b: LineRow) =>
  a.statusReason === b.statusReason &&
  a.locationId === b.locationId &&
  a.inventoryAvailabilityDate === b.inventoryAvailabilityDate &&
  a.estimatedShipmentDate === b.estimatedShipmentDate;

/**
 * Checks an ended run against the lines before and after it (nothing else wrote meanwhile): one record per line
 * moved or re-dated and none for the others, records matching the lines' new state, counts matching the records
 * and the lines in scope at the start (SPEC section 5).
 */
export function expectRunAccounted(run: any, records: RunRecord[], before: Map<string, LineRow>, after: Map<string, LineRow>): void {
  const counts = ['movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
  expect(counts.reduce((s, k) => s + run[k], 0), 'the counts add up to processed').toBe(run.processed);

  const byLine = new Map(records.map((r) => [r.lineId, r]));
  expect(byLine.size, 'one record per line').toBe(records.length);
  for (const [id, b] of before) {
    const a = after.get(id)!;
    const rec = byLine.get(id);
    if (samePlacement(a, b)) {
      if (rec) expect(rec.error, `line ${id} unchanged, so its record must be a failure`).not.toBeNull();
      continue;
    }
    expect(rec, `line ${id} changed ${b.statusReason} -> ${a.statusReason} but has no record`).toBeDefined();
    expect(rec).toMatchObject({
      orderId: a.orderId,
      from: b.statusReason,
      to: a.statusReason,
      inventoryAvailabilityDate: a.inventoryAvailabilityDate,
      estimatedShipmentDate: a.estimatedShipmentDate,
      error: null,
    });
    expect(a.version, `line ${id}: one version step per change`).toBe(b.version + 1);
  }
  for (const r of records) expect(before.has(r.lineId), `record for an unknown line ${r.lineId}`).toBe(true);

  const moves = records.filter((r) => r.error === null && r.from !== r.to);
  expect(run.movedToFulfillment).toBe(moves.filter((r) => r.to === 'AwaitingFulfillment').length);
  expect(run.movedToBackorder).toBe(moves.filter((r) => r.from === 'PreorderHold' && r.to === 'BackorderHold').length);
  expect(run.canceled).toBe(moves.filter((r) => CANCELED.includes(r.to)).length);
  expect(run.failedRecords).toBe(records.filter((r) => r.error !== null).length);

  // The lines in scope when the run started, counted independently of the runner.
  const startedAt = Date.parse(run.startedAt);
  const today = run.startedAt.slice(0, 10); // the suites run with timeZone UTC
  const skus: string[] | null = run.skus ?? null;
  const inScope = [...before.values()].filter((l) => {
    if (skus !== null && !skus.includes(l.sku)) return false;
    if (run.jobType === 'backorder') return l.statusReason === 'BackorderHold' && l.backorderedAt !== null && l.backorderedAt <= startedAt;
    return l.statusReason === 'PreorderHold' && l.launchDate !== null && l.launchDate <= today && l.orderedAt <= startedAt;
  });
  expect(run.processed, 'processed = lines in scope when the run started').toBe(inScope.length);
  const stillHeld = inScope.filter((l) => after.get(l.id)!.statusReason === l.statusReason && !byLine.get(l.id)?.error);
  expect(run.stillOnHold, 'stillOnHold = lines in scope that stayed where they were').toBe(stillHeld.length);
}

/**
 * The bars of SPEC section 10 on the stored state: every line in one valid state, reserved equal to its
 * released lines and never above on-hand, one event per version step, events forming one path from New to the
 * line's status reason (so no move repeated), and the fields each state needs. Answers the problems found.
 */
export async function invariantProblems(db: Kysely<DB>, options: { allowShortage?: boolean; shortageAllowedAt?: ReadonlySet<string> } = {}): Promise<string[]> {
  const problems: string[] = [];
  const valid = ['New', 'PreorderHold', 'BackorderHold', 'AwaitingFulfillment', 'Shipped', ...CANCELED];
  const lines = await lineSnapshot(db);
  const reservedBy = new Map<string, number>();
  for (const l of lines.values()) {
    if (!valid.includes(l.statusReason)) problems.push(`line ${l.id} has status reason ${l.statusReason}`);
    if (l.statusReason === 'AwaitingFulfillment') {
      if (l.locationId === null || l.inventoryAvailabilityDate === null || l.estimatedShipmentDate === null) problems.push(`released line ${l.id} lacks location or dates`);
      const k = `${l.sku}|${l.locationId}`;
      reservedBy.set(k, (reservedBy.get(k) ?? 0) + l.quantity);
    }
    if (l.statusReason === 'BackorderHold' && l.backorderedAt === null) problems.push(`backordered line ${l.id} has no backorderedAt`);
    if (HELD.includes(l.statusReason) && (l.inventoryAvailabilityDate === null) !== (l.locationId === null)) problems.push(`held line ${l.id} has a date without a location or the reverse`);
    if (CANCELED.includes(l.statusReason) && (l.inventoryAvailabilityDate !== null || l.estimatedShipmentDate !== null)) problems.push(`canceled line ${l.id} kept its dates`);
  }
  const stock = await db.selectFrom('stock').selectAll().execute();
  const seen = new Set<string>();
  for (const s of stock) {
    const k = `${s.sku}|${s.location_id}`;
    seen.add(k);
    const want = reservedBy.get(k) ?? 0;
    if (s.reserved !== want) problems.push(`${k}: reserved ${s.reserved}, its released lines hold ${want}`);
    const shortageAllowed = options.allowShortage || options.shortageAllowedAt?.has(k);
    if (!shortageAllowed && s.reserved > s.on_hand) problems.push(`${k}: reserved ${s.reserved} above on-hand ${s.on_hand}`);
  }
  for (const k of reservedBy.keys()) if (!seen.has(k)) problems.push(`${k}: released lines but no stock row`);

  const events = await db.selectFrom('line_events').select(['id', 'line_id', 'from_reason', 'to_reason']).orderBy('line_id').orderBy('id').execute();
  const byLine = new Map<string, { from: string; to: string }[]>();
  for (const e of events) {
    const list = byLine.get(e.line_id) ?? [];
    list.push({ from: e.from_reason, to: e.to_reason });
    byLine.set(e.line_id, list);
  }
  for (const l of lines.values()) {
    const list = byLine.get(l.id) ?? [];
    if (list.length !== l.version) problems.push(`line ${l.id}: version ${l.version}, ${list.length} events`);
    let at = 'New';
    const moves = new Set<string>();
    for (const e of list) {
      if (e.from !== at) problems.push(`line ${l.id}: event ${e.from} -> ${e.to} while the line was ${at}`);
      if (e.from !== e.to) {
        const k = `${e.from}>${e.to}`;
        if (moves.has(k)) problems.push(`line ${l.id} moved ${e.from} -> ${e.to} twice`);
        moves.add(k);
      }
      at = e.to;
    }
    if (list.length > 0 && at !== l.statusReason) problems.push(`line ${l.id}: events end at ${at}, the line is ${l.statusReason}`);
  }
  for (const id of byLine.keys()) if (!lines.has(id)) problems.push(`events for an unknown line ${id}`);

  // The promised quantities are the sum of the held lines' promises, per (sku, location, date), with no zero rows.
  const promised = new Map<string, number>();
  for (const l of lines.values()) {
    if (!HELD.includes(l.statusReason) || l.locationId === null || l.inventoryAvailabilityDate === null) continue;
    const k = `${l.sku}|${l.locationId}|${l.inventoryAvailabilityDate}`;
    promised.set(k, (promised.get(k) ?? 0) + l.quantity);
  }
  // Every product counts its lines on each hold (what job runs find their next skus by).
  const heldBy = new Map<string, { BackorderHold: number; PreorderHold: number }>();
  for (const l of lines.values()) {
    if (l.statusReason !== 'BackorderHold' && l.statusReason !== 'PreorderHold') continue;
    const c = heldBy.get(l.sku) ?? { BackorderHold: 0, PreorderHold: 0 };
    c[l.statusReason]++;
    heldBy.set(l.sku, c);
  }
  for (const p of await db.selectFrom('products').select(['sku', 'held_backorder', 'held_preorder']).execute()) {
    const c = heldBy.get(p.sku) ?? { BackorderHold: 0, PreorderHold: 0 };
    if (Number(p.held_backorder) !== c.BackorderHold || Number(p.held_preorder) !== c.PreorderHold) {
      problems.push(`product ${p.sku} counts ${p.held_backorder} backordered and ${p.held_preorder} preordered lines, its lines ${c.BackorderHold} and ${c.PreorderHold}`);
    }
  }

  const ledger = await db.selectFrom('promised_quantities').selectAll().execute();
  const ledgerKeys = new Set<string>();
  for (const r of ledger) {
    const k = `${r.sku}|${r.location_id}|${r.date}`;
    ledgerKeys.add(k);
    if (Number(r.quantity) !== (promised.get(k) ?? 0)) problems.push(`promised ${k}: ledger ${r.quantity}, held lines ${promised.get(k) ?? 0}`);
  }
  for (const [k, q] of promised) if (!ledgerKeys.has(k)) problems.push(`promised ${k}: held lines ${q}, no ledger row`);
  return problems;
}

export async function expectInvariants(db: Kysely<DB>): Promise<void> {
  expect(await invariantProblems(db)).toEqual([]);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` answers true (or throws after `timeoutMs`). */
export async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A run's counts, in the order runs report them. */
export const RUN_COUNTS = ['processed', 'movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
export const runCountsOf = (run: any) => Object.fromEntries(RUN_COUNTS.map((k) => [k, run[k]]));
/** Run records in line id order (a run lists them by sku). */
export const byLine = (records: any[]) => [...records].sort((a, b) => (a.lineId < b.lineId ? -1 : 1));
