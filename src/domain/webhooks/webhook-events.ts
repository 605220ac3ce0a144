/**
 * What a webhook subscription may ask for (SPEC section 7 "Webhooks"): the six line event types, `ping`, or
 * every type through `["*"]`; and which urls a subscription may name.
 */
import { LINE_EVENT_TYPES } from '../order/line-status.ts';

export const WEBHOOK_EVENT_TYPES = [...LINE_EVENT_TYPES, 'ping'] as const;

/** The subscription list that means every event type. */
export const EVERY_EVENT = '*';

/** True when a subscription with this event list receives events of this type (a ping goes to every subscription). */
export function subscribesTo(events: readonly string[], type: string): boolean {
  return type === 'ping' || events.includes(EVERY_EVENT) || events.includes(type);
}

/** Why an event list cannot be subscribed to, or null: `["*"]` alone, or known types, each once. */
export function eventListProblem(events: readonly string[]): { index: number; message: string } | null {
  if (events.length === 0) return { index: -1, message: 'must name at least one event type, or be ["*"]' };
  const seen = new Set<string>();
  for (const [index, e] of events.entries()) {
    if (e === EVERY_EVENT && events.length > 1) return { index, message: '"*" means every event type and must stand alone' };
    if (e !== EVERY_EVENT && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) {
      return { index, message: `unknown event type "${e}"; the types are ${WEBHOOK_EVENT_TYPES.join(', ')}, or "*" for all` };
    }
    if (seen.has(e)) return { index, message: `"${e}" is named twice` };
    seen.add(e);
  }
  return null;
}

/** Why a subscription url is not acceptable, or null: an absolute http or https url. */
export function webhookUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http or https url';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must be an http or https url, not ${parsed.protocol.replace(/:$/, '')}`;
  if (parsed.hostname === '') return 'must name a host';
  return null;
}
