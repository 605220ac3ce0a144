/** Creates or replaces a location (a warehouse or store that fulfils lines). */
import type { AppContext } from '../context.ts';
import type { Location } from '../../domain/inventory/location.ts';
import { upsertLocation as store } from '../../store/repositories/catalog.repository.ts';

export interface LocationInput {
  readonly name: string;
  readonly priority: number;
  readonly handlingDays?: number;
  readonly active?: boolean;
}

export async function upsertLocation(ctx: AppContext, id: string, input: LocationInput): Promise<{ location: Location; created: boolean }> {
  const location: Location = { id, name: input.name, priority: input.priority, handlingDays: input.handlingDays ?? 1, active: input.active ?? true };
  const created = await ctx.database.transaction((trx) => store(trx, location, ctx.clock.now()));
  return { location, created };
}
