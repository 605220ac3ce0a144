import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planIntake } from './intake.ts';
import type { IntakeLine } from './intake.ts';
import { SupplyBook } from '../atp/promising.ts';
import type { Product } from '../inventory/product.ts';
import { ModelBook, modelDate, modelDayNumber, modelPass, overcommittedDay } from '../atp/atp-model.test-support.ts';
import type { ModelDated, ModelSupply } from '../atp/atp-model.test-support.ts';
import { arbCandidates, arbPassLines, arbWorld, supplyKey, supplyOf } from '../atp/atp-arbitraries.test-support.ts';
import type { World } from '../atp/atp-arbitraries.test-support.ts';
import { modelIntake } from './holds-model.test-support.ts';

// planIntake against the intake model of holds-model.test-support.ts, on random supply, held lines and orders.

interface IntakeCase {
  readonly world: World;
  /** Base supply plus the promises existing held lines carry (from a pass over random held lines). */
  readonly held: ReadonlyMap<string, ModelDated[]>;
  readonly lines: IntakeLine[];
  readonly backorders: boolean;
  readonly now: number;
}

const arbIntakeCase: fc.Arbitrary<IntakeCase> = arbWorld({ withPromises: false }).chain((world) => {
  const arbProduct = fc.record({
    preorderEligible: fc.boolean(),
    launchOffset: fc.option(fc.integer({ min: -3, max: world.horizon + 3 }), { nil: null, freq: 4 }),
    allowBackorder: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  });
  return fc
    .record({
      heldLines: arbPassLines(world, 4),
      products: fc.tuple(...world.skus.map(() => arbProduct)),
      lines: fc.array(fc.record({ sku: fc.constantFrom(...world.skus), quantity: fc.integer({ min: 1, max: 8 }), candidates: arbCandidates(world) }), {
        minLength: 1,
        maxLength: 4,
      }),
      lineNumbers: fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { minLength: 4, maxLength: 4 }),
      backorders: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      now: fc.integer({ min: 0, max: 86_399_999 }).map((ms) => world.todayNumber * 86_400_000 + ms),
    })
    .map((g) => {
      const products = new Map(
        world.skus.map((sku, i) => {
          const p = g.products[i]!;
          const launchDate = p.launchOffset === null ? null : modelDate(world.todayNumber + p.launchOffset);
          const prod: Product = { sku, name: sku, preorderEligible: p.preorderEligible && launchDate !== null, launchDate, allowBackorder: p.allowBackorder };
          return [sku, prod];
        }),
      );
      // existing held lines were promised by an earlier pass over the bare supply
      const promised = modelPass(g.heldLines, new ModelBook(world.horizon, supplyOf(world)), world.today);
      const held = new Map<string, ModelDated[]>();
      for (const l of g.heldLines) {
        const p = promised.get(l.id);
        if (!p) continue;
        const k = supplyKey(l.sku, p.locationId);
        held.set(k, [...(held.get(k) ?? []), { day: p.day, quantity: l.quantity }]);
      }
      const lines: IntakeLine[] = g.lines.map((l, i) => ({ lineNumber: g.lineNumbers[i]!, sku: l.sku, quantity: l.quantity, product: products.get(l.sku)!, candidates: l.candidates }));
      return { world, held, lines, backorders: g.backorders, now: g.now };
    });
});

const heldSupplyOf =
  (c: IntakeCase) =>
  (sku: string, loc: string): ModelSupply => {
    const s = supplyOf(c.world)(sku, loc);
    return { ...s, promises: [...s.promises, ...(c.held.get(supplyKey(sku, loc)) ?? [])] };
  };

