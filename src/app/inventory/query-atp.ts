/**
 * `GET /api/atp`: for one (sku, location) the per-day table (supply, demand, P(t), ATP(t)) and the earliest
 * date a quantity can be promised there; without a location, the earliest date at each active location in
 * location order and the earliest anywhere (ties by location order). Both count the promises held lines
 * already carry.
 */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { SETTINGS_KEY, settingsOver } from '../settings/settings.query.ts';
import { supplyFromRows } from './supply.ts';
import { addDays, businessDateOf, fromDayNumber, toDayNumber } from '../../domain/calendar/business-date.ts';
import { mapProjectionDays, Projection } from '../../domain/atp/projection.ts';
import { compareLocations } from '../../domain/inventory/location.ts';
import { DEFAULT_SETTINGS, horizonOf } from '../../domain/settings/settings.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import type { Database } from '../../store/database.ts';

export interface AtpAnswer {
  readonly sku: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly today: string;
  readonly horizonDays: number;
  readonly earliestDate: string | null;
  readonly days: { date: string; supply: number; demand: number; projected: number; atp: number }[];
}

export interface AtpAnywhereAnswer {
  readonly sku: string;
  readonly quantity: number;
  readonly today: string;
  readonly horizonDays: number;
  /** The earliest date at any active location (ties by location order), and that location. */
  readonly earliestDate: string | null;
  readonly locationId: string | null;
  /** Every active location in location order, with what it has now and ATP today. */
  readonly locations: { locationId: string; available: number; atpToday: number; earliestDate: string | null }[];
}

/** The settings each database answered with last: they give the window of the next read (re-read if they moved). */
const lastSettings = new WeakMap<Database, Settings>();

/**
 * Reads one sku's ATP inputs as one snapshot (a release committing meanwhile is seen whole, its reservation and its
 * promise gone, or not at all). The schedule window depends on the settings read with it, so it is taken from the
 * settings seen last and read again in the rare case they changed.
 */
async function readAtpInputs(ctx: AppContext, sku: string, locationId: string | null) {
  const { database } = ctx;
  const now = ctx.clock.now();
  const windowOf = (settings: Settings) => {
    const today = businessDateOf(now, settings.timeZone);
    const horizon = horizonOf(settings, today);
    return { today, horizon, window: horizon > 0 ? { after: today, until: addDays(today, horizon) } : null };
  };
  let guess = windowOf(lastSettings.get(database) ?? DEFAULT_SETTINGS);
  for (;;) {
    const rows = await database.store.atpRows(database.db, sku, locationId, guess.window, SETTINGS_KEY);
    const settings = settingsOver(rows.settings);
    lastSettings.set(database, settings);
    const actual = windowOf(settings);
    if (actual.window?.after === guess.window?.after && actual.window?.until === guess.window?.until) {
      // Rows kept in memory hold every location: only the one asked for is indexed.
      const supply = supplyFromRows(rows.supply, actual.today, locationId);
      // Fields named one by one: V8 kept the copies a spread of `actual` made here past the young generation (heap
      // sampling found about 60 bytes of every answer there), and only full collections freed them.
      return { today: actual.today, horizon: actual.horizon, rows, supply };
    }
    guess = actual;
  }
}

/** One (sku, location)'s answer with its day rows written by `row`. */
async function atpAt<T>(
  ctx: AppContext,
  sku: string,
  locationId: string,
  quantity: number,
  row: (date: string, supply: number, demand: number, projected: number, atp: number) => T,
): Promise<Omit<AtpAnswer, 'days'> & { days: T[] }> {
  const { rows, today, horizon, supply: supplyAt } = await readAtpInputs(ctx, sku, locationId);
  if (!rows.productExists) throw notFound(`product ${sku}`);
  if (!rows.locations.some((l) => l.id === locationId)) throw notFound(`location ${locationId}`);
  const supply = supplyAt(sku, locationId);
  const projection = new Projection(horizon, supply);
  const earliest = projection.earliest(quantity);
  const day0 = toDayNumber(today);
  return {
    sku,
    locationId,
    quantity,
    today,
    horizonDays: horizon,
    earliestDate: earliest === null ? null : addDays(today, earliest),
    // Dates by day number come from the cache of written dates: no date arithmetic per row.
    days: mapProjectionDays(horizon, supply, projection, (day, s, demand, projected, atp) => row(fromDayNumber(day0 + day), s, demand, projected, atp)),
  };
}

export function queryAtp(ctx: AppContext, sku: string, locationId: string, quantity: number): Promise<AtpAnswer> {
  return atpAt(ctx, sku, locationId, quantity, (date, supply, demand, projected, atp) => ({ date, supply, demand, projected, atp }));
}

/** A number as JSON writes it. */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? (n === 0 ? '0' : `${n}`) : 'null');

/** One day row as `JSON.stringify` writes it (a date is digits and dashes: nothing to escape). */
export function dayJson(date: string, supply: number, demand: number, projected: number, atp: number): string {
  return `{"date":"${date}","supply":${jsonNumber(supply)},"demand":${jsonNumber(demand)},"projected":${jsonNumber(projected)},"atp":${jsonNumber(atp)}}`;
}

/**
 * `JSON.stringify(await queryAtp(...))`, written without making the answer's 91 day objects first: the hot read of
 * `GET /api/atp` (less garbage and less work per answer than the engine's writer, which already made a third of the
 * schema serializer's garbage).
 */
export async function queryAtpJson(ctx: AppContext, sku: string, locationId: string, quantity: number): Promise<string> {
  const a = await atpAt(ctx, sku, locationId, quantity, dayJson);
  const text = JSON.stringify;
  return `{"sku":${text(a.sku)},"locationId":${text(a.locationId)},"quantity":${text(a.quantity)},"today":${text(a.today)},"horizonDays":${text(a.horizonDays)},"earliestDate":${text(a.earliestDate)},"days":[${a.days.join(',')}]}`;
}

export async function queryAtpAnywhere(ctx: AppContext, sku: string, quantity: number): Promise<AtpAnywhereAnswer> {
  const { rows, today, horizon, supply: supplyAt } = await readAtpInputs(ctx, sku, null);
  if (!rows.productExists) throw notFound(`product ${sku}`);
  let best: { day: number; locationId: string } | null = null;
  const locations = rows.locations
    .filter((l) => l.active)
    .sort(compareLocations)
    .map((l) => {
      const supply = supplyAt(sku, l.id);
      const projection = new Projection(horizon, supply);
      const day = projection.earliest(quantity);
      if (day !== null && (best === null || day < best.day)) best = { day, locationId: l.id };
      return { locationId: l.id, available: supply.available, atpToday: projection.atp(0), earliestDate: day === null ? null : addDays(today, day) };
    });
  const found = best as { day: number; locationId: string } | null;
  return {
    sku,
    quantity,
    today,
    horizonDays: horizon,
    earliestDate: found === null ? null : addDays(today, found.day),
    locationId: found?.locationId ?? null,
    locations,
  };
}
