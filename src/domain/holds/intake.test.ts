import { describe, expect, it } from 'vitest';
import { planIntake } from './intake.ts';
import type { IntakeDecision, IntakeLine } from './intake.ts';
import { SupplyBook } from '../atp/promising.ts';
import type { SupplyInput } from '../atp/projection.ts';
import type { Product } from '../inventory/product.ts';
import type { Location } from '../inventory/location.ts';
import { CandidateResolver, EMPTY_POLICY } from '../policy/fulfillment-policy.ts';
import { modelDayNumber } from '../atp/atp-model.test-support.ts';

// ---- the contract-check intake examples: today 2028-06-01, H = 90, schedule on, backorders on
const TODAY = '2028-06-01';
const NOW = Date.parse('2028-06-01T10:00:00Z');
const day = (date: string) => modelDayNumber(date) - modelDayNumber(TODAY);

const LOCATIONS: Location[] = [
  { id: 'WEST', name: 'West DC', priority: 2, handlingDays: 2, active: true },
  { id: 'EAST', name: 'East DC', priority: 1, handlingDays: 1, active: true },
  { id: 'NORTH', name: 'North', priority: 0, handlingDays: 1, active: false },
];
const resolver = new CandidateResolver(EMPTY_POLICY, LOCATIONS);

const product = (sku: string, over: Partial<Product> = {}): Product => ({ sku, name: sku, preorderEligible: false, launchDate: null, allowBackorder: true, ...over });
const PRODUCTS: Record<string, Product> = {
  'KB-1': product('KB-1'),
  'MS-2': product('MS-2'),
  'VR-9': product('VR-9', { preorderEligible: true, launchDate: '2028-06-10' }),
  'PR-5': product('PR-5'),
  'PN-3': product('PN-3'),
  'PQ-4': product('PQ-4'),
  'NB-4': product('NB-4', { allowBackorder: false }),
  'OS-3': product('OS-3'),
};

const SUPPLY: Record<string, SupplyInput> = {
  'KB-1@EAST': { available: 12, receipts: [], promises: [] },
  'KB-1@WEST': { available: 4, receipts: [], promises: [] },
  'MS-2@EAST': { available: 1, receipts: [{ day: day('2028-06-05'), quantity: 5 }], promises: [] },
  'VR-9@EAST': { available: 0, receipts: [{ day: day('2028-06-08'), quantity: 4 }], promises: [] },
  'PR-5@EAST': { available: 0, receipts: [{ day: day('2028-06-03'), quantity: 2 }, { day: day('2028-06-05'), quantity: 2 }], promises: [] },
  'PN-3@EAST': { available: 1, receipts: [], promises: [] },
  'PN-3@WEST': { available: 1, receipts: [], promises: [] },
  'PQ-4@WEST': { available: 1, receipts: [], promises: [] },
};

function book(horizon = 90, held: Record<string, { day: number; quantity: number }[]> = {}, supply = SUPPLY): SupplyBook {
  return new SupplyBook(horizon, (sku, loc) => {
    const s = supply[`${sku}@${loc}`] ?? { available: 0, receipts: [], promises: [] };
    return { ...s, promises: [...s.promises, ...(held[`${sku}@${loc}`] ?? [])] };
  });
}

function order(lines: [string, number][]): IntakeLine[] {
  return lines.map(([sku, quantity], i) => ({
    lineNumber: i + 1,
    sku,
    quantity,
    product: PRODUCTS[sku]!,
    candidates: resolver.candidates({ country: 'US', region: null, channel: 'web', sku }),
  }));
}

const ctx = (over: { backorders?: boolean; scheduleOn?: boolean; book?: SupplyBook } = {}) => ({
  today: TODAY,
  now: NOW,
  backorders: over.backorders ?? true,
  scheduleOn: over.scheduleOn ?? true,
  book: over.book ?? book(),
});

const released = (lineNumber: number, locationId: string, ship: string): IntakeDecision => ({
  lineNumber,
  to: 'AwaitingFulfillment',
  placement: { locationId, inventoryAvailabilityDate: TODAY, estimatedShipmentDate: ship },
  launchDate: null,
  backorderedAt: null,
});
const outOfStock = (lineNumber: number): IntakeDecision => ({
  lineNumber,
  to: 'OutOfStock',
  placement: { locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null },
  launchDate: null,
  backorderedAt: null,
});

