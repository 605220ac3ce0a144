/**
 * `GET /api/atp`: for one (sku, location) the per-day table (supply, demand, P(t), ATP(t)) and the earliest
 * date a quantity can be promised there; without a location, the earliest date at each active location in
 * location order and the earliest anywhere (ties by location order). Both count the promises held lines
 * already carry.
 */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { readSettings } from '../settings/settings.query.ts';
import { supplyOf } from './supply.ts';
import { addDays, businessDateOf } from '../../domain/calendar/business-date.ts';
import { Projection, projectionTable } from '../../domain/atp/projection.ts';
import { compareLocations } from '../../domain/inventory/location.ts';
import { horizonOf } from '../../domain/settings/settings.ts';
import { allLocations, getLocation, getProduct } from '../../store/repositories/catalog.repository.ts';

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

export async function queryAtp(ctx: AppContext, sku: string, locationId: string, quantity: number): Promise<AtpAnswer> {
  const { database } = ctx;
  const now = ctx.clock.now();
  // One snapshot: a release committing meanwhile is seen whole (its reservation and its promise gone) or not at all.
  const { product, location, settings, supply } = await database.read(async (trx) => {
    const [product, location, settings] = await Promise.all([getProduct(trx, sku), getLocation(trx, locationId), readSettings(trx)]);
    const today = businessDateOf(now, settings.timeZone);
    const all = product && location ? await supplyOf(trx, database.store, [sku], today, horizonOf(settings, today), { withPromises: true }) : null;
    return { product, location, settings, supply: all?.(sku, locationId) };
  });
  if (!product) throw notFound(`product ${sku}`);
  if (!location || !supply) throw notFound(`location ${locationId}`);
  const today = businessDateOf(now, settings.timeZone);
  const horizon = horizonOf(settings, today);
  const earliest = new Projection(horizon, supply).earliest(quantity);
  return {
    sku,
    locationId,
    quantity,
    today,
    horizonDays: horizon,
    earliestDate: earliest === null ? null : addDays(today, earliest),
    days: projectionTable(horizon, supply).map((d) => ({ date: addDays(today, d.day), supply: d.supply, demand: d.demand, projected: d.projected, atp: d.atp })),
  };
}

export async function queryAtpAnywhere(ctx: AppContext, sku: string, quantity: number): Promise<AtpAnywhereAnswer> {
  const { database } = ctx;
  const now = ctx.clock.now();
  // One snapshot, as for one location.
  const { product, locations, settings, supply: supplyAt } = await database.read(async (trx) => {
    const [product, locations, settings] = await Promise.all([getProduct(trx, sku), allLocations(trx), readSettings(trx)]);
    const today = businessDateOf(now, settings.timeZone);
    const supply = product ? await supplyOf(trx, database.store, [sku], today, horizonOf(settings, today), { withPromises: true }) : null;
    return { product, locations, settings, supply };
  });
  if (!product || !supplyAt) throw notFound(`product ${sku}`);
  const today = businessDateOf(now, settings.timeZone);
  const horizon = horizonOf(settings, today);
  let best: { day: number; locationId: string } | null = null;
  const rows = locations
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
    locations: rows,
  };
}
