/**
 * Available to promise for one (sku, location) over days 0..H (SPEC section 2).
 *
 *   P(t)   = available now + receipts dated in days 1..t - quantities promised at days <= t
 *   ATP(d) = min over t in d..H of P(t)
 *
 * ATP is a suffix minimum, so it never decreases with d, and the earliest day for a quantity is a binary
 * search. Promising q at day d lowers P(t) by q for every t >= d: the suffix minimum from d on drops by q and
 * only the days before d need recomputing, and only until the old value reappears.
 */
export interface DatedQuantity {
  /** Day index relative to today (day 0). */
  readonly day: number;
  readonly quantity: number;
}

export interface SupplyInput {
  /** onHand - reserved now; negative while there is a shortage, so later receipts cover it first. */
  readonly available: number;
  /** Scheduled on-hand changes; only days 1..H are counted (today's and later ones are listed, not counted). */
  readonly receipts: readonly DatedQuantity[];
  /** Quantities already promised to held lines; a day before today counts at day 0, a day after H not at all. */
  readonly promises: readonly DatedQuantity[];
}

export interface ProjectionDay {
  readonly day: number;
  readonly supply: number;
  readonly demand: number;
  readonly projected: number;
  readonly atp: number;
}

export class Projection {
  readonly horizon: number;
  private readonly p: Float64Array;
  private readonly suffixMin: Float64Array;

  constructor(horizon: number, input: SupplyInput) {
    if (!Number.isInteger(horizon) || horizon < 0) throw new RangeError(`horizon must be an integer >= 0, got ${horizon}`);
    this.horizon = horizon;
    const delta = new Float64Array(horizon + 1);
    delta[0] = input.available;
    for (const r of input.receipts) {
      if (r.day >= 1 && r.day <= horizon) delta[r.day]! += r.quantity;
    }
    for (const pr of input.promises) {
      const day = pr.day < 0 ? 0 : pr.day;
      if (day <= horizon) delta[day]! -= pr.quantity;
    }
    this.p = new Float64Array(horizon + 1);
    let running = 0;
    for (let t = 0; t <= horizon; t++) {
      running += delta[t]!;
      this.p[t] = running;
    }
    this.suffixMin = new Float64Array(horizon + 1);
    this.recomputeSuffixMin(horizon);
  }

  projected(day: number): number {
    return this.p[this.clampDay(day)]!;
  }

  atp(day: number): number {
    return this.suffixMin[this.clampDay(day)]!;
  }

  /** The smallest day d >= fromDay with ATP(d) >= quantity, or null when none lies within the horizon. */
  earliest(quantity: number, fromDay = 0): number | null {
    const start = fromDay < 0 ? 0 : fromDay;
    if (start > this.horizon || this.suffixMin[this.horizon]! < quantity) return null;
    let lo = start;
    let hi = this.horizon;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.suffixMin[mid]! >= quantity) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Takes `quantity` from day `day` on: it leaves P(t) for every t >= day. */
  promise(quantity: number, day: number): void {
    const from = day < 0 ? 0 : day;
    if (from > this.horizon || quantity === 0) return;
    for (let t = from; t <= this.horizon; t++) {
      this.p[t]! -= quantity;
      this.suffixMin[t]! -= quantity;
    }
    for (let t = from - 1; t >= 0; t--) {
      const next = Math.min(this.p[t]!, this.suffixMin[t + 1]!);
      if (next === this.suffixMin[t]) break;
      this.suffixMin[t] = next;
    }
  }

  private recomputeSuffixMin(from: number): void {
    let min = Infinity;
    for (let t = from; t >= 0; t--) {
      if (this.p[t]! < min) min = this.p[t]!;
      this.suffixMin[t] = min;
    }
  }

  private clampDay(day: number): number {
    if (day < 0) return 0;
    return day > this.horizon ? this.horizon : day;
  }
}

/** What each day 0..H adds: available now on day 0, the receipts dated that day after it. */
export function supplyByDay(horizon: number, input: Pick<SupplyInput, 'available' | 'receipts'>): Float64Array {
  const supply = new Float64Array(horizon + 1);
  supply[0] = input.available;
  for (const r of input.receipts) if (r.day >= 1 && r.day <= horizon) supply[r.day]! += r.quantity;
  return supply;
}

/** What is promised on each day 0..H (a promise dated before today counts on day 0, one after H not at all). */
export function promisedByDay(horizon: number, promises: readonly DatedQuantity[]): Float64Array {
  const demand = new Float64Array(horizon + 1);
  for (const pr of promises) {
    const day = pr.day < 0 ? 0 : pr.day;
    if (day <= horizon) demand[day]! += pr.quantity;
  }
  return demand;
}

/** The per-day table `GET /api/atp` answers: supply, demand, P(t) and ATP(t) for t = 0..H. */
export function projectionTable(horizon: number, input: SupplyInput, projection = new Projection(horizon, input)): ProjectionDay[] {
  return mapProjectionDays(horizon, input, projection, (day, supply, demand, projected, atp) => ({ day, supply, demand, projected, atp }));
}

/** The same table with each day made by `row`: a caller building its own rows allocates one object per day, not two. */
export function mapProjectionDays<T>(
  horizon: number,
  input: SupplyInput,
  projection: Projection,
  row: (day: number, supply: number, demand: number, projected: number, atp: number) => T,
): T[] {
  const supply = supplyByDay(horizon, input);
  const demand = promisedByDay(horizon, input.promises);
  const rows: T[] = new Array(horizon + 1);
  for (let t = 0; t <= horizon; t++) rows[t] = row(t, supply[t]!, demand[t]!, projection.projected(t), projection.atp(t));
  return rows;
}
