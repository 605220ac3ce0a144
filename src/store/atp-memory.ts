/**
 * ATP answered from memory (PostgreSQL): what `GET /api/atp` reads of each sku (its stock, scheduled changes in the
 * window, promised quantities) and of the configuration (locations, settings), kept per process, so an answer costs
 * no round trip. After the first answer a background pass reads every product's sku, a chunk per statement, so that
 * answers for skus never asked yet come from memory too.
 *
 * It stays current by being told what changed:
 * - by this process's commits, at once (`changed`, called by the database as each write transaction commits, before
 *   the writer answers anyone);
 * - by other processes' commits, through the notices they send after committing (database.ts), a moment later;
 * - should a notice never come: a Holdfast process that goes away without saying it sent everything makes every
 *   other forget all (database.ts watches for that), and entries are read again in the background, so none answered
 *   is older than `maxAgeMs` (what bounds a change made by hand in SQL).
 *
 * A read that was in flight when its sku changed is answered, but not kept: every change moves a counter, and a read
 * keeps what it found only if nothing it covers changed since it started. The memory answers only while `usable()`
 * says it hears the other processes; otherwise every answer is read.
 */
import type { AtpChange } from './atp-changes.ts';
import type { AtpRows, SupplyRows } from './dialect/store-dialect.ts';

export interface AtpWindow {
  readonly after: string;
  readonly until: string;
}

/** How the memory reads (the database's statements) and when it may answer. */
export interface AtpSource {
  /** Whether changes made elsewhere are heard now (the notices' connection is listening). */
  usable(): boolean;
  /** Products' skus after `after` in sku order, at most `limit`. */
  skus(after: string, limit: number): Promise<string[]>;
  /** The supply of each of these skus (every location, promised quantities included), from one snapshot. */
  supply(skus: readonly string[], window: AtpWindow | null): Promise<ReadonlyMap<string, SupplyRows>>;
  /** Milliseconds, for the entries' ages. */
  now(): number;
}

export interface AtpMemoryOptions {
  /** No answer comes from an entry older than this; the background pass reads entries again at half of it. */
  readonly maxAgeMs?: number;
  /** At most this many skus are kept (the first in sku order, then those asked for). */
  readonly maxSkus?: number;
  /** Skus read per statement of the background pass. */
  readonly chunk?: number;
  /** Whether the background passes start after the first answer (tests run `refresh` themselves). */
  readonly background?: boolean;
}

export interface AtpMemoryStats {
  /** Skus kept. */
  readonly kept: number;
  /** Answers given from memory, and read from the database, since the start. */
  readonly fromMemory: number;
  readonly read: number;
}

const DEFAULTS = { maxAgeMs: 600_000, maxSkus: 50_000, chunk: 20, background: true };
/** How soon a pass that could not go through is tried again. */
const RETRY_MS = 250;
/** Skus listed per statement of a pass. */
const LIST_PAGE = 1_000;

interface Entry {
  readonly supply: SupplyRows;
  readonly window: string;
  readonly at: number;
}

/** What every answer shares: the locations and settings read with the window they give. */
interface Shared {
  readonly locations: AtpRows['locations'];
  readonly settings: string | undefined;
  readonly settingsKey: string;
  readonly window: AtpWindow | null;
  readonly windowKey: string;
}

const keyOf = (w: AtpWindow | null) => (w === null ? '' : `${w.after}/${w.until}`);

export class AtpMemory {
  private readonly options: Required<AtpMemoryOptions>;
  private fromMemory = 0;
  private read = 0;
  private readonly entries = new Map<string, Entry>();
  private shared: Shared | null = null;
  /** Moves at every change; what a read started at tick t covers is kept only if nothing changed after t. */
  private tick = 0;
  private allChangedAt = 0;
  private readonly skuChangedAt = new Map<string, number>();
  private pass: Promise<void> | null = null;
  /** Ends the wait between two passes (to close). */
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly source: AtpSource,
    options: AtpMemoryOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** How many skus are kept, and how many answers came from memory and how many were read. */
  stats(): AtpMemoryStats {
    return { kept: this.entries.size, fromMemory: this.fromMemory, read: this.read };
  }

  /** What a commit changed: forgets it at once, and any read in flight over it is not kept. */
  changed(change: AtpChange): void {
    const tick = ++this.tick;
    if (change.all) {
      this.allChangedAt = tick;
      this.entries.clear();
      this.skuChangedAt.clear();
      this.shared = null;
      return;
    }
    for (const sku of change.skus) {
      this.entries.delete(sku);
      this.skuChangedAt.set(sku, tick);
    }
  }

