/**
 * Demo data with a history: the clock starts 40 days ago and moves forward a day at a time while orders come
 * in, receipts are booked, lines ship or are canceled and the jobs run, all through the use cases, so what is
 * left is what real traffic would leave. Every console screen has something to show:
 *  - released, shipped and canceled lines (by request, OutOfStock, and one past its backorder SLA);
 *  - Backorder Hold lines of every age (0-2, 3-7, 8-14, 15-30 and over 30 days);
 *  - Preorder Hold lines before launch, and a launched preorder (HS-900, launched 3 days ago) waiting for the
 *    Pre-Order Job;
 *  - schedule entries ahead, and a job log of scheduled, event and manual runs.
 */
import type { Actor } from '../app/context.ts';
import { upsertLocation } from '../app/catalog/upsert-location.ts';
import { upsertProduct } from '../app/catalog/upsert-product.ts';
import { setOnHand } from '../app/inventory/set-on-hand.ts';
import { adjustStock } from '../app/inventory/adjust-stock.ts';
import { deleteSchedules, uploadSchedules } from '../app/inventory/schedules.ts';
import { updateSettings } from '../app/settings/update-settings.ts';
import { putPolicies } from '../app/settings/put-policies.ts';
import { placeOrder } from '../app/orders/place-order.ts';
import { cancelOrder } from '../app/orders/cancel-order.ts';
import { shipLine } from '../app/orders/ship-line.ts';
import { addDays, businessDateOf } from '../domain/calendar/business-date.ts';
import type { Core } from '../core.ts';

const SEED_ACTOR: Actor = { id: 'demo-seed', role: 'admin' };
const DAY_MS = 86_400_000;
const DAYS_BACK = 40;

type Basket = readonly (readonly [sku: string, quantity: number])[];

interface OrderPlan {
  readonly day: number;
  readonly basket: Basket;
  readonly region?: readonly [country: string, region: string, postalCode: string];
  readonly channel?: string;
  readonly priority?: number;
  /** Days after intake when its released lines ship. */
  readonly shipAfter?: number;
  /** Days after intake when the customer cancels it. */
  readonly cancelAfter?: number;
}

const NY = ['US', 'NY', '10001'] as const;
const CA = ['US', 'CA', '94105'] as const;
const TX = ['US', 'TX', '73301'] as const;
const WA = ['US', 'WA', '98101'] as const;

/** The orders, by the day they come in (day 0 is today, -40 the first day). */
const ORDERS: readonly OrderPlan[] = [
  { day: -40, basket: [['KB-100', 1], ['CB-010', 2]], region: NY, shipAfter: 1 },
  { day: -39, basket: [['MN-270', 2]], region: TX, shipAfter: 2 },
  { day: -38, basket: [['MN-270', 2]], region: NY },
  { day: -37, basket: [['MS-200', 2]], region: NY, shipAfter: 1 },
  { day: -36, basket: [['CL-001', 2]], region: TX },
  { day: -34, basket: [['KB-100', 2]], region: CA, shipAfter: 3 },
  { day: -33, basket: [['MN-270', 1], ['ST-050', 1]], region: NY },
  { day: -31, basket: [['HS-900', 1]], region: NY },
  { day: -30, basket: [['MS-200', 3]], region: TX },
  { day: -29, basket: [['CB-010', 5]], region: WA, channel: 'marketplace', shipAfter: 2 },
  { day: -28, basket: [['HS-900', 2], ['KB-100', 1]], region: TX, priority: 5 },
  { day: -27, basket: [['MS-200', 2]], region: NY, cancelAfter: 6 },
  { day: -25, basket: [['DK-300', 2]], region: NY },
  { day: -24, basket: [['KB-100', 1], ['MS-200', 1]], region: CA, shipAfter: 2 },
  { day: -22, basket: [['HS-900', 1]], region: CA },
  { day: -20, basket: [['MN-270', 2]], region: TX },
  { day: -19, basket: [['ST-050', 2]], region: NY, shipAfter: 1 },
  { day: -18, basket: [['CB-010', 3], ['KB-100', 1]], region: WA, shipAfter: 2 },
  { day: -16, basket: [['GC-500', 2]], region: CA },
  { day: -15, basket: [['DK-300', 1], ['CB-010', 1]], region: NY },
  { day: -14, basket: [['HS-900', 1]], region: NY, priority: 5 },
  { day: -12, basket: [['DK-300', 3]], region: TX },
  { day: -11, basket: [['MS-200', 2]], region: NY, shipAfter: 2 },
  { day: -10, basket: [['MN-270', 1]], region: NY },
  { day: -9, basket: [['GC-500', 1], ['CB-010', 1]], region: WA, channel: 'marketplace' },
  { day: -8, basket: [['KB-100', 3]], region: TX, cancelAfter: 1 },
  { day: -7, basket: [['CL-001', 1]], region: NY },
  { day: -6, basket: [['HS-900', 2]], region: TX },
  { day: -5, basket: [['MN-270', 2]], region: CA },
  { day: -5, basket: [['DK-300', 2]], region: NY, priority: 5 },
  { day: -4, basket: [['LP-140', 1]], region: NY },
  { day: -3, basket: [['MS-200', 4]], region: NY },
  { day: -2, basket: [['GC-500', 2]], region: TX },
  { day: -2, basket: [['KB-100', 1], ['CB-010', 2]], region: NY, shipAfter: 1 },
  { day: -1, basket: [['MN-270', 1]], region: TX },
  { day: -1, basket: [['LP-140', 2]], region: CA, priority: 5 },
  { day: 0, basket: [['DK-300', 1]], region: WA },
  { day: 0, basket: [['MS-200', 2], ['ST-050', 1]], region: NY },
];

