import type { Config } from '../config/config.ts';
import { UsageError } from './args.ts';
import { withContext } from './context.ts';
import { queryAtp } from '../app/inventory/query-atp.ts';
import { allLocations } from '../store/repositories/catalog.repository.ts';
import { compareLocations } from '../domain/inventory/location.ts';

/** `holdfast atp <sku>`: available now, ATP today and the earliest date for the quantity, per location. */
export async function printAtp(config: Config, sku: string, location: string | undefined, quantityText: string | undefined): Promise<number> {
  const quantity = quantityText === undefined ? 1 : Number(quantityText);
  if (!Number.isInteger(quantity) || quantity < 1) throw new UsageError('--quantity must be an integer >= 1');
  return withContext(config, async (ctx) => {
    const locations = location ? [location] : (await allLocations(ctx.database.db)).filter((l) => l.active).sort(compareLocations).map((l) => l.id);
    process.stdout.write(`${'location'.padEnd(16)}${'available'.padStart(10)}${'ATP(0)'.padStart(10)}  earliest for ${quantity}\n`);
    for (const id of locations) {
      const a = await queryAtp(ctx, sku, id, quantity);
      process.stdout.write(`${id.padEnd(16)}${String(a.days[0]?.supply ?? 0).padStart(10)}${String(a.days[0]?.atp ?? 0).padStart(10)}  ${a.earliestDate ?? 'none within the horizon'}\n`);
    }
    return 0;
  });
}