describe('planIntake properties (SPEC sections 2 and 3)', () => {
  it('equals the model intake, and leaves its book as the model leaves its own', () => {
    fc.assert(
      fc.property(arbIntakeCase, (c) => {
        const { world } = c;
        const realBook = new SupplyBook(world.horizon, heldSupplyOf(c));
        const modelBook = new ModelBook(world.horizon, heldSupplyOf(c));
        const scheduleOn = world.horizon > 0;
        const got = planIntake(c.lines, { today: world.today, now: c.now, backorders: c.backorders, scheduleOn, book: realBook });
        const expected = modelIntake(c.lines, { today: world.today, now: c.now, backorders: c.backorders, scheduleOn, locationOrder: world.locations.map((l) => l.id) }, modelBook);
        expect(got).toEqual(expected);
        for (const sku of world.skus)
          for (const l of world.locations)
            for (let d = 0; d <= world.horizon; d++) expect(realBook.projection(sku, l.id).atp(d)).toBe(modelBook.atp(sku, l.id, d));
      }),
      { numRuns: 500 },
    );
  });

  it('never re-dates anyone: after intake every existing promise (and every new one) still fits', () => {
    fc.assert(
      fc.property(arbIntakeCase, (c) => {
        const { world } = c;
        const scheduleOn = world.horizon > 0;
        const decisions = planIntake(c.lines, { today: world.today, now: c.now, backorders: c.backorders, scheduleOn, book: new SupplyBook(world.horizon, heldSupplyOf(c)) });
        for (const sku of world.skus) {
          for (const loc of world.locations) {
            const base = supplyOf(world)(sku, loc.id);
            const existing = c.held.get(supplyKey(sku, loc.id)) ?? [];
            // the precondition: the existing promises fit before intake
            expect(overcommittedDay(world.horizon, base.available, base.receipts, existing)).toBeNull();
            let reserved = 0;
            const added: ModelDated[] = [];
            for (const d of decisions) {
              const l = c.lines.find((x) => x.lineNumber === d.lineNumber)!;
              if (l.sku !== sku || d.placement.locationId !== loc.id) continue;
              if (d.to === 'AwaitingFulfillment') reserved += l.quantity;
              else added.push({ day: modelDayNumber(d.placement.inventoryAvailabilityDate!) - world.todayNumber, quantity: l.quantity });
            }
            expect(overcommittedDay(world.horizon, base.available - reserved, base.receipts, [...existing, ...added]), `${sku}@${loc.id}`).toBeNull();
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('dates: released today, backordered after today, preorders never before launch, always at a candidate', () => {
    fc.assert(
      fc.property(arbIntakeCase, (c) => {
        const { world } = c;
        const scheduleOn = world.horizon > 0;
        const decisions = planIntake(c.lines, { today: world.today, now: c.now, backorders: c.backorders, scheduleOn, book: new SupplyBook(world.horizon, heldSupplyOf(c)) });
        expect(decisions.map((d) => d.lineNumber)).toEqual(c.lines.map((l) => l.lineNumber).sort((a, b) => a - b));
        for (const d of decisions) {
          const l = c.lines.find((x) => x.lineNumber === d.lineNumber)!;
          const p = d.placement;
          if (p.locationId !== null) {
            const cand = l.candidates.find((x) => x.locationId === p.locationId);
            expect(cand).toBeDefined();
            expect(modelDayNumber(p.estimatedShipmentDate!) - modelDayNumber(p.inventoryAvailabilityDate!)).toBe(cand!.handlingDays);
          } else {
            expect(p.inventoryAvailabilityDate).toBeNull();
            expect(p.estimatedShipmentDate).toBeNull();
          }
          const dayOf = p.inventoryAvailabilityDate === null ? null : modelDayNumber(p.inventoryAvailabilityDate) - world.todayNumber;
          if (d.to === 'AwaitingFulfillment') expect(dayOf).toBe(0);
          if (d.to === 'BackorderHold') {
            expect(c.backorders && l.product.allowBackorder).toBe(true);
            expect(d.backorderedAt).toBe(c.now);
            if (dayOf !== null) expect(dayOf).toBeGreaterThan(0);
          }
          if (d.to === 'PreorderHold') {
            expect(d.launchDate).toBe(l.product.launchDate);
            expect(modelDayNumber(d.launchDate!)).toBeGreaterThan(world.todayNumber);
            if (dayOf !== null) expect(world.todayNumber + dayOf).toBeGreaterThanOrEqual(modelDayNumber(d.launchDate!));
          }
          if (d.to === 'OutOfStock') expect(p.locationId).toBeNull();
          if (dayOf !== null) expect(dayOf).toBeLessThanOrEqual(world.horizon);
        }
      }),
      { numRuns: 500 },
    );
  });
});
