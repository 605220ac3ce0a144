import type { StoredLine } from '../repositories/orders.repository.ts';

/** The columns the hot reads of order lines select, in the order `lineFromRow` reads them. */
export const LINE_COLUMNS = `id, order_id, line_number, sku, quantity, location_id, status_reason, inventory_availability_date,
  estimated_shipment_date, launch_date, backordered_at, version, priority, ordered_at, channel, ship_country, ship_region, status_seq`;

/**
 * A line from a row of LINE_COLUMNS as an array (SQLite's raw rows, PostgreSQL's JSON arrays), and after them,
 * where the dialect reads it, the row's place (`rowRef`).
 */
export const lineFromRow = (r: readonly unknown[]): StoredLine => ({
  id: r[0] as string,
  orderId: r[1] as string,
  lineNumber: r[2] as number,
  sku: r[3] as string,
  quantity: r[4] as number,
  locationId: r[5] as string | null,
  statusReason: r[6] as StoredLine['statusReason'],
  inventoryAvailabilityDate: r[7] as string | null,
  estimatedShipmentDate: r[8] as string | null,
  launchDate: r[9] as string | null,
  backorderedAt: r[10] as number | null,
  version: r[11] as number,
  priority: r[12] as number,
  orderedAt: r[13] as number,
  channel: r[14] as string,
  shipCountry: r[15] as string | null,
  shipRegion: r[16] as string | null,
  statusSeq: r[17] as number | null,
  rowRef: r[18] as string | undefined,
});
