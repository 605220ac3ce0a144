/**
 * An event's data as it is stored. Every move and re-dating records the same seven fields of the line after it
 * (`stateData` in order-line.ts), a re-dating also the placement before it, and then a few facts of context
 * (trigger, actor). Written as a JSON object, the names of those fields were most of an event's bytes, and a job
 * run writes an event per line it moves or re-dates: the bytes it sends, parses and logs. So data of that shape is
 * written positionally:
 *
 *   [locationId, inventoryAvailabilityDate, estimatedShipmentDate, quantity, launchDate, backorderedAt, version,
 *    previous ([locationId, inventoryAvailabilityDate, estimatedShipmentDate]) or null, context object (if any)]
 *
 * Data of any other shape, and every event written before this form, is a JSON object, read as it is.
 * `parseEventData(eventDataText(d))` gives back `d`, with its fields in the same order.
 */

const STATE = ['locationId', 'inventoryAvailabilityDate', 'estimatedShipmentDate', 'quantity', 'launchDate', 'backorderedAt', 'version'] as const;
const PLACEMENT = ['locationId', 'inventoryAvailabilityDate', 'estimatedShipmentDate'] as const;

type Data = Readonly<Record<string, unknown>>;

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The placement before a re-dating as its three values, or undefined when it has another shape. */
function placementValues(v: unknown): unknown[] | undefined {
  if (!isPlain(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== PLACEMENT.length || PLACEMENT.some((k, i) => keys[i] !== k || v[k] === undefined)) return undefined;
  return PLACEMENT.map((k) => v[k]);
}

/** The text an event's data is stored as. */
export function eventDataText(data: Data): string {
  const keys = Object.keys(data);
  // The positional form keeps the fields' order only when the state comes first, as moveLine and redateLine write it.
  if (keys.length < STATE.length || STATE.some((k, i) => keys[i] !== k || data[k] === undefined)) return JSON.stringify(data);
  const values: unknown[] = STATE.map((k) => data[k]);
  let rest = STATE.length;
  let previous: unknown[] | null = null;
  if (keys[rest] === 'previous') {
    const p = placementValues(data.previous);
    if (p === undefined) return JSON.stringify(data);
    previous = p;
    rest++;
  }
  values.push(previous);
  if (rest < keys.length) {
    const context: Record<string, unknown> = {};
    for (let i = rest; i < keys.length; i++) context[keys[i]!] = data[keys[i]!];
    values.push(context);
  }
  return JSON.stringify(values);
}

/** An event's data from its stored text (either form). */
export function parseEventData(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return parsed as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  STATE.forEach((k, i) => (data[k] = parsed[i]));
  const previous = parsed[STATE.length] as unknown[] | null;
  if (previous !== null) data.previous = Object.fromEntries(PLACEMENT.map((k, i) => [k, previous[i]]));
  const context = parsed[STATE.length + 1] as Record<string, unknown> | undefined;
  return context === undefined ? data : Object.assign(data, context);
}
