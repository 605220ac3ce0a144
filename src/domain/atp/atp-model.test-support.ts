/**
 * A brute-force reference model of available to promise and of the promising pass, written from the text of
 * SPEC section 2 and not from the engine. Nothing here is clever: P(t) is summed from its definition for every
 * t, ATP(d) is a double loop, the earliest day is a linear scan, and every scan recomputes ATP from scratch.
 * Test support only (vitest picks up `*.test.ts`, not this file).
 */

export interface ModelDated {
  readonly day: number;
  readonly quantity: number;
}

export interface ModelSupply {
  /** onHand - reserved now (negative while there is a shortage). */
  readonly available: number;
  /** Scheduled on-hand changes by day index; only days 1..t count towards P(t). */
  readonly receipts: readonly ModelDated[];
  /** Quantities promised to held lines; a day before today counts from day 0, a day after H never. */
  readonly promises: readonly ModelDated[];
}

export interface ModelCandidate {
  readonly locationId: string;
  readonly handlingDays: number;
}

export interface ModelPromised {
  readonly locationId: string;
  readonly handlingDays: number;
  readonly day: number;
}

/** P(t) = available now + schedule quantities dated in days 1..t - quantities promised at days <= t. */
export function modelP(supply: ModelSupply, t: number): number {
  let p = supply.available;
  for (const r of supply.receipts) {
    if (r.day >= 1 && r.day <= t) p += r.quantity;
  }
  for (const pr of supply.promises) {
    // "A held line's promise dated before today counts from day 0": any day <= t, negative ones included.
    if (pr.day <= t) p -= pr.quantity;
  }
  return p;
}

/** ATP(d) = min over t in d..H of P(t), by a double loop. */
export function modelAtp(supply: ModelSupply, horizon: number, d: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let t = d; t <= horizon; t++) {
    const p = modelP(supply, t);
    if (p < min) min = p;
  }
  return min;
}

/** The smallest d >= fromDay (and >= 0) with ATP(d) >= q, scanning day by day; null when none up to H. */
export function modelEarliest(supply: ModelSupply, horizon: number, q: number, fromDay = 0): number | null {
  for (let d = Math.max(0, fromDay); d <= horizon; d++) {
    if (modelAtp(supply, horizon, d) >= q) return d;
  }
  return null;
}

/** Compares two strings by Unicode code point (not UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/** Location order: priority ascending, then id by code point. */
export function modelLocationOrder(a: { priority: number; id: string }, b: { priority: number; id: string }): number {
  return a.priority !== b.priority ? a.priority - b.priority : compareCodePoints(a.id, b.id);
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` string, parsed by hand. */
export function modelDayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utc = new Date(0);
  utc.setUTCFullYear(y, m - 1, d);
  return Math.round(utc.getTime() / 86_400_000);
}

/** `YYYY-MM-DD` of a day number. */
export function modelDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

interface MutableSupply {
  available: number;
  readonly receipts: readonly ModelDated[];
  readonly promises: ModelDated[];
}

/**
 * The model's promising session: per (sku, location) the base supply plus every promise and reservation made in
 * the session, kept as plain lists.
 */
export class ModelBook {
  private readonly state = new Map<string, MutableSupply>();

  constructor(
    readonly horizon: number,
    private readonly supplyOf: (sku: string, locationId: string) => ModelSupply,
  ) {}

  supply(sku: string, locationId: string): MutableSupply {
    const key = JSON.stringify([sku, locationId]);
    let s = this.state.get(key);
    if (!s) {
      const base = this.supplyOf(sku, locationId);
      s = { available: base.available, receipts: [...base.receipts], promises: [...base.promises] };
      this.state.set(key, s);
    }
    return s;
  }

  atp(sku: string, locationId: string, d: number): number {
    return modelAtp(this.supply(sku, locationId), this.horizon, d);
  }

  /** For each candidate, scan the days from notBefore; keep the earliest, the first candidate on a tie. */
  find(sku: string, q: number, candidates: readonly ModelCandidate[], notBefore = 0): ModelPromised | null {
    let best: ModelPromised | null = null;
    for (const c of candidates) {
      const supply = this.supply(sku, c.locationId);
      for (let d = Math.max(0, notBefore); d <= this.horizon; d++) {
        if (modelAtp(supply, this.horizon, d) >= q) {
          if (best === null || d < best.day) best = { locationId: c.locationId, handlingDays: c.handlingDays, day: d };
          break;
        }
      }
    }
    return best;
  }

  /** Records a promise of q at day `day` (it leaves P(t) for t >= day). */
  addPromise(sku: string, locationId: string, day: number, q: number): void {
    this.supply(sku, locationId).promises.push({ day, quantity: q });
  }

  promise(sku: string, q: number, candidates: readonly ModelCandidate[], notBefore = 0): ModelPromised | null {
    const found = this.find(sku, q, candidates, notBefore);
    if (found) this.addPromise(sku, found.locationId, found.day, q);
    return found;
  }

  /** A reservation: available drops by q now. */
  reserve(sku: string, locationId: string, q: number): void {
    this.supply(sku, locationId).available -= q;
  }
}

export interface ModelPassLine {
  readonly id: string;
  readonly orderId: string;
  readonly lineNumber: number;
  readonly sku: string;
  readonly quantity: number;
  readonly priority: number;
  readonly orderedAt: number;
  readonly launchDate: string | null;
  readonly candidates: readonly ModelCandidate[];
}

/** Priority order: order priority descending, then orderedAt, then order id by code point, then lineNumber. */
export function modelPriorityOrder(a: ModelPassLine, b: ModelPassLine): number {
  if (a.priority !== b.priority) return b.priority > a.priority ? 1 : -1;
  if (a.orderedAt !== b.orderedAt) return a.orderedAt < b.orderedAt ? -1 : 1;
  const byId = compareCodePoints(a.orderId, b.orderId);
  if (byId !== 0) return byId;
  return a.lineNumber - b.lineNumber;
}

/**
 * The promising pass by brute force: lines in priority order, each at the earliest (candidate, day) not before
 * its launch, found by scanning every day of every candidate with ATP recomputed from scratch.
 * Returns each line's promise by line id.
 */
export function modelPass(lines: readonly ModelPassLine[], book: ModelBook, today: string): Map<string, ModelPromised | null> {
  const todayNumber = modelDayNumber(today);
  const result = new Map<string, ModelPromised | null>();
  const ordered = lines.map((l, i) => ({ l, i })).sort((x, y) => modelPriorityOrder(x.l, y.l) || x.i - y.i);
  for (const { l } of ordered) {
    const notBefore = l.launchDate === null ? 0 : Math.max(0, modelDayNumber(l.launchDate) - todayNumber);
    result.set(l.id, book.promise(l.sku, l.quantity, l.candidates, notBefore));
  }
  return result;
}

/**
 * The supply invariant of SPEC section 2 for one (sku, location): for every day t in 0..H, the sum promised at
 * days <= t never exceeds max(0, available + schedule quantities in days 1..t). Returns the first day that breaks
 * it, or null.
 */
export function overcommittedDay(horizon: number, available: number, receipts: readonly ModelDated[], promises: readonly ModelDated[]): number | null {
  for (let t = 0; t <= horizon; t++) {
    let has = available;
    for (const r of receipts) if (r.day >= 1 && r.day <= t) has += r.quantity;
    let promised = 0;
    for (const p of promises) if (p.day <= t) promised += p.quantity;
    if (promised > Math.max(0, has)) return t;
  }
  return null;
}
