/**
 * Demo data: three locations, a catalog with preorder products, stock, a month of scheduled receipts and a
 * few dozen orders that land released, on Backorder Hold and on Preorder Hold. Everything goes through the
 * use cases, so the data is what real traffic would leave.
 */
import type { Actor, AppContext } from '../app/context.ts';
import { upsertLocation } from '../app/catalog/upsert-location.ts';
import { upsertProduct } from '../app/catalog/upsert-product.ts';
import { setOnHand } from '../app/inventory/set-on-hand.ts';
import { uploadSchedules } from '../app/inventory/schedules.ts';
import { updateSettings } from '../app/settings/update-settings.ts';
import { putPolicies } from '../app/settings/put-policies.ts';
import { placeOrder } from '../app/orders/place-order.ts';
import { addDays, businessDateOf } from '../domain/calendar/business-date.ts';

const SEED_ACTOR: Actor = { id: 'demo-seed', role: 'admin' };

export async function seedDemo(ctx: AppContext): Promise<{ orders: number }> {
  const today = businessDateOf(ctx.clock.now(), 'UTC');
  const day = (n: number) => addDays(today, n);

  await updateSettings(ctx, SEED_ACTOR, { onHandChangeSchedule: true, backorders: true, cancellationSlaDays: 30 });
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
    ['HS-900', 'VR headset (next gen)', { launch: 10 }],
    ['GC-500', 'Game controller v2', { launch: 21 }],
    ['LP-140', 'Laptop 14"', { launch: 45 }],
    ['CL-001', 'Clearance webcam', { noBackorder: true }],
    ['ST-050', 'Monitor stand'],
  ];
  for (const [sku, name, o = {}] of products) {
    await upsertProduct(ctx, sku, {
      name,
      preorderEligible: o.launch !== undefined,
      launchDate: o.launch === undefined ? null : day(o.launch),
      allowBackorder: !o.noBackorder,
    });
  }

  await setOnHand(ctx, [
    { sku: 'KB-100', locationId: 'EAST', onHand: 40 },
    { sku: 'KB-100', locationId: 'WEST', onHand: 12 },
    { sku: 'MS-200', locationId: 'EAST', onHand: 6 },
    { sku: 'MS-200', locationId: 'NYC-STORE', onHand: 3 },
    { sku: 'MN-270', locationId: 'WEST', onHand: 4 },
    { sku: 'DK-300', locationId: 'EAST', onHand: 2 },
    { sku: 'CB-010', locationId: 'EAST', onHand: 200 },
    { sku: 'CB-010', locationId: 'WEST', onHand: 150 },
    { sku: 'CL-001', locationId: 'EAST', onHand: 1 },
    { sku: 'ST-050', locationId: 'NYC-STORE', onHand: 5 },
  ]);
  await uploadSchedules(ctx, [
    { sku: 'MS-200', locationId: 'EAST', date: day(4), quantity: 20, reference: 'PO-1001' },
    { sku: 'MN-270', locationId: 'EAST', date: day(9), quantity: 10, reference: 'PO-1002' },
    { sku: 'MN-270', locationId: 'WEST', date: day(16), quantity: 6, reference: 'PO-1003' },
    { sku: 'DK-300', locationId: 'EAST', date: day(6), quantity: 8, reference: 'PO-1004' },
    { sku: 'DK-300', locationId: 'EAST', date: day(12), quantity: -3, reference: 'TR-2001' },
    { sku: 'HS-900', locationId: 'EAST', date: day(8), quantity: 25, reference: 'PO-1005' },
    { sku: 'HS-900', locationId: 'WEST', date: day(14), quantity: 15, reference: 'PO-1006' },
    { sku: 'GC-500', locationId: 'WEST', date: day(20), quantity: 30, reference: 'PO-1007' },
    { sku: 'LP-140', locationId: 'EAST', date: day(40), quantity: 12, reference: 'PO-1008' },
    { sku: 'ST-050', locationId: 'EAST', date: day(25), quantity: 10, reference: 'PO-1009' },
  ]);

  const regions = [
    ['US', 'NY', '10001'],
    ['US', 'CA', '94105'],
    ['US', 'TX', '73301'],
    ['US', 'WA', '98101'],
  ] as const;
  const baskets: [string, number][][] = [
    [['KB-100', 1], ['CB-010', 2]],
    [['MS-200', 2]],
    [['MN-270', 2]],
    [['HS-900', 1]],
    [['DK-300', 2], ['CB-010', 1]],
    [['GC-500', 2]],
    [['MS-200', 3], ['KB-100', 1]],
    [['LP-140', 1]],
    [['CL-001', 2]],
    [['ST-050', 2], ['MN-270', 1]],
    [['HS-900', 2], ['KB-100', 1]],
    [['DK-300', 3]],
  ];
  let orders = 0;
  for (let i = 0; i < 36; i++) {
    const [country, region, postalCode] = regions[i % regions.length]!;
    const basket = baskets[i % baskets.length]!;
    await placeOrder(
      ctx,
      {
        externalId: `DEMO-${String(1000 + i)}`,
        channel: i % 5 === 0 ? 'marketplace' : 'web',
        customerId: `cust-${100 + (i % 17)}`,
        priority: i % 9 === 0 ? 5 : 0,
        shipTo: { country, region, postalCode },
        lines: basket.map(([sku, quantity]) => ({ sku, quantity })),
      },
      null,
    );
    orders++;
  }
  return { orders };
}
