/**
 * The data a scenario runs on, generated row by row in the state Holdfast's intake would have left it: orders of
 * 1-3 lines of distinct skus, each line on Backorder Hold with the promise intake gave it when it arrived (the
 * earliest date its quantity fitted at a location, after every line before it, with nothing on hand then), one
 * `line.backordered` event per line, `status_seq` the id of that event, the promised quantities
 * summed per (sku, location, date), the schedule, and the stock that has been booked since (a share of the demand,
 * so about that share of the lines can be released by the next `backorder` run).
 *
 * Deterministic for a given spec (its own PRNG), so SQLite and PostgreSQL get the same rows. Memory is bounded by
 * skus x locations x days, not by lines: rows stream out to a `sink` as they are made.
 */

/** A small deterministic PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sku names of a world: `<prefix>-00042`. */
export const skuName = (prefix, i) => `${prefix}-${String(i).padStart(5, '0')}`;

export const LOCATIONS = Object.freeze([
  { id: 'L1', name: 'East', priority: 1, handlingDays: 1 },
  { id: 'L2', name: 'Central', priority: 2, handlingDays: 1 },
  { id: 'L3', name: 'West', priority: 3, handlingDays: 1 },
]);

/** How supply and on-hand stock are split over the locations, in location order. */
const LOCATION_SHARES = [0.5, 0.3, 0.2];

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Ids shaped like Holdfast's (`ord_` + 10 characters of milliseconds + 16 more), sorting by (time, counter). */
export function idAt(prefix, ms, counter) {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let tail = '';
  let c = counter;
  for (let i = 0; i < 16; i++) {
    tail = ALPHABET[c % 32] + tail;
    c = Math.floor(c / 32);
  }
  return `${prefix}_${time}${tail}`;
}

export const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * @typedef {object} WorldSpec
 * @property {string} prefix          sku prefix (`B` gives B-00000, B-00001, ...)
 * @property {number} skus
 * @property {number} linesPerSku     held lines per sku (0: a catalog with stock and schedule only)
 * @property {number} [receiptsPerLocation]  schedule entries per (sku, location), on distinct days within `receiptDays`
 * @property {number} [receiptDays]   receipts fall on days 1..receiptDays after today (default 30)
 * @property {number} [scheduledShare]  scheduled units per sku as a share of its expected demand
 * @property {number} [scheduledUnits]  or scheduled units per sku, fixed
 * @property {number} [onHandShare]   on hand now per sku as a share of its demand (split over the locations)
 * @property {number} [onHandUnits]   or on hand now at every location, fixed
 * @property {'backorder' | 'preorder'} [hold]  the lines' hold (default backorder): a preorder world's products are
 *   preorder-eligible and launch today, so every line is on PreorderHold and in the scope of a `preorder` run
 * @property {number} [seed]
 */

/** Rows per table, in the order of the columns `COLUMNS` lists. */
export const COLUMNS = Object.freeze({
  products: ['sku', 'name', 'preorder_eligible', 'launch_date', 'allow_backorder', 'created_at', 'updated_at', 'held_backorder', 'held_preorder'],
  stock: ['sku', 'location_id', 'on_hand', 'reserved', 'updated_at'],
  schedule_entries: ['sku', 'location_id', 'date', 'quantity', 'reference', 'created_at'],
  orders: ['id', 'external_id', 'idempotency_key', 'request_hash', 'channel', 'customer_id', 'ordered_at', 'priority', 'ship_country', 'ship_region', 'ship_postal_code'],
  order_lines: [
    'id', 'order_id', 'line_number', 'sku', 'quantity', 'location_id', 'status_reason', 'inventory_availability_date', 'estimated_shipment_date',
    'launch_date', 'backordered_at', 'version', 'priority', 'ordered_at', 'channel', 'ship_country', 'ship_region', 'status_seq',
  ],
  line_events: ['id', 'order_id', 'line_id', 'sku', 'type', 'from_reason', 'to_reason', 'at', 'data', 'run_id'],
  promised_quantities: ['sku', 'location_id', 'date', 'quantity'],
});

