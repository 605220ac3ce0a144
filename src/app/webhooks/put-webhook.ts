/**
 * Creates or replaces a webhook subscription (SPEC section 7). A new subscription receives the events that
 * happen after it is created: it remembers the last event id written, under the fan-out lock, so no event is
 * fanned out between that read and its commit. The secret is required to create one; a replacement that leaves
 * it out keeps the old secret.
 */
import { invalid } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { eventListProblem, webhookUrlProblem } from '../../domain/webhooks/webhook-events.ts';
import { lockFanOut } from '../../store/repositories/outbox.repository.ts';
import { findSubscription, insertSubscription, updateSubscription } from '../../store/repositories/webhook-subscriptions.repository.ts';
import type { StoredSubscription } from '../../store/repositories/webhook-subscriptions.repository.ts';

export interface PutWebhookInput {
  readonly url: string;
  readonly secret?: string;
  readonly events: readonly string[];
  readonly active?: boolean;
  readonly description?: string | null;
}

export async function putWebhook(ctx: AppContext, id: string, input: PutWebhookInput): Promise<{ subscription: StoredSubscription; created: boolean }> {
  const errors: FieldError[] = [];
  const urlProblem = webhookUrlProblem(input.url);
  if (urlProblem) errors.push({ path: '/url', message: urlProblem });
  const eventsProblem = eventListProblem(input.events);
  if (eventsProblem) errors.push({ path: eventsProblem.index < 0 ? '/events' : `/events/${eventsProblem.index}`, message: eventsProblem.message });
  if (errors.length) throw invalid(errors);

  return ctx.database.transaction(async (trx) => {
    await lockFanOut(trx, true);
    const existing = await findSubscription(trx, id, ctx.database.dialect === 'postgres');
    const secret = input.secret ?? existing?.secret;
    if (secret === undefined) throw invalid([{ path: '/secret', message: 'is required to create a subscription (16 to 256 characters)' }]);
    const write = { id, url: input.url, secret, events: [...input.events], active: input.active ?? true, description: input.description ?? null };
    const now = ctx.clock.now();
    if (existing) await updateSubscription(trx, existing.key, write, now);
    else await insertSubscription(trx, write, await ctx.database.store.lastEventId(trx), now);
    const subscription = await findSubscription(trx, id);
    return { subscription: subscription!, created: !existing };
  });
}
