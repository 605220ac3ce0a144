import { useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';

/** Every location (the list is short: one page of 500). */
export function useLocations() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['locations'],
    staleTime: 60_000,
    queryFn: () => unwrap(api.GET('/api/locations', { params: { query: { limit: 500 } } })),
  });
}

/** Products for pickers: the first 500 by sku. */
export function useProductChoices() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['products', 'choices'],
    staleTime: 60_000,
    queryFn: () => unwrap(api.GET('/api/products', { params: { query: { limit: 500 } } })),
  });
}

/**
 * After a change of supply (on hand, schedule entries): refresh what it shows now, and again once the backorder run
 * the change started has ended, since that run releases what now fits and re-dates promises, so reserved and ATP
 * move after the edit. Take `baseline()` (the runs so far) before sending the change; `changed()` then waits for a
 * newer event-triggered run to end (at most 15 s: none comes when supply-change runs are switched off).
 */
export function useSupplyChanged() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const recentRuns = async () => (await unwrap(api.GET('/api/jobs/runs', { params: { query: { jobType: 'backorder', limit: 10 } } }))).items;
  const refresh = (sku?: string) => {
    const keys = sku ? [['schedules', sku], ['atp', sku], ['inventory', sku]] : [['schedules'], ['atp'], ['inventory']];
    for (const key of [...keys, ['overview'], ['runs']]) void queryClient.invalidateQueries({ queryKey: key });
  };
  return {
    baseline: async (): Promise<Set<string>> => new Set((await recentRuns().catch(() => [])).map((r) => r.id)),
    changed: (sku: string | undefined, before: Set<string>) => {
      refresh(sku);
      void (async () => {
        for (let i = 0; i < 15; i++) {
          await new Promise((r) => setTimeout(r, 1_000));
          const runs = await recentRuns().catch(() => null);
          if (runs === null) break;
          const started = runs.filter((r) => !before.has(r.id) && r.trigger === 'event');
          if (started.length > 0 && started.every((r) => r.status !== 'running')) break;
        }
        refresh(sku);
      })();
    },
  };
}
