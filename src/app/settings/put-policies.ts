/** Replaces the fulfillment policy. Every location a rule names must exist. */
import { invalid } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { POLICIES_KEY, readPolicy } from './settings.query.ts';
import type { FulfillmentPolicy } from '../../domain/policy/fulfillment-policy.ts';
import { allLocations } from '../../store/repositories/catalog.repository.ts';
import { lockConfig, writeConfig } from '../../store/repositories/config.repository.ts';
import { canonicalJson } from '../canonical.ts';

export async function putPolicies(ctx: AppContext, actor: Actor, policy: FulfillmentPolicy): Promise<FulfillmentPolicy> {
  return ctx.database.transaction(async (trx) => {
    const known = new Set((await allLocations(trx)).map((l) => l.id));
    const errors: FieldError[] = [];
    policy.rules.forEach((rule, i) =>
      rule.locationIds.forEach((id, j) => {
        if (!known.has(id)) errors.push({ path: `/rules/${i}/locationIds/${j}`, message: `unknown location "${id}"` });
      }),
    );
    if (errors.length) throw invalid(errors);
    await lockConfig(trx, ctx.database.store, POLICIES_KEY, ctx.clock.now());
    const before = await readPolicy(trx);
    // The same policy again changes nothing: no new version, no audit row.
    if (canonicalJson(before) === canonicalJson(policy)) return policy;
    await writeConfig(trx, POLICIES_KEY, policy, before, actor.id, ctx.clock.now());
    return policy;
  });
}
