/**
 * An order line and the pure functions that move it. Each move checks the state machine, bumps the version
 * and yields the event that must be written with it.
 */
import { canMove, eventTypeOf, isCanceled } from './line-status.ts';
import type { LineEventType, StatusReason } from './line-status.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import { eventDataText } from './event-data.ts';

export interface OrderLine {
  readonly id: string;
  readonly orderId: string;
  readonly lineNumber: number;
  readonly sku: string;
  readonly quantity: number;
  readonly locationId: string | null;
  readonly statusReason: StatusReason;
  readonly inventoryAvailabilityDate: BusinessDate | null;
  readonly estimatedShipmentDate: BusinessDate | null;
  readonly launchDate: BusinessDate | null;
  /** Epoch milliseconds of the move into BackorderHold. */
  readonly backorderedAt: number | null;
  readonly version: number;
}

/** What a line carries besides its status reason: where it is promised or reserved, and when. */
export interface LinePlacement {
  readonly locationId: string | null;
  readonly inventoryAvailabilityDate: BusinessDate | null;
  readonly estimatedShipmentDate: BusinessDate | null;
}

export const UNPLACED: LinePlacement = { locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null };

export interface LineEvent {
  readonly lineId: string;
  readonly orderId: string;
  readonly type: LineEventType;
  readonly from: StatusReason;
  readonly to: StatusReason;
  readonly at: number;
  readonly data: Readonly<Record<string, unknown>>;
  /** The data already written as stored (`eventDataText`), where it came so (a plan made in another thread); else absent. */
  readonly dataJson?: string;
}

/** An event's data as the store writes it (event-data.ts). */
export const eventDataJson = (e: LineEvent): string => e.dataJson ?? eventDataText(e.data);

export interface LineChange {
  readonly before: OrderLine;
  readonly after: OrderLine;
  readonly event: LineEvent;
}

export type MoveResult = { ok: true; change: LineChange } | { ok: false; reason: 'not-allowed'; from: StatusReason; to: StatusReason };

export interface MoveOptions {
  readonly placement?: LinePlacement;
  readonly backorderedAt?: number | null;
  readonly launchDate?: BusinessDate | null;
  /** Extra facts for the event (actor, run id, trigger). */
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * Moves a line to `to` at instant `at`. A canceled line keeps the location it was reserved at (a held line has
 * none) and loses its dates; a line leaving BackorderHold keeps `backorderedAt` as history.
 */
export function moveLine(line: OrderLine, to: StatusReason, at: number, options: MoveOptions = {}): MoveResult {
  if (!canMove(line.statusReason, to)) return { ok: false, reason: 'not-allowed', from: line.statusReason, to };
  let placement: LinePlacement = options.placement ?? line;
  if (isCanceled(to)) {
    const keptLocation = line.statusReason === 'AwaitingFulfillment' ? line.locationId : null;
    placement = { ...UNPLACED, locationId: keptLocation };
  }
  const after: OrderLine = {
    ...line,
    statusReason: to,
    locationId: placement.locationId,
    inventoryAvailabilityDate: placement.inventoryAvailabilityDate,
    estimatedShipmentDate: placement.estimatedShipmentDate,
    launchDate: options.launchDate === undefined ? line.launchDate : options.launchDate,
    backorderedAt: options.backorderedAt === undefined ? line.backorderedAt : options.backorderedAt,
    version: line.version + 1,
  };
  const event: LineEvent = {
    lineId: line.id,
    orderId: line.orderId,
    type: eventTypeOf(to),
    from: line.statusReason,
    to,
    at,
    data: Object.assign(stateData(after), options.context),
  };
  return { ok: true, change: { before: line, after, event } };
}

/** A held line's new promise: same status reason, new location and dates. Null when nothing changes. */
export function redateLine(line: OrderLine, placement: LinePlacement, at: number, context: Readonly<Record<string, unknown>> = {}): LineChange | null {
  if (samePlacement(line, placement)) return null;
  const after: OrderLine = { ...line, ...pickPlacement(placement), version: line.version + 1 };
  const event: LineEvent = {
    lineId: line.id,
    orderId: line.orderId,
    type: 'line.promise_changed',
    from: line.statusReason,
    to: line.statusReason,
    at,
    data: Object.assign(stateData(after), { previous: placementData(line) }, context),
  };
  return { before: line, after, event };
}

export function samePlacement(a: LinePlacement, b: LinePlacement): boolean {
  return (
    a.locationId === b.locationId &&
    a.inventoryAvailabilityDate === b.inventoryAvailabilityDate &&
    a.estimatedShipmentDate === b.estimatedShipmentDate
  );
}

function pickPlacement(p: LinePlacement): LinePlacement {
  return { locationId: p.locationId, inventoryAvailabilityDate: p.inventoryAvailabilityDate, estimatedShipmentDate: p.estimatedShipmentDate };
}

function placementData(p: LinePlacement): Record<string, unknown> {
  return pickPlacement(p) as unknown as Record<string, unknown>;
}

/**
 * What an event records of the line after it: every field that a move or a re-dating can change, so the line as
 * it was at that event (what a webhook carries) is the line's fixed fields plus these.
 */
function stateData(l: OrderLine): Record<string, unknown> {
  return {
    locationId: l.locationId,
    inventoryAvailabilityDate: l.inventoryAvailabilityDate,
    estimatedShipmentDate: l.estimatedShipmentDate,
    quantity: l.quantity,
    launchDate: l.launchDate,
    backorderedAt: l.backorderedAt,
    version: l.version,
  };
}
