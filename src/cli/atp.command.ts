/** `holdfast atp <sku>`: available now, ATP today and the earliest date for the quantity, per location. */
import type { Config } from '../config/config.ts';
import { queryAtp, queryAtpAnywhere } from '../app/inventory/query-atp.ts';
import { withAppContext } from '../app/runtime.ts';
import { UsageError } from './args.ts';
import { table } from './table.ts';

export async function atpCommand(config: Config, sku: string, location: string | undefined, quantityText: string | undefined): Promise<number> {
  const quantity = quantityText === undefined ? 1 : Number(quantityText);
  if (!/^\d+$/.test(quantityText ?? '1') || !Number.isSafeInteger(quantity) || quantity < 1) throw new UsageError(`--quantity must be a whole number of at least 1, not "${quantityText}"`, 'atp');
  const options = { databaseUrl: config.databaseUrl, manualClock: config.manualClock, mustExist: true };
  const rows = await withAppContext(options, async (ctx) => {
    if (location === undefined) {
      const a = await queryAtpAnywhere(ctx, sku, quantity);
      process.stdout.write(`${a.sku} on ${a.today}: earliest for ${quantity} is ${a.earliestDate === null ? `none within the ${a.horizonDays}-day horizon` : `${a.earliestDate} at ${a.locationId}`}\n\n`);
      return a.locations.map((l) => [l.locationId, String(l.available), String(l.atpToday), l.earliestDate ?? 'none within the horizon']);
    }
    const a = await queryAtp(ctx, sku, location, quantity);
    process.stdout.write(`${a.sku} at ${a.locationId} on ${a.today}: earliest for ${quantity} is ${a.earliestDate ?? `none within the ${a.horizonDays}-day horizon`}\n\n`);
    return [[a.locationId, String(a.days[0]?.supply ?? 0), String(a.days[0]?.atp ?? 0), a.earliestDate ?? 'none within the horizon']];
  });
  if (rows.length === 0) {
    process.stdout.write('there is no active location\n');
    return 0;
  }
  process.stdout.write(table(['location', 'available', 'ATP today', `earliest for ${quantity}`], rows));
  return 0;
}
