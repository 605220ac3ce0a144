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
    // One problem, said from the line's own fields, however many of the three are missing.
    const fields = [
      ['location', l.locationId],
      ['availability date', l.inventoryAvailabilityDate],
      ['shipment date', l.estimatedShipmentDate],
    ] as const;
    const has = fields.filter(([, v]) => v !== null).map(([name, v]) => `${name} ${v}`);
    const lacks = fields.filter(([, v]) => v === null).map(([name]) => name);
    if (has.length > 0 && lacks.length > 0) {
      out.push({ kind: 'held_dates', detail: `${r} with ${has.join(' and ')} but no ${lacks.join(' and no ')} (a held line has a location and both dates, or none of them)` });
    }
  }
  return out;
}
