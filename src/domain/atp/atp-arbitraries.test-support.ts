/**
 * fast-check generators shared by the ATP and holds property tests: random horizons (0 included), schedules with
 * negative availability, negative and out-of-window receipts, promises before today and after the horizon, and
 * held lines with ties in priority and orderedAt. Test support only.
 */
import fc from 'fast-check';
import { modelDate, modelLocationOrder } from './atp-model.test-support.ts';
import type { ModelCandidate, ModelDated, ModelPassLine, ModelSupply } from './atp-model.test-support.ts';

export const arbHorizon: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 24 }) },
);

/** Receipts anywhere from before today to after the horizon, negative ones too (never 0, as the API refuses 0). */
export function arbReceipts(horizon: number, maxLength = 8): fc.Arbitrary<ModelDated[]> {
  return fc.array(
    fc.record({
      day: fc.integer({ min: -3, max: horizon + 3 }),
      quantity: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: -10, max: -1 }) }),
    }),
    { maxLength },
  );
}

/** Promises dated before today, within the horizon and after it. */
export function arbPromises(horizon: number, maxLength = 6): fc.Arbitrary<ModelDated[]> {
  return fc.array(fc.record({ day: fc.integer({ min: -3, max: horizon + 3 }), quantity: fc.integer({ min: 1, max: 10 }) }), { maxLength });
}

export const arbAvailable: fc.Arbitrary<number> = fc.oneof(fc.integer({ min: -6, max: 20 }), fc.constant(0));

export function arbSupply(horizon: number, withPromises: boolean): fc.Arbitrary<ModelSupply> {
  return fc.record({
    available: arbAvailable,
    receipts: arbReceipts(horizon),
    promises: withPromises ? arbPromises(horizon) : fc.constant([]),
  });
}

export interface WorldLocation {
  readonly id: string;
  readonly priority: number;
  readonly handlingDays: number;
}

export interface World {
  readonly horizon: number;
  readonly todayNumber: number;
  readonly today: string;
  readonly skus: readonly string[];
  /** In location order. */
  readonly locations: readonly WorldLocation[];
  /** Base supply by JSON [sku, locationId]. */
  readonly supply: ReadonlyMap<string, ModelSupply>;
}

export const supplyKey = (sku: string, locationId: string): string => JSON.stringify([sku, locationId]);

const EMPTY: ModelSupply = { available: 0, receipts: [], promises: [] };

export function supplyOf(world: World): (sku: string, locationId: string) => ModelSupply {
  return (sku, locationId) => world.supply.get(supplyKey(sku, locationId)) ?? EMPTY;
}

export const SKUS = ['SKU-A', 'SKU-B'] as const;

export const arbLocations: fc.Arbitrary<WorldLocation[]> = fc
  .uniqueArray(
    fc.record({
      id: fc.constantFrom('EAST', 'WEST', 'NORTH', 'n2', 'N10'),
      priority: fc.integer({ min: 0, max: 2 }),
      handlingDays: fc.integer({ min: 0, max: 3 }),
    }),
    { selector: (l) => l.id, minLength: 1, maxLength: 3 },
  )
  .map((ls) => [...ls].sort(modelLocationOrder));

/** A world of 2 skus and 1-3 locations; `withPromises` adds random existing promises to the base supply. */
export function arbWorld(options: { withPromises: boolean; horizon?: fc.Arbitrary<number> }): fc.Arbitrary<World> {
  return fc.tuple(options.horizon ?? arbHorizon, fc.integer({ min: 20_000, max: 23_000 }), arbLocations).chain(([horizon, todayNumber, locations]) =>
    fc.array(arbSupply(horizon, options.withPromises), { minLength: SKUS.length * locations.length, maxLength: SKUS.length * locations.length }).map((supplies) => {
      const supply = new Map<string, ModelSupply>();
      let i = 0;
      for (const sku of SKUS) for (const l of locations) supply.set(supplyKey(sku, l.id), supplies[i++]!);
      return { horizon, todayNumber, today: modelDate(todayNumber), skus: SKUS, locations, supply };
    }),
  );
}

export function candidatesOf(locations: readonly WorldLocation[]): ModelCandidate[] {
  return locations.map((l) => ({ locationId: l.id, handlingDays: l.handlingDays }));
}

/** A subset of the world's locations, kept in location order (the policy hands them over that way). */
export function arbCandidates(world: World): fc.Arbitrary<ModelCandidate[]> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(candidatesOf(world.locations)) },
    { weight: 2, arbitrary: fc.subarray([...world.locations]).map(candidatesOf) },
  );
}

const ORDER_IDS = ['ord_A', 'ord_B', 'ord_a', 'ord_10', 'ord_9', 'ord_B0', 'ord_Z'] as const;

/**
 * Held lines grouped in orders (one priority and orderedAt per order, distinct line numbers within one), with
 * frequent ties on priority and orderedAt so that the order id and line number break them.
 */
export function arbPassLines(world: World, maxOrders = 5): fc.Arbitrary<ModelPassLine[]> {
  const line = fc.record({
    sku: fc.constantFrom(...world.skus),
    quantity: fc.integer({ min: 1, max: 8 }),
    candidates: arbCandidates(world),
    launchOffset: fc.option(fc.integer({ min: -3, max: world.horizon + 3 }), { nil: null, freq: 3 }),
  });
  const order = fc.record({
    orderId: fc.constantFrom(...ORDER_IDS),
    priority: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(9)),
    orderedAt: fc.integer({ min: 0, max: 3 }).map((m) => 1_800_000_000_000 + m * 60_000),
    lines: fc.array(line, { minLength: 1, maxLength: 3 }),
    firstLineNumber: fc.integer({ min: 1, max: 3 }),
  });
  return fc.uniqueArray(order, { selector: (o) => o.orderId, minLength: 1, maxLength: maxOrders }).map((orders) =>
    orders.flatMap((o) =>
      o.lines.map((l, i): ModelPassLine => {
        const lineNumber = o.firstLineNumber + i;
        return {
          id: `${o.orderId}#${lineNumber}`,
          orderId: o.orderId,
          lineNumber,
          sku: l.sku,
          quantity: l.quantity,
          priority: o.priority,
          orderedAt: o.orderedAt,
          launchDate: l.launchOffset === null ? null : modelDate(world.todayNumber + l.launchOffset),
          candidates: l.candidates,
        };
      }),
    ),
  );
}
