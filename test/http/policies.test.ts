/**
 * Fulfillment policies (SPEC section 4): ordered rules on shipTo.country, shipTo.region, channel and sku prefix;
 * the first matching rule gives the allowed locations, no rule means every active location.
 *
 * Locations: EAST (priority 1, 1 handling day), WEST (2, 2 days), CENTRAL (3, 3 days). Backorders are off, so a
 * line no allowed location can fill is OutOfStock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, TODAY, addDays, expectProblem, expectStatus, placeOrder, seedLocations, seedOnHand, seedProducts, tableCount } from '../fixtures/seed.ts';

const POLICY = {
  rules: [
    { name: 'quebec', match: { country: ['CA'], region: ['QC'] }, locationIds: ['CENTRAL'] },
    { name: 'canada', match: { country: ['CA'] }, locationIds: ['WEST'] },
    { name: 'stores', match: { channel: ['store'] }, locationIds: ['CENTRAL'] },
    { name: 'bulky', match: { skuPrefix: ['BIG-'] }, locationIds: ['WEST'] },
  ],
};

describe.each(DATABASE_KINDS)('fulfillment policies on %s', (kind) => {
  let t: TestService;
  let n = 0;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 }, CENTRAL: { priority: 3, handlingDays: 3 } });
    await seedProducts(t, { 'KB-1': {}, 'BIG-1': {}, 'LONE-1': {} });
    await seedOnHand(t, [
      ['KB-1', 'EAST', 50], ['KB-1', 'WEST', 50], ['KB-1', 'CENTRAL', 50],
      ['BIG-1', 'EAST', 50], ['BIG-1', 'WEST', 50],
      ['LONE-1', 'EAST', 5],
    ]);
  });
  afterAll(async () => t?.close());

  const place = (lines: [string, number][], shipTo: { country?: string; region?: string }, channel = 'web') =>
    placeOrder(t, `pol-${++n}`, lines, { channel, shipTo });

  it('starts with no rule: every active location, in location order', async () => {
    const r = await t.api('GET', '/api/policies');
    expectStatus(r, 200);
    expect(r.body).toEqual({ rules: [] });
    expect((await place([['KB-1', 1]], { country: 'CA', region: 'QC' })).lines[0].locationId).toBe('EAST');
  });

  it('stores a policy with PUT and answers it on GET', async () => {
    const put = await t.api('PUT', '/api/policies', POLICY);
    expectStatus(put, 200);
    expect(put.body).toEqual(POLICY);
    expect((await t.api('GET', '/api/policies')).body).toEqual(POLICY);
  });

  it('releases each line where the first matching rule allows', async () => {
    const cases: [string, [string, number][], { country?: string; region?: string }, string, string][] = [
      ['no rule matches', [['KB-1', 1]], { country: 'US', region: 'NY' }, 'web', 'EAST'],
      ['country and region', [['KB-1', 1]], { country: 'CA', region: 'QC' }, 'web', 'CENTRAL'],
      ['country, another region', [['KB-1', 1]], { country: 'CA', region: 'ON' }, 'web', 'WEST'],
      ['country, no region', [['KB-1', 1]], { country: 'CA' }, 'web', 'WEST'],
      ['channel', [['KB-1', 1]], { country: 'US' }, 'store', 'CENTRAL'],
      ['first match wins over a later one', [['KB-1', 1]], { country: 'CA', region: 'ON' }, 'store', 'WEST'],
      ['sku prefix', [['BIG-1', 1]], { country: 'US' }, 'web', 'WEST'],
    ];
    for (const [what, lines, shipTo, channel, where] of cases) {
      const o = await place(lines, shipTo, channel);
      expect(o.lines[0], what).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: where });
    }
    const central = await place([['KB-1', 1]], { country: 'CA', region: 'QC' });
    expect(central.lines[0]).toMatchObject({ inventoryAvailabilityDate: TODAY, estimatedShipmentDate: addDays(TODAY, 3) });
  });

  it('limits step 4a to a location every line may use', async () => {
    // KB-1 may go anywhere, BIG-1 only to WEST: WEST is the one location for both.
    const o = await place([['KB-1', 1], ['BIG-1', 1]], { country: 'US' });
    expect(o.lines.map((l: any) => l.locationId)).toEqual(['WEST', 'WEST']);
  });

  it('never uses a location the rule leaves out, even with stock there', async () => {
    const o = await place([['LONE-1', 1]], { country: 'CA', region: 'ON' });
    expect(o.lines[0]).toMatchObject({ statusReason: 'OutOfStock', locationId: null });
    const inv = await t.api('GET', '/api/inventory/LONE-1');
    expect(inv.body.locations.find((x: any) => x.locationId === 'EAST')).toMatchObject({ onHand: 5, reserved: 0 });
  });

  it('refuses a rule naming an unknown location or a malformed rule, changing nothing', async () => {
    const audits = await tableCount(t, 'config_audit');
    const unknown = await t.api('PUT', '/api/policies', { rules: [{ name: 'moon', match: { country: ['US'] }, locationIds: ['EAST', 'MOON'] }] });
    expectProblem(unknown, 400, '/rules/0/locationIds/1');
    expectProblem(await t.api('PUT', '/api/policies', { rules: [{ name: 'no locations', match: {} }] }), 400, '/rules/0/locationIds');
    expectProblem(await t.api('PUT', '/api/policies', { rules: [{ name: 'city', match: { city: ['Paris'] }, locationIds: ['EAST'] }] }), 400, '/rules/0/match/city');
    expectProblem(await t.api('PUT', '/api/policies', { rules: [{ name: 'str', match: { country: 'US' }, locationIds: ['EAST'] }] }), 400, '/rules/0/match/country');
    expect((await t.api('GET', '/api/policies')).body).toEqual(POLICY);
    expect(await tableCount(t, 'config_audit')).toBe(audits);
  });

  it('goes back to every location when the rules are removed', async () => {
    expectStatus(await t.api('PUT', '/api/policies', { rules: [] }), 200);
    expect((await place([['LONE-1', 1]], { country: 'CA', region: 'ON' })).lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
  });
});
