/**
 * What differs between SQLite and PostgreSQL, behind one small interface: locks, error codes, and the hot paths
 * that must be set-based to be fast (the held lines a job walks, a batch of line changes with their events
 * and promised quantities, reservations, the supply of a set of skus). `sqlite.ts` and `postgres.ts` implement
 * it side by side; repositories and use cases call it and never ask which database they are on.
 *
 * Every method takes the transaction it runs in (on SQLite, where one connection serves the process, holding the
 * transaction is what keeps another request's statements out of it).
 */
import type { Executor } from '../database.ts';
import type { LineChange, LineEvent, OrderLine } from '../../domain/order/order-line.ts';
import type { RunScope } from '../../domain/holds/job-kind.ts';
import type { StoredLine, StoredOrder } from '../repositories/orders.repository.ts';

export interface SkuQuantity {
  readonly sku: string;
  readonly locationId: string;
  readonly quantity: number;
}

export interface DatedSkuQuantity extends SkuQuantity {
  readonly date: string;
}

export interface StockRow {
  readonly sku: string;
  readonly locationId: string;
  readonly onHand: number;
  readonly reserved: number;
}

/** What the ATP engine needs for a set of skus: stock, scheduled changes in a window, promised quantities. */
export interface SupplyRows {
  readonly stock: readonly StockRow[];
  readonly scheduled: readonly DatedSkuQuantity[];
  /** Empty unless asked for. */
  readonly promised: readonly DatedSkuQuantity[];
}

/** Everything an ATP answer for one sku reads, from one snapshot. */
export interface AtpRows {
  readonly productExists: boolean;
  /** Every location (a handful of rows). */
  readonly locations: readonly { readonly id: string; readonly priority: number; readonly active: boolean }[];
  /** The stored settings document (JSON text), if there is one. */
  readonly settings: string | undefined;
  /** The sku's stock, scheduled changes in the window and promised quantities. */
  readonly supply: SupplyRows;
}

/** The smallest and largest id of the events one write drew. */
export interface EventSpan {
  readonly first: number;
  readonly last: number;
}

/** How a set of line changes moves a sku's count of lines on each hold (maybe by 0). */
export interface HeldCountDelta {
  readonly sku: string;
  readonly backorder: number;
  readonly preorder: number;
}

/** Line changes as a dialect writes them (`prepareChanges`): plain data, so they can cross between threads. */
export interface PreparedChanges {
  /** How many line changes. */
  readonly size: number;
  readonly promised: readonly DatedSkuQuantity[];
  readonly held: readonly HeldCountDelta[];
  /** The rows in the dialect's own form: only the dialect that prepared them reads them. */
  readonly rows: unknown;
}

/** The span of some event ids (null for none). */
export function spanOf(ids: Iterable<number>): EventSpan | null {
  let first = Infinity;
  let last = -Infinity;
  for (const id of ids) {
    if (id < first) first = id;
    if (id > last) last = id;
  }
  return first <= last ? { first, last } : null;
}

export interface HeldSkusQuery {
  /** Skus after this one, in sku order. */
  readonly after: string | null;
  readonly maxSkus: number;
  /** Stop adding skus once their held lines reach this many (at least one sku is always returned). */
  readonly maxLines: number;
  /** Only these skus (an event run); null for all. */
  readonly only: readonly string[] | null;
  /** Only skus having lines in this status reason; null: any held line. */
  readonly withStatus: 'PreorderHold' | 'BackorderHold' | null;
}