/** What a world holds once generated: counts to check the database against. */
export function expectedCounts(spec, generated) {
  return {
    products: spec.skus,
    stock: spec.skus * LOCATIONS.length,
    order_lines: spec.skus * spec.linesPerSku,
    line_events: spec.skus * spec.linesPerSku,
    orders: generated.orders,
    schedule_entries: generated.scheduleEntries,
  };
}

/**
 * Generates a world and hands every row to `sink(table, row)` (a row is an array in `COLUMNS` order), awaiting it
 * when it returns a promise (a writer flushing a batch). `firstEventId` is where event ids start (the database's
 * next one). Answers counts and the demand per sku.
 *
 * @param {WorldSpec} spec
 * @param {{ now: number, firstEventId: number }} at
 * @param {(table: string, row: unknown[]) => void | Promise<void>} sink
 */
export async function generateWorld(spec, at, sink) {
  const rnd = prng(spec.seed ?? 1);
  const { now } = at;
  const today = new Date(now).toISOString().slice(0, 10);
  const days = spec.receiptDays ?? 30;
  const nLoc = LOCATIONS.length;
  const skus = Array.from({ length: spec.skus }, (_, i) => skuName(spec.prefix, i));
  const dates = Array.from({ length: days + 2 }, (_, d) => addDays(today, d));

  // Every line of the world is on the world's hold: each product counts its linesPerSku of them. A preorder world's
  // products launch today, so a `preorder` run moves every line.
  const preorder = spec.hold === 'preorder';
  const launch = preorder ? today : null;
  const hold = preorder ? { reason: 'PreorderHold', event: 'line.preordered' } : { reason: 'BackorderHold', event: 'line.backordered' };
  for (const sku of skus) await sink('products', [sku, sku, preorder ? 1 : 0, launch, 1, now, now, preorder ? 0 : spec.linesPerSku, preorder ? spec.linesPerSku : 0]);

  // The schedule: receipts on distinct days 1..days per (sku, location); supply[sku][loc][day] in units.
  const expectedDemand = spec.linesPerSku * 2; // quantities are 1-3
  const scheduledPerSku = spec.scheduledUnits ?? Math.round((spec.scheduledShare ?? 0) * expectedDemand);
  const receipts = spec.receiptsPerLocation ?? 0;
  const supply = new Int32Array(spec.skus * nLoc * (days + 1));
  let scheduleEntries = 0;
  for (let s = 0; s < spec.skus && receipts > 0 && scheduledPerSku > 0; s++) {
    for (let l = 0; l < nLoc; l++) {
      const units = Math.round(scheduledPerSku * LOCATION_SHARES[l]);
      const chosen = pickDays(rnd, Math.min(receipts, days), days);
      for (let k = 0; k < chosen.length; k++) {
        const q = Math.floor(units / chosen.length) + (k < units % chosen.length ? 1 : 0);
        if (q === 0) continue;
        const d = chosen[k];
        supply[(s * nLoc + l) * (days + 1) + d] += q;
        scheduleEntries++;
        await sink('schedule_entries', [skus[s], LOCATIONS[l].id, dates[d], q, `PO-${s}-${l}-${k}`, now]);
      }
    }
  }

  // Slots: every sku linesPerSku times, shuffled, then cut into orders of 1-3 lines of distinct skus.
  const total = spec.skus * spec.linesPerSku;
  const slots = new Int32Array(total);
  for (let i = 0; i < total; i++) slots[i] = i % spec.skus;
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = slots[i];
    slots[i] = slots[j];
    slots[j] = t;
  }
  const orderCount = countOrders(slots, prng((spec.seed ?? 1) + 7));

  // Intake, in arrival order: each line promised at the earliest (location, day) its quantity fits after all the
  // lines before it, with nothing on hand when they came (the stock arrived later).
  const promised = new Int32Array(spec.skus * nLoc * (days + 1));
  const demand = new Int32Array(spec.skus);
  const sizeRnd = prng((spec.seed ?? 1) + 7);
  const span = 6 * 3_600_000;
  let eventId = at.firstEventId;
  let slot = 0;
  let lineCounter = 0;
  for (let k = 0; k < orderCount; k++) {
    const size = 1 + Math.floor(sizeRnd() * 3);
    const orderSkus = [];
    while (slot < total && orderSkus.length < size && !orderSkus.includes(slots[slot])) orderSkus.push(slots[slot++]);
    const orderedAt = now - span + Math.floor((k * span) / Math.max(1, orderCount));
    const orderId = idAt('ord', orderedAt, k);
    const priority = rnd() < 0.7 ? 0 : 1 + Math.floor(rnd() * 9);
    await sink('orders', [orderId, `seed-${spec.prefix}-${k}`, null, `seed-${k}`, 'default', `customer-${k % 997}`, orderedAt, priority, null, null, null]);
    for (let n = 0; n < orderSkus.length; n++) {
      const s = orderSkus[n];
      const sku = skus[s];
      const quantity = 1 + Math.floor(rnd() * 3);
      demand[s] += quantity;
      const place = placeLine(supply, promised, s, nLoc, days, quantity);
      const locationId = place === null ? null : LOCATIONS[place.loc].id;
      const iad = place === null ? null : dates[place.day];
      const esd = place === null ? null : dates[place.day + LOCATIONS[place.loc].handlingDays];
      const lineId = idAt('lin', orderedAt, lineCounter++);
      const id = eventId++;
      // Holdfast's stored form of an event's data (src/domain/order/event-data.ts).
      const data = JSON.stringify([locationId, iad, esd, quantity, launch, preorder ? null : orderedAt, 1, null, { trigger: 'intake' }]);
      await sink('line_events', [id, orderId, lineId, sku, hold.event, 'New', hold.reason, orderedAt, data, null]);
      await sink('order_lines', [
        lineId, orderId, n + 1, sku, quantity, locationId, hold.reason, iad, esd, launch, preorder ? null : orderedAt, 1, priority, orderedAt, 'default', null, null, id,
      ]);
    }
  }

  for (let s = 0; s < spec.skus; s++) {
    for (let l = 0; l < nLoc; l++) {
      const base = (s * nLoc + l) * (days + 1);
      for (let d = 0; d <= days; d++) if (promised[base + d] > 0) await sink('promised_quantities', [skus[s], LOCATIONS[l].id, dates[d], promised[base + d]]);
      const onHand = spec.onHandUnits ?? Math.floor((spec.onHandShare ?? 0) * demand[s] * LOCATION_SHARES[l]);
      await sink('stock', [skus[s], LOCATIONS[l].id, onHand, 0, now]);
    }
  }
  return { orders: orderCount, lines: total, scheduleEntries, lastEventId: eventId - 1, today, skus };
}