describe('intake worked examples (contract-check A, B, C, H, P1/P2, K, G, E)', () => {
  it('A: KB-1 x2 with 12 free at EAST is released there, today and today + 1', () => {
    expect(planIntake(order([['KB-1', 2]]), ctx())).toEqual([released(1, 'EAST', '2028-06-02')]);
  });

  it('B: MS-2 x3, EAST has 1 now and +5 on 06-05 -> BackorderHold at EAST, 06-05 / 06-06, backorderedAt now', () => {
    expect(planIntake(order([['MS-2', 3]]), ctx())).toEqual([
      {
        lineNumber: 1,
        to: 'BackorderHold',
        placement: { locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' },
        launchDate: null,
        backorderedAt: NOW,
      },
    ]);
  });

  it('C: VR-9 x2, launch 06-10, +4 at EAST on 06-08 -> PreorderHold dated at launch, 06-10 / 06-11', () => {
    expect(planIntake(order([['VR-9', 2]]), ctx())).toEqual([
      {
        lineNumber: 1,
        to: 'PreorderHold',
        placement: { locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10', estimatedShipmentDate: '2028-06-11' },
        launchDate: '2028-06-10',
        backorderedAt: null,
      },
    ]);
  });

  it('H: KB-1 x1 released at EAST; OS-3 x1 with no supply anywhere -> BackorderHold with null dates and location', () => {
    expect(planIntake(order([['KB-1', 1], ['OS-3', 1]]), ctx())).toEqual([
      released(1, 'EAST', '2028-06-02'),
      {
        lineNumber: 2,
        to: 'BackorderHold',
        placement: { locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null },
        launchDate: null,
        backorderedAt: NOW,
      },
    ]);
  });

  it('P1 then P2 (priority 9): P2 is placed after the held P1, whatever its priority; P1 keeps day 2', () => {
    const [p1] = planIntake(order([['PR-5', 2]]), ctx());
    expect(p1?.to).toBe('BackorderHold');
    expect(p1?.placement).toEqual({ locationId: 'EAST', inventoryAvailabilityDate: '2028-06-03', estimatedShipmentDate: '2028-06-04' });
    // P2's intake sees P1's promise (2 at day 2): P(2..3) = 0 and P(4..) = 2
    const withP1 = book(90, { 'PR-5@EAST': [{ day: day(p1!.placement.inventoryAvailabilityDate!), quantity: 2 }] });
    const [p2] = planIntake(order([['PR-5', 2]]), ctx({ book: withP1 }));
    expect(p2?.placement).toEqual({ locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
    // P1's promise still fits after P2's intake: ATP never goes below 0
    for (let t = 0; t <= 90; t++) expect(withP1.projection('PR-5', 'EAST').atp(t)).toBeGreaterThanOrEqual(0);
  });

  it('K: step 4a, WEST covers both lines -> both released at WEST, today and today + 2', () => {
    expect(planIntake(order([['PN-3', 1], ['PQ-4', 1]]), ctx())).toEqual([released(1, 'WEST', '2028-06-03'), released(2, 'WEST', '2028-06-03')]);
  });

  it('K contrast: PN-3 alone goes to EAST, the first location', () => {
    expect(planIntake(order([['PN-3', 1]]), ctx())).toEqual([released(1, 'EAST', '2028-06-02')]);
  });

  it('step 4a adds up lines of the same sku: 3 + 3 of KB-1 need one location with 6', () => {
    const supply = { ...SUPPLY, 'KB-1@EAST': { available: 5, receipts: [], promises: [] }, 'KB-1@WEST': { available: 6, receipts: [], promises: [] } };
    expect(planIntake(order([['KB-1', 3], ['KB-1', 3]]), ctx({ book: book(90, {}, supply) }))).toEqual([
      released(1, 'WEST', '2028-06-03'),
      released(2, 'WEST', '2028-06-03'),
    ]);
  });

  it('step 4b, line by line, each counting the lines before it: 3 at EAST, then 3 at WEST', () => {
    const supply = { ...SUPPLY, 'KB-1@EAST': { available: 5, receipts: [], promises: [] }, 'KB-1@WEST': { available: 5, receipts: [], promises: [] } };
    expect(planIntake(order([['KB-1', 3], ['KB-1', 3]]), ctx({ book: book(90, {}, supply) }))).toEqual([
      released(1, 'EAST', '2028-06-02'),
      released(2, 'WEST', '2028-06-03'),
    ]);
  });

  it('G: NB-4 disallows backorders -> OutOfStock with no location or dates', () => {
    expect(planIntake(order([['NB-4', 1]]), ctx())).toEqual([outOfStock(1)]);
  });

  it('E: with backorders off OS-3 goes to OutOfStock', () => {
    expect(planIntake(order([['OS-3', 1]]), ctx({ backorders: false }))).toEqual([outOfStock(1)]);
  });

  it('with the schedule off (H = 0) a preorder line has null dates and a backorder line fits nowhere', () => {
    const off = ctx({ scheduleOn: false, book: book(0) });
    const [c, b] = planIntake(order([['VR-9', 2], ['MS-2', 3]]), off);
    expect(c).toEqual({ lineNumber: 1, to: 'PreorderHold', placement: outOfStock(1).placement, launchDate: '2028-06-10', backorderedAt: null });
    expect(b).toEqual({ lineNumber: 2, to: 'BackorderHold', placement: outOfStock(2).placement, launchDate: null, backorderedAt: NOW });
  });

  it('a preorder product whose launch date is today or past is not a preorder: it is released when stock covers it', () => {
    const launched: Record<string, Product> = { ...PRODUCTS, 'KB-1': product('KB-1', { preorderEligible: true, launchDate: TODAY }) };
    const lines = order([['KB-1', 1]]).map((l) => ({ ...l, product: launched[l.sku]! }));
    expect(planIntake(lines, ctx())).toEqual([released(1, 'EAST', '2028-06-02')]);
  });

  it('answers in lineNumber order whatever the order of the input', () => {
    const lines = order([['KB-1', 1], ['OS-3', 1], ['NB-4', 1]]).reverse();
    expect(planIntake(lines, ctx()).map((d) => d.lineNumber)).toEqual([1, 2, 3]);
  });

  it('never releases at an inactive location or where ATP(0) is short (a shortage blocks new reservations)', () => {
    const supply = { ...SUPPLY, 'KB-1@EAST': { available: -2, receipts: [{ day: 3, quantity: 10 }], promises: [] }, 'KB-1@NORTH': { available: 50, receipts: [], promises: [] } };
    const [d] = planIntake(order([['KB-1', 5]]), ctx({ book: book(90, {}, supply) }));
    expect(d?.to).toBe('BackorderHold');
    expect(d?.placement.locationId).toBe('EAST');
    expect(d?.placement.inventoryAvailabilityDate).toBe('2028-06-04');
  });
});