/** Receipts booked on the day they arrive (on-hand goes up; their schedule entry is removed). */
const RECEIPTS: readonly { day: number; sku: string; locationId: string; quantity: number; reference: string }[] = [
  { day: -26, sku: 'MS-200', locationId: 'EAST', quantity: 8, reference: 'PO-0991' },
  { day: -17, sku: 'KB-100', locationId: 'EAST', quantity: 20, reference: 'PO-0995' },
  { day: -13, sku: 'MS-200', locationId: 'NYC-STORE', quantity: 4, reference: 'PO-0997' },
];

export async function seedDemo(core: Core): Promise<{ orders: number }> {
  const clock = core.manualClock;
  if (!clock) throw new Error('the demo is seeded on a manual clock');
  const ctx = core.ctx;
  const realNow = Date.now();
  const start = realNow - DAYS_BACK * DAY_MS;
  const today = businessDateOf(realNow, 'UTC');
  const date = (day: number) => addDays(today, day);
  // An hour of a day: day 0 ends now, so nothing is dated in the future.
  const at = (day: number, hour: number) => realNow + day * DAY_MS - (24 - hour) * 3_600_000;

  clock.set(start);
  await updateSettings(ctx, SEED_ACTOR, { onHandChangeSchedule: true, backorders: true, cancellationSlaDays: 35 });
  await upsertLocation(ctx, 'EAST', { name: 'East DC (Newark)', priority: 1, handlingDays: 1 });
  await upsertLocation(ctx, 'WEST', { name: 'West DC (Reno)', priority: 2, handlingDays: 2 });
  await upsertLocation(ctx, 'NYC-STORE', { name: 'Manhattan store', priority: 3, handlingDays: 0 });
  await putPolicies(ctx, SEED_ACTOR, {
    rules: [
      { name: 'West coast ships from Reno', match: { country: ['US'], region: ['CA', 'OR', 'WA', 'NV'] }, locationIds: ['WEST'] },
      { name: 'Marketplace orders only from the DCs', match: { channel: ['marketplace'] }, locationIds: ['EAST', 'WEST'] },
    ],
  });
  const products: [string, string, { launch?: number; noBackorder?: boolean }?][] = [
    ['KB-100', 'Mechanical keyboard'],
    ['MS-200', 'Wireless mouse'],
    ['MN-270', '27" monitor'],
    ['DK-300', 'USB-C dock'],
    ['CB-010', 'USB-C cable 1 m'],
    ['HS-900', 'VR headset (next gen)', { launch: -3 }],
    ['GC-500', 'Game controller v2', { launch: 21 }],
    ['LP-140', 'Laptop 14"', { launch: 45 }],
    ['CL-001', 'Clearance webcam', { noBackorder: true }],
    ['ST-050', 'Monitor stand'],
  ];
  for (const [sku, name, o = {}] of products) {
    await upsertProduct(ctx, sku, {
      name,
      preorderEligible: o.launch !== undefined,
      launchDate: o.launch === undefined ? null : date(o.launch),
      allowBackorder: !o.noBackorder,
    });
  }
  await setOnHand(ctx, [
    { sku: 'KB-100', locationId: 'EAST', onHand: 12 },
    { sku: 'KB-100', locationId: 'WEST', onHand: 6 },
    { sku: 'MS-200', locationId: 'EAST', onHand: 3 },
    { sku: 'MN-270', locationId: 'WEST', onHand: 2 },
    { sku: 'CB-010', locationId: 'EAST', onHand: 200 },
    { sku: 'CB-010', locationId: 'WEST', onHand: 150 },
    { sku: 'CL-001', locationId: 'EAST', onHand: 1 },
    { sku: 'ST-050', locationId: 'NYC-STORE', onHand: 4 },
  ]);
  // Purchase orders placed at the start: the ones due in the seeded past are booked on their day below.
  await uploadSchedules(ctx, [
    ...RECEIPTS.map((r) => ({ sku: r.sku, locationId: r.locationId, date: date(r.day), quantity: r.quantity, reference: r.reference })),
    { sku: 'MS-200', locationId: 'EAST', date: date(4), quantity: 20, reference: 'PO-1001' },
    { sku: 'MN-270', locationId: 'EAST', date: date(9), quantity: 6, reference: 'PO-1002' },
    { sku: 'MN-270', locationId: 'WEST', date: date(16), quantity: 6, reference: 'PO-1003' },
    { sku: 'DK-300', locationId: 'EAST', date: date(6), quantity: 8, reference: 'PO-1004' },
    { sku: 'DK-300', locationId: 'EAST', date: date(12), quantity: -3, reference: 'TR-2001' },
    { sku: 'HS-900', locationId: 'EAST', date: date(2), quantity: 4, reference: 'PO-1005' },
    { sku: 'HS-900', locationId: 'WEST', date: date(8), quantity: 15, reference: 'PO-1006' },
    { sku: 'GC-500', locationId: 'WEST', date: date(20), quantity: 30, reference: 'PO-1007' },
    { sku: 'LP-140', locationId: 'EAST', date: date(40), quantity: 12, reference: 'PO-1008' },
    { sku: 'ST-050', locationId: 'EAST', date: date(25), quantity: 10, reference: 'PO-1009' },
  ]);
  await core.jobs.idle();

  const placed = new Map<number, string>();
  const toShip: { day: number; orderIndex: number }[] = [];
  const toCancel: { day: number; orderIndex: number }[] = [];
  const lines = new Map<string, { id: string; statusReason: string }[]>();
  for (let day = -DAYS_BACK; day <= 0; day++) {
    // Morning: receipts arrive and are booked.
    clock.set(at(day, 8));
    for (const r of RECEIPTS.filter((x) => x.day === day)) {
      await adjustStock(ctx, [{ sku: r.sku, locationId: r.locationId, delta: r.quantity, reference: r.reference }]);
      await deleteSchedules(ctx, { sku: r.sku, locationId: r.locationId, reference: r.reference });
    }
    await core.jobs.idle();

    // The day's orders, shipments and cancellations.
    for (const [i, o] of ORDERS.entries()) {
      if (o.day !== day) continue;
      clock.set(at(day, 10 + (i % 7)));
      const { order } = await placeOrder(
        ctx,
        {
          externalId: `DEMO-${String(1001 + i)}`,
          channel: o.channel ?? 'web',
          customerId: `cust-${100 + ((i * 7) % 23)}`,
          priority: o.priority ?? 0,
          shipTo: o.region ? { country: o.region[0], region: o.region[1], postalCode: o.region[2] } : undefined,
          lines: o.basket.map(([sku, quantity]) => ({ sku, quantity })),
        },
        null,
      );
      placed.set(i, order.id);
      lines.set(order.id, order.lines.map((l) => ({ id: l.id, statusReason: l.statusReason })));
      if (o.shipAfter !== undefined) toShip.push({ day: day + o.shipAfter, orderIndex: i });
      if (o.cancelAfter !== undefined) toCancel.push({ day: day + o.cancelAfter, orderIndex: i });
    }
    clock.set(at(day, 17));
    for (const s of toShip.filter((x) => x.day === day)) {
      for (const l of lines.get(placed.get(s.orderIndex)!) ?? []) {
        if (l.statusReason === 'AwaitingFulfillment') await shipLine(ctx, SEED_ACTOR, l.id);
      }
    }
    for (const c of toCancel.filter((x) => x.day === day)) await cancelOrder(ctx, SEED_ACTOR, placed.get(c.orderIndex)!);
    await core.jobs.idle();

    // Night: the scheduled runs (the Pre-Order Job stops before HS-900's launch, so the launched preorders wait for it).
    if (day < 0) {
      clock.set(at(day, 23));
      await (await core.jobs.run('backorder', 'scheduled')).done;
      if (day < -3 && day % 2 === 0) await (await core.jobs.run('preorder', 'scheduled')).done;
    }
  }
  clock.set(realNow);
  await (await core.jobs.run('backorder', 'manual')).done;
  return { orders: placed.size };
}
