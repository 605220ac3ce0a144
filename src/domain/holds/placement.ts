import { addDays } from '../calendar/business-date.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import type { Promised } from '../atp/promising.ts';
import { UNPLACED } from '../order/order-line.ts';
import type { LinePlacement } from '../order/order-line.ts';

/** A promise as line fields: the availability date, the shipment date (+ handling days) and the location. */
export function placementOf(today: BusinessDate, promised: Promised | null): LinePlacement {
  if (!promised) return UNPLACED;
  return {
    locationId: promised.locationId,
    inventoryAvailabilityDate: addDays(today, promised.day),
    estimatedShipmentDate: addDays(today, promised.day + promised.handlingDays),
  };
}