  /**
   * The rows for one sku: from memory when it holds them for this window and settings, else from `read` (every
   * location), which is kept if nothing changed meanwhile. Starts the background pass the first time it is asked.
   */
  async rows(sku: string, window: AtpWindow | null, settingsKey: string, read: () => Promise<AtpRows>): Promise<AtpRows> {
    const windowKey = keyOf(window);
    if (this.source.usable()) {
      const shared = this.shared;
      const entry = this.entries.get(sku);
      if (shared !== null && entry !== undefined && shared.windowKey === windowKey && shared.settingsKey === settingsKey && entry.window === windowKey) {
        if (this.source.now() - entry.at < this.options.maxAgeMs) {
          this.fromMemory++;
          return { productExists: true, locations: shared.locations, settings: shared.settings, supply: entry.supply };
        }
      }
    }
    const started = this.tick;
    this.read++;
    const rows = await read();
    // A product is never deleted: that one exists stays true. One that does not is read every time.
    if (rows.productExists && this.unchangedSince(started, sku)) {
      if (this.shared === null || this.shared.windowKey !== windowKey || this.shared.settingsKey !== settingsKey) {
        // A new window (the day turned, the horizon changed): the pass fills it now rather than at its next turn.
        const refill = this.shared !== null;
        this.shared = { locations: rows.locations, settings: rows.settings, settingsKey, window, windowKey };
        if (refill) this.wake?.();
      }
      if (this.shared.settings === rows.settings) this.keep(sku, rows.supply, windowKey);
    }
    this.startPasses();
    return rows;
  }

  /** Stops the background pass (the database is closing); waits for a pass in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.pass;
  }

  /**
   * One background pass over every product's sku in sku order: reads (a chunk of skus per statement) those not kept
   * for the current window as fast as the loop allows, then those kept for half of `maxAgeMs` or more, spread over a
   * quarter of it so that renewing costs little at any moment. Answers whether it went through (not when nothing was
   * asked yet, changes are not heard, or all changed meanwhile). Exposed for tests; runs on its own otherwise.
   */
  async refresh(): Promise<boolean> {
    const { chunk, maxAgeMs, maxSkus } = this.options;
    let after = '';
    let seen = 0;
    while (!this.closed && seen < maxSkus) {
      const shared = this.shared;
      if (shared === null || !this.source.usable()) return false;
      const skus = await this.source.skus(after, LIST_PAGE);
      if (skus.length === 0) break;
      after = skus[skus.length - 1]!;
      seen += skus.length;
      const now = this.source.now();
      const missing: string[] = [];
      const old: string[] = [];
      for (const sku of skus) {
        const entry = this.entries.get(sku);
        if (entry === undefined || entry.window !== shared.windowKey) missing.push(sku);
        else if (now - entry.at >= maxAgeMs / 2) old.push(sku);
      }
      const pause = maxAgeMs / 4 / Math.max(1, Math.ceil(this.entries.size / chunk));
      for (const [due, wait] of [[missing, 0], [old, pause]] as const) {
        for (let i = 0; i < due.length; i += chunk) {
          if (this.shared !== shared || this.closed) return false;
          await this.readChunk(due.slice(i, i + chunk), shared);
          await this.pause(wait);
        }
      }
    }
    return !this.closed;
  }

  /** Reads some skus' supply from one snapshot and keeps each that nothing changed meanwhile. */
  private async readChunk(skus: readonly string[], shared: Shared): Promise<void> {
    const started = this.tick;
    const supplies = await this.source.supply(skus, shared.window);
    if (this.shared !== shared) return;
    for (const sku of skus) {
      if (this.unchangedSince(started, sku)) this.keep(sku, supplies.get(sku) ?? { stock: [], scheduled: [], promised: [] }, shared.windowKey);
    }
  }

  /** Waits `ms` (0: a turn of the loop), or until closing. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      timer.unref();
      this.wake = () => (clearTimeout(timer), resolve());
    });
  }

  private unchangedSince(tick: number, sku: string): boolean {
    return this.allChangedAt <= tick && (this.skuChangedAt.get(sku) ?? 0) <= tick;
  }

  private keep(sku: string, supply: SupplyRows, window: string): void {
    this.entries.delete(sku);
    this.entries.set(sku, { supply, window, at: this.source.now() });
    if (this.entries.size > this.options.maxSkus) this.entries.delete(this.entries.keys().next().value!);
    if (this.skuChangedAt.size > 4 * this.options.maxSkus) {
      // Bounded: the skus' ticks are forgotten, and every read in flight is then not kept, as after a change of all.
      this.skuChangedAt.clear();
      this.allChangedAt = this.tick;
    }
  }

  private startPasses(): void {
    if (this.pass !== null || this.closed || !this.options.background) return;
    const loop = async (): Promise<void> => {
      let through = false;
      try {
        through = await this.refresh();
      } catch {
        // The database is unreachable or closing: the next pass tries again; answers read meanwhile.
      }
      if (this.closed) return;
      // A pass that could not go through (changes not heard yet, all forgotten meanwhile) is tried again soon.
      await this.pause(through ? this.options.maxAgeMs / 4 : RETRY_MS);
      if (!this.closed) return loop();
    };
    this.pass = loop();
  }
}
