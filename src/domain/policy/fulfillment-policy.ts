/**
 * Fulfillment policies (SPEC section 4): an ordered list of rules; the first rule whose conditions all hold
 * gives the allowed locations. Without a matching rule every active location is a candidate. Candidates are
 * always taken in location order, and an inactive location is never one.
 */
import { compareLocations } from '../inventory/location.ts';
import type { Location } from '../inventory/location.ts';
import type { Candidate } from '../atp/promising.ts';

export interface PolicyMatch {
  readonly country?: readonly string[];
  readonly region?: readonly string[];
  readonly channel?: readonly string[];
  readonly skuPrefix?: readonly string[];
}

export interface PolicyRule {
  readonly name: string;
  readonly match: PolicyMatch;
  readonly locationIds: readonly string[];
}

export interface FulfillmentPolicy {
  readonly rules: readonly PolicyRule[];
}

export const EMPTY_POLICY: FulfillmentPolicy = { rules: [] };

export interface LineContext {
  readonly country: string | null;
  readonly region: string | null;
  readonly channel: string;
  readonly sku: string;
}

function holds(values: readonly string[] | undefined, actual: string | null): boolean {
  return values === undefined || values.length === 0 || (actual !== null && values.includes(actual));
}

export function matches(rule: PolicyRule, ctx: LineContext): boolean {
  const m = rule.match;
  return (
    holds(m.country, ctx.country) &&
    holds(m.region, ctx.region) &&
    holds(m.channel, ctx.channel) &&
    (m.skuPrefix === undefined || m.skuPrefix.length === 0 || m.skuPrefix.some((p) => ctx.sku.startsWith(p)))
  );
}

/** Resolves candidates once per distinct context; policies and locations are fixed for its lifetime. */
export class CandidateResolver {
  private readonly active: readonly Location[];
  private readonly cache = new Map<string, readonly Candidate[]>();

  constructor(
    private readonly policy: FulfillmentPolicy,
    locations: readonly Location[],
  ) {
    this.active = locations.filter((l) => l.active).sort(compareLocations);
  }

  /** The rule that decides a line's candidates; null when none matches (every active location is one). */
  rule(ctx: LineContext): PolicyRule | null {
    return this.policy.rules.find((r) => matches(r, ctx)) ?? null;
  }

  /** Every active location in location order. */
  activeLocations(): readonly Candidate[] {
    return this.active.map((l) => ({ locationId: l.id, handlingDays: l.handlingDays }));
  }

  candidates(ctx: LineContext): readonly Candidate[] {
    const index = this.policy.rules.findIndex((r) => matches(r, ctx));
    const rule = index >= 0 ? this.policy.rules[index] : undefined;
    const key = rule ? `r${index}` : 'all';
    let found = this.cache.get(key);
    if (!found) {
      const allowed = rule ? new Set(rule.locationIds) : null;
      found = this.active.filter((l) => allowed === null || allowed.has(l.id)).map((l) => ({ locationId: l.id, handlingDays: l.handlingDays }));
      this.cache.set(key, found);
    }
    return found;
  }
}
