import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandidateResolver, EMPTY_POLICY, matches } from './fulfillment-policy.ts';
import type { FulfillmentPolicy, LineContext, PolicyMatch, PolicyRule } from './fulfillment-policy.ts';
import type { Location } from '../inventory/location.ts';
import { compareLocations } from '../inventory/location.ts';
import { modelLocationOrder } from '../atp/atp-model.test-support.ts';

const loc = (id: string, priority: number, active = true, handlingDays = 1): Location => ({ id, name: id, priority, handlingDays, active });
const LOCS = [loc('WEST', 2, true, 2), loc('EAST', 1), loc('NORTH', 0, false), loc('SOUTH', 1, true, 3)];
const ctx = (over: Partial<LineContext> = {}): LineContext => ({ country: 'US', region: 'NY', channel: 'web', sku: 'KB-1', ...over });
const ids = (r: CandidateResolver, c: LineContext) => r.candidates(c).map((x) => x.locationId);

describe('compareLocations (location order: priority ascending, then id by code point)', () => {
  it('orders by priority, then id', () => {
    expect([loc('b', 1), loc('a', 2), loc('B', 1), loc('a', 1)].sort(compareLocations).map((l) => `${l.priority}${l.id}`)).toEqual(['1B', '1a', '1b', '2a']);
  });
});

describe('fulfillment policy (SPEC section 4)', () => {
  it('with no rule, every active location is a candidate, in location order, with its handling days', () => {
    const r = new CandidateResolver(EMPTY_POLICY, LOCS);
    expect(r.candidates(ctx())).toEqual([
      { locationId: 'EAST', handlingDays: 1 },
      { locationId: 'SOUTH', handlingDays: 3 },
      { locationId: 'WEST', handlingDays: 2 },
    ]);
  });

  it('the first matching rule wins', () => {
    const policy: FulfillmentPolicy = {
      rules: [
        { name: 'canada', match: { country: ['CA'] }, locationIds: ['WEST'] },
        { name: 'us-web', match: { country: ['US'], channel: ['web'] }, locationIds: ['SOUTH'] },
        { name: 'us', match: { country: ['US'] }, locationIds: ['EAST', 'WEST'] },
      ],
    };
    const r = new CandidateResolver(policy, LOCS);
    expect(ids(r, ctx({ country: 'CA' }))).toEqual(['WEST']);
    expect(ids(r, ctx())).toEqual(['SOUTH']);
    expect(ids(r, ctx({ channel: 'pos' }))).toEqual(['EAST', 'WEST']);
    expect(ids(r, ctx({ country: 'MX' }))).toEqual(['EAST', 'SOUTH', 'WEST']);
  });

  it('candidates come in location order, not rule order, and an inactive or unknown location is never one', () => {
    const r = new CandidateResolver({ rules: [{ name: 'all', match: {}, locationIds: ['WEST', 'NORTH', 'GHOST', 'EAST'] }] }, LOCS);
    expect(ids(r, ctx())).toEqual(['EAST', 'WEST']);
  });

  it('a matching rule naming only inactive locations gives no candidate (it does not fall through)', () => {
    const r = new CandidateResolver({ rules: [{ name: 'north', match: { skuPrefix: ['KB'] }, locationIds: ['NORTH'] }] }, LOCS);
    expect(ids(r, ctx())).toEqual([]);
    expect(ids(r, ctx({ sku: 'MS-2' }))).toEqual(['EAST', 'SOUTH', 'WEST']);
  });

  it('conditions: any listed value matches, an empty or absent list matches anything, a missing value matches no list', () => {
    const rule = (match: PolicyMatch): PolicyRule => ({ name: 'r', match, locationIds: [] });
    expect(matches(rule({}), ctx())).toBe(true);
    expect(matches(rule({ country: [] }), ctx({ country: null }))).toBe(true);
    expect(matches(rule({ country: ['CA', 'US'] }), ctx())).toBe(true);
    expect(matches(rule({ country: ['CA'] }), ctx())).toBe(false);
    expect(matches(rule({ region: ['NY'] }), ctx({ region: null }))).toBe(false);
    expect(matches(rule({ channel: ['pos'] }), ctx())).toBe(false);
    expect(matches(rule({ skuPrefix: ['MS', 'KB-'] }), ctx())).toBe(true);
    expect(matches(rule({ skuPrefix: ['kb'] }), ctx())).toBe(false);
    expect(matches(rule({ country: ['US'], region: ['CA'] }), ctx())).toBe(false);
  });

  it('agrees with a model of the rules on random policies, locations and contexts', () => {
    const COUNTRIES = ['US', 'CA'];
    const REGIONS = ['NY', 'ON'];
    const CHANNELS = ['web', 'pos'];
    const PREFIXES = ['K', 'KB-', 'MS', ''];
    const LOC_IDS = ['EAST', 'WEST', 'NORTH', 'e2', 'E10'];
    const cond = (values: string[]) => fc.option(fc.subarray(values), { nil: undefined });
    const arbRule = fc.record({
      name: fc.constant('r'),
      match: fc.record({ country: cond(COUNTRIES), region: cond(REGIONS), channel: cond(CHANNELS), skuPrefix: cond(PREFIXES) }),
      locationIds: fc.shuffledSubarray([...LOC_IDS, 'GHOST']),
    });
    const arbLocs = fc.uniqueArray(
      fc.record({ id: fc.constantFrom(...LOC_IDS), priority: fc.integer({ min: 0, max: 2 }), active: fc.boolean(), handlingDays: fc.integer({ min: 0, max: 3 }) }),
      { selector: (l) => l.id, maxLength: 5 },
    );
    const arbCtx = fc.record({
      country: fc.option(fc.constantFrom(...COUNTRIES, 'MX'), { nil: null }),
      region: fc.option(fc.constantFrom(...REGIONS), { nil: null }),
      channel: fc.constantFrom(...CHANNELS),
      sku: fc.constantFrom('KB-1', 'KX-2', 'MS-2'),
    });
    const holdsFor = (values: readonly string[] | undefined, actual: string | null) => !values || values.length === 0 || (actual !== null && values.includes(actual));
    fc.assert(
      fc.property(fc.array(arbRule, { maxLength: 4 }), arbLocs, fc.array(arbCtx, { minLength: 1, maxLength: 4 }), (rules, locs, contexts) => {
        const resolver = new CandidateResolver({ rules }, locs.map((l) => ({ ...l, name: l.id })));
        for (const c of contexts) {
          const rule = rules.find(
            (r) =>
              holdsFor(r.match.country, c.country) &&
              holdsFor(r.match.region, c.region) &&
              holdsFor(r.match.channel, c.channel) &&
              (!r.match.skuPrefix || r.match.skuPrefix.length === 0 || r.match.skuPrefix.some((p) => c.sku.startsWith(p))),
          );
          const expected = locs
            .filter((l) => l.active && (!rule || rule.locationIds.includes(l.id)))
            .sort(modelLocationOrder)
            .map((l) => ({ locationId: l.id, handlingDays: l.handlingDays }));
          expect(resolver.candidates(c)).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
