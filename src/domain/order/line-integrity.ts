/**
 * What a stored line must look like in its status reason (SPEC section 1): the doctor's line checks. A released
 * line carries its location and both dates; a shipped one its location; a canceled one no dates; a backordered one
 * `backorderedAt`; a preorder its launch date; a held line both dates or neither, and a location exactly when it
 * is dated; no line stays New once intake has committed.
 */
import { isCanceled, isHeld, isStatusReason, STATUS_REASONS } from './line-status.ts';

export interface LineFields {
  readonly statusReason: string;
  readonly locationId: string | null;
  readonly inventoryAvailabilityDate: string | null;
  readonly estimatedShipmentDate: string | null;
  readonly launchDate: string | null;
  readonly backorderedAt: number | null;
}

export type LineProblemKind = 'invalid_status' | 'invalid_state' | 'held_dates';

export interface LineProblem {
  readonly kind: LineProblemKind;
  readonly detail: string;
}

export function lineProblems(l: LineFields): LineProblem[] {
  if (!isStatusReason(l.statusReason)) {
    return [{ kind: 'invalid_status', detail: `status reason "${l.statusReason}" is none of ${STATUS_REASONS.join(', ')}, so the line has no state` }];
  }
  const out: LineProblem[] = [];
  const state = (detail: string) => out.push({ kind: 'invalid_state', detail });
  const r = l.statusReason;
  if (r === 'New') state('still New: intake moves every line out of New in the transaction that stores it');
  if (r === 'AwaitingFulfillment' && (l.locationId === null || l.inventoryAvailabilityDate === null || l.estimatedShipmentDate === null)) {
    state('released (AwaitingFulfillment) without the location that reserves it and both dates');
  }
  if (r === 'Shipped' && l.locationId === null) state('Shipped without the location it shipped from');
  if (isCanceled(r) && (l.inventoryAvailabilityDate !== null || l.estimatedShipmentDate !== null)) state(`${r} but still dated: a canceled line loses its dates`);
  if (r === 'BackorderHold' && l.backorderedAt === null) state('BackorderHold without backorderedAt (its SLA cannot run)');
  if (r === 'PreorderHold' && l.launchDate === null) state('PreorderHold without a launch date');
  if (isHeld(r)) {
    if ((l.inventoryAvailabilityDate === null) !== (l.estimatedShipmentDate === null)) {
      out.push({ kind: 'held_dates', detail: `${r} with ${l.inventoryAvailabilityDate === null ? 'a shipment date but no availability date' : 'an availability date but no shipment date'}` });
    }
    if ((l.locationId === null) !== (l.inventoryAvailabilityDate === null)) {
      out.push({ kind: 'held_dates', detail: `${r} with ${l.locationId === null ? 'dates but no location' : `location ${l.locationId} but no dates`}` });
    }
  }
  return out;
}