export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';

  /** Serializes writers of these skus for the rest of the transaction (SQLite already has one writer). */
  lockSkus(trx: Executor, skus: Iterable<string>): Promise<void>;
  /**
   * Locks one row for the rest of the transaction (a job lease, a config document): `update` excludes every other
   * lock; `keyShare` only `update` locks (and changes of the key), so several transactions may hold it together and an
   * update of the row's other columns waits for none of them.
   */
  lockRow(trx: Executor, table: 'job_leases' | 'config', keyColumn: 'job_type' | 'key', key: string, mode?: 'update' | 'keyShare'): Promise<void>;
  isUniqueViolation(error: unknown): boolean;
  /**
   * Tells the other processes, when `trx` commits, that API keys changed (one was revoked or given another role), so
   * that none goes on accepting a key it remembers: on PostgreSQL a notice they listen for; on SQLite nothing, as
   * every commit of another connection moves the file's data version (`Database.keysStamp`).
   */
  announceKeysChanged(trx: Executor): Promise<void>;
  /**
   * Sets a job batch's transaction up: its commit may return before its WAL reaches the disk (a crash may lose it
   * whole, never in part, and the next run redoes it; never for intake or anything a client was told is done), and
   * its joins of a batch's rows with a table go through the table's keys, whatever the statistics say.
   */
  batchSession(trx: Executor): Promise<void>;
  /** Called as a run starts: refreshes the planner's statistics of the tables it walks if they are missing or stale. */
  beforeRun(db: Executor): Promise<void>;
  /** Whether separate connections can write at once (PostgreSQL), so a run may keep several batches going. */
  readonly concurrentWriters: boolean;

  /** Every held line (PreorderHold, BackorderHold) of these skus. */
  heldLines(trx: Executor, skus: readonly string[]): Promise<StoredLine[]>;
  /**
   * How many times the held lines of each sku have changed (0 for a sku never held): the writes below bump it with
   * every change to a held line, in the same transaction.
   */
  heldVersions(trx: Executor, skus: readonly string[]): Promise<Map<string, number>>;
  /** The next skus in sku order that have held lines, up to a number of skus or of lines. */
  heldSkus(trx: Executor, q: HeldSkusQuery): Promise<string[]>;
  /**
   * Lines in a run's scope as it starts (`processed`): from the products' counts of held lines, or for a preorder run
   * (lines whose launch date has come) from the lines, then with `upTo` counting no further than that.
   */
  countInScope(trx: Executor, scope: Omit<RunScope, 'startSeq'>, upTo?: number): Promise<number>;
  /** The id of the last committed line event (0 when none): where a run's scope ends. */
  lastEventId(trx: Executor): Promise<number>;
  supply(trx: Executor, skus: readonly string[], window: { after: string; until: string } | null, withPromised: boolean): Promise<SupplyRows>;
  /**
   * What `GET /api/atp` reads for one sku, as one snapshot with no transaction around it: a single statement on
   * PostgreSQL (one round trip), synchronous statements on SQLite's one connection. With `locationId`, the supply
   * rows are that location's only (every location is still listed). `settingsKey` names the settings document in
   * `config`.
   */
  atpRows(db: Executor, sku: string, locationId: string | null, window: { after: string; until: string } | null, settingsKey: string): Promise<AtpRows>;

  /**
   * Inserts an order, its lines and their first events; the lines' `status_seq` is their event's
   * id, and held lines with a promise add to the promised quantities.
   */
  insertOrder(trx: Executor, order: StoredOrder, lines: readonly OrderLine[], events: readonly LineEvent[]): Promise<void>;
  /**
   * Line changes made ready for `writePrepared` wherever they were planned: sorted, their promised quantities and
   * held counts summed, their rows in the form the dialect writes. `writeChanges` below is the two in a row.
   */
  prepareChanges(changes: readonly LineChange[]): PreparedChanges;
  /**
   * Writes prepared line changes, each only if the line is still at the version it was read at (else
   * RetryableConflict), with their events (tagged with the run, if any); keeps the promised quantities and held
   * counts in step. Answers the span of the events' ids (null when there were no changes).
   */
  writePrepared(trx: Executor, prepared: PreparedChanges, runId: string | null): Promise<EventSpan | null>;
  /**
   * Whether prepared changes are cheaper to copy between threads than the changes themselves (PostgreSQL: a few
   * strings; SQLite's prepared rows are the changes).
   */
  readonly preparedCrossThreads: boolean;
  /** Reserves every row's quantity where that much is available; false (and nothing reserved) when any guard refused. */
  reserve(trx: Executor, rows: readonly SkuQuantity[], now: number): Promise<boolean>;
}

/** Writes line changes where they were made: `prepareChanges`, then `writePrepared`. */
export function writeChanges(store: StoreDialect, trx: Executor, changes: readonly LineChange[], runId: string | null): Promise<EventSpan | null> {
  return store.writePrepared(trx, store.prepareChanges(changes), runId);
}
