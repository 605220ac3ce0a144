import type { StoredLine } from '../repositories/orders.repository.ts';

/** The columns the hot reads of order lines select, in the order `lineFromRow` reads them. */
export const LINE_COLUMNS = `id, order_id, line_number, sku, quantity, location_id, status_reason, inventory_availability_date,
  estimated_shipment_date, launch_date, backordered_at, version, priority, ordered_at, channel, ship_country, ship_region, status_seq`;

/**
 * A line from a row of LINE_COLUMNS as an array (SQLite's raw rows, PostgreSQL's split text: `linesFromText`), and
 * after them, where the dialect reads it, the row's place (`rowRef`).
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

/**
 * The text of a column in `LINE_TEXT`: codes, ids, dates and numbers as they are (none of them is an empty string or
 * holds a control character), a null as an empty string; free text (a line's channel and ship-to, which may hold
 * any character but NUL) as a JSON string, so a separator inside it arrives escaped.
 */
const orEmpty = (c: string) => `coalesce(${c}::text, '')`;
const asJson = (c: string) => `coalesce(to_json(${c})::text, '')`;
const TEXT_COLUMNS = [
  'id', 'order_id', 'line_number::text', 'sku', 'quantity::text', orEmpty('location_id'), 'status_reason', orEmpty('inventory_availability_date'),
  orEmpty('estimated_shipment_date'), orEmpty('launch_date'), orEmpty('backordered_at'), 'version::text', 'priority::text', 'ordered_at::text',
  asJson('channel'), asJson('ship_country'), asJson('ship_region'), orEmpty('status_seq'), 'ctid::text',
];

/**
 * LINE_COLUMNS and the row's ctid as one text per line on PostgreSQL, the fields joined by U+001F; a read joins its
 * lines with U+001E (`string_agg(LINE_TEXT, chr(30))`). Over 1,000,000 held lines the server spent a quarter less
 * CPU building this than the same lines as JSON arrays, and the client a fifth less splitting it than parsing JSON
 * (docs/performance-journal.md, "A batch's held lines as one text (PostgreSQL)").
 */
export const LINE_TEXT = TEXT_COLUMNS.join(' || chr(31) || ');

const orNull = (s: string) => (s === '' ? null : s);
const numberOrNull = (s: string) => (s === '' ? null : Number(s));
/** A JSON string as `to_json` writes it: without a backslash it is the text between its quotes. */
const fromJsonText = (s: string): string | null => (s === '' ? null : s.includes('\\') ? (JSON.parse(s) as string) : s.slice(1, -1));

/** The lines of a text joined from LINE_TEXT by U+001E (an empty text: none). */
export function linesFromText(text: string): StoredLine[] {
  if (text === '') return [];
  return text.split('\x1e').map((line) => {
    const f = line.split('\x1f');
    return lineFromRow([
      f[0], f[1], Number(f[2]), f[3], Number(f[4]), orNull(f[5]!), f[6], orNull(f[7]!), orNull(f[8]!), orNull(f[9]!), numberOrNull(f[10]!),
      Number(f[11]), Number(f[12]), Number(f[13]), fromJsonText(f[14]!), fromJsonText(f[15]!), fromJsonText(f[16]!), numberOrNull(f[17]!), f[18],
    ]);
  });
}
