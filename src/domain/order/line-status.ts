/**
 * The order line state machine (SPEC section 1): a line's status reason determines its state, and the table
 * below is the only list of allowed moves.
 */
export const STATUS_REASONS = [
  'New',
  'PreorderHold',
  'BackorderHold',
  'AwaitingFulfillment',
  'Shipped',
  'CanceledByRequest',
  'BackorderSlaExpired',
  'OutOfStock',
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

export const LINE_STATES = ['Open', 'OnHold', 'InFulfillment', 'Fulfilled', 'Canceled'] as const;
export type LineState = (typeof LINE_STATES)[number];

export const STATE_OF: Readonly<Record<StatusReason, LineState>> = {
  New: 'Open',
  PreorderHold: 'OnHold',
  BackorderHold: 'OnHold',
  AwaitingFulfillment: 'InFulfillment',
  Shipped: 'Fulfilled',
  CanceledByRequest: 'Canceled',
  BackorderSlaExpired: 'Canceled',
  OutOfStock: 'Canceled',
};

export const ALLOWED_MOVES: Readonly<Record<StatusReason, readonly StatusReason[]>> = {
  New: ['PreorderHold', 'BackorderHold', 'AwaitingFulfillment', 'OutOfStock'],
  PreorderHold: ['AwaitingFulfillment', 'BackorderHold', 'OutOfStock', 'CanceledByRequest'],
  BackorderHold: ['AwaitingFulfillment', 'BackorderSlaExpired', 'CanceledByRequest'],
  AwaitingFulfillment: ['Shipped', 'CanceledByRequest'],
  Shipped: [],
  CanceledByRequest: [],
  BackorderSlaExpired: [],
  OutOfStock: [],
};

export function isStatusReason(value: string): value is StatusReason {
  return (STATUS_REASONS as readonly string[]).includes(value);
}

export function canMove(from: StatusReason, to: StatusReason): boolean {
  return ALLOWED_MOVES[from].includes(to);
}

export function isHeld(reason: StatusReason): boolean {
  return reason === 'PreorderHold' || reason === 'BackorderHold';
}

export function isCanceled(reason: StatusReason): boolean {
  return STATE_OF[reason] === 'Canceled';
}

/** The webhook and history event type of a move into `to`. */
export function eventTypeOf(to: StatusReason): LineEventType {
  switch (to) {
    case 'PreorderHold':
      return 'line.preordered';
    case 'BackorderHold':
      return 'line.backordered';
    case 'AwaitingFulfillment':
      return 'line.released';
    case 'Shipped':
      return 'line.shipped';
    case 'New':
      throw new Error('no line moves into New');
    default:
      return 'line.canceled';
  }
}

export const LINE_EVENT_TYPES = [
  'line.preordered',
  'line.backordered',
  'line.released',
  'line.promise_changed',
  'line.canceled',
  'line.shipped',
] as const;
export type LineEventType = (typeof LINE_EVENT_TYPES)[number];