/** `count` distinct days in 1..days, ascending. */
function pickDays(rnd, count, days) {
  const all = Array.from({ length: days }, (_, i) => i + 1);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

/** How many orders the slots make when cut as `generateWorld` cuts them (same PRNG sequence for the sizes). */
function countOrders(slots, sizeRnd) {
  let slot = 0;
  let orders = 0;
  while (slot < slots.length) {
    const size = 1 + Math.floor(sizeRnd() * 3);
    const taken = [];
    while (slot < slots.length && taken.length < size && !taken.includes(slots[slot])) taken.push(slots[slot++]);
    orders++;
  }
  return orders;
}

/**
 * SPEC 2 for one sku at intake: P(t) = supply up to day t - promised up to day t, ATP(d) = min of P over d..end;
 * the earliest (day, location) whose ATP covers the quantity, ties by location order. The promise is then taken.
 */
function placeLine(supply, promised, s, nLoc, days, quantity) {
  let best = null;
  for (let l = 0; l < nLoc; l++) {
    const base = (s * nLoc + l) * (days + 1);
    const p = new Array(days + 1);
    let cum = 0;
    for (let t = 0; t <= days; t++) {
      cum += supply[base + t] - promised[base + t];
      p[t] = cum;
    }
    let min = Infinity;
    let earliest = -1;
    for (let t = days; t >= 0; t--) {
      min = Math.min(min, p[t]);
      if (min >= quantity) earliest = t;
    }
    if (earliest >= 0 && (best === null || earliest < best.day)) best = { loc: l, day: earliest };
  }
  if (best !== null) promised[(s * nLoc + best.loc) * (days + 1) + best.day] += quantity;
  return best;
}
