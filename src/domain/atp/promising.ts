/**
 * Promising: giving a line the earliest (location, day) at which its whole quantity fits (SPEC section 2).
 *
 * A line is promised at the candidate with the earliest day, ties going to the candidate that comes first in
 * location order (candidates arrive already in that order). Once chosen, the quantity is taken from that
 * location's projection, so every later line sees it as promised.
 */
import { Projection } from './projection.ts';
import type { SupplyInput } from './projection.ts';

export interface Candidate {
  readonly locationId: string;
  readonly handlingDays: number;
}

export interface Promised {
  readonly locationId: string;
  readonly handlingDays: number;
  /** Day index relative to today. */
  readonly day: number;
}

/** Lazily built projections of one promising session, keyed by sku and location. */
export class SupplyBook {
  private readonly projections = new Map<string, Projection>();

  constructor(
    readonly horizon: number,
    private readonly supplyOf: (sku: string, locationId: string) => SupplyInput,
  ) {}

  /** The supply the book started from at one (sku, location), before any promise it made. */
  supplyInput(sku: string, locationId: string): SupplyInput {
    return this.supplyOf(sku, locationId);
  }

  projection(sku: string, locationId: string): Projection {
    const key = `${sku}\u0000${locationId}`;
    let p = this.projections.get(key);
    if (!p) {
      p = new Projection(this.horizon, this.supplyOf(sku, locationId));
      this.projections.set(key, p);
    }
    return p;
  }

  /** The earliest (location, day >= notBeforeDay) for `quantity` of `sku`, without taking it. */
  find(sku: string, quantity: number, candidates: readonly Candidate[], notBeforeDay = 0): Promised | null {
    let best: Promised | null = null;
    for (const c of candidates) {
      const day = this.projection(sku, c.locationId).earliest(quantity, notBeforeDay);
      if (day !== null && (best === null || day < best.day)) best = { locationId: c.locationId, handlingDays: c.handlingDays, day };
    }
    return best;
  }

  take(sku: string, quantity: number, promised: Promised): void {
    this.projection(sku, promised.locationId).promise(quantity, promised.day);
  }

  /** Finds the earliest (location, day) and takes the quantity there; null (and nothing taken) when none. */
  promise(sku: string, quantity: number, candidates: readonly Candidate[], notBeforeDay = 0): Promised | null {
    const found = this.find(sku, quantity, candidates, notBeforeDay);
    if (found) this.take(sku, quantity, found);
    return found;
  }
}
