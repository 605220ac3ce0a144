/**
 * `GET /api/atp`: the per-day table of one (sku, location) — supply, demand, P(t), ATP(t) — and the earliest
 * date a quantity can be promised there, counting the promises held lines already carry.
 */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { readSettings } from '../settings/settings.query.ts';
import { supplyOf } from './supply.ts';
import { addDays, businessDateOf } from '../../domain/calendar/business-date.ts';
import { Projection, projectionTable } from '../../domain/atp/projection.ts';
import { horizonOf } from '../../domain/settings/settings.ts';
import { getLocation, getProduct } from '../../store/repositories/catalog.repository.ts';

export interface AtpAnswer {
  readonly sku: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly today: string;
  readonly horizonDays: number;
  readonly earliestDate: string | null;
  readonly days: { date: string; supply: number; demand: number; projected: number; atp: number }[];
}

export async function queryAtp(ctx: AppContext, sku: string, locationId: string, quantity: number): Promise<AtpAnswer> {
  const { database } = ctx;
  const now = ctx.clock.now();
  // One snapshot: a release committing meanwhile is seen whole (its reservation and its promise gone) or not at all.
  const { product, location, settings, supply } = await database.read(async (trx) => {
    const [product, location, settings] = await Promise.all([getProduct(trx, sku), getLocation(trx, locationId), readSettings(trx)]);
    const today = businessDateOf(now, settings.timeZone);
    const all = product && location ? await supplyOf(trx, database.store, [sku], today, horizonOf(settings), { withPromises: true }) : null;
    return { product, location, settings, supply: all?.(sku, locationId) };
  });
  if (!product) throw notFound(`product ${sku}`);
  if (!location || !supply) throw notFound(`location ${locationId}`);
  const today = businessDateOf(now, settings.timeZone);
  const horizon = horizonOf(settings);
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
