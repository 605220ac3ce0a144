/** Creates or replaces a location (a warehouse or store that fulfils lines). */
import { invalid } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { Location } from '../../domain/inventory/location.ts';
import { upsertLocation as store } from '../../store/repositories/catalog.repository.ts';

export interface LocationInput {
  /** Optional: a body read back from GET may carry it, but it must name the location the path names. */
  readonly id?: string;
  readonly name: string;
  readonly priority: number;
  readonly handlingDays?: number;
  readonly active?: boolean;
}

export async function upsertLocation(ctx: AppContext, id: string, input: LocationInput): Promise<{ location: Location; created: boolean }> {
  if (input.id !== undefined && input.id !== id) throw invalid([{ path: '/id', message: `names ${input.id}, but the path names ${id}` }]);
  const location: Location = { id, name: input.name, priority: input.priority, handlingDays: input.handlingDays ?? 1, active: input.active ?? true };
  const created = await ctx.database.transaction((trx) => store(trx, location, ctx.clock.now()));
  return { location, created };
}
