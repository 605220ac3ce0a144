import { STATE_OF } from './line-status.ts';
import type { StatusReason } from './line-status.ts';

export const ORDER_STATUSES = ['Canceled', 'Fulfilled', 'OnHold', 'InFulfillment'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * An order's status, derived from its lines (SPEC section 1): Canceled if all are canceled, Fulfilled if all
 * are shipped or canceled, OnHold if any is on hold, InFulfillment otherwise.
 */
export function deriveOrderStatus(lines: readonly { readonly statusReason: StatusReason }[]): OrderStatus {
  const states = lines.map((l) => STATE_OF[l.statusReason]);
  if (states.every((s) => s === 'Canceled')) return 'Canceled';
  if (states.every((s) => s === 'Canceled' || s === 'Fulfilled')) return 'Fulfilled';
  if (states.includes('OnHold')) return 'OnHold';
  return 'InFulfillment';
}
