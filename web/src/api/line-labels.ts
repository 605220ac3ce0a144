/**
 * Lines as an operator names them (the order's externalId and the line number), for views whose rows carry line
 * ids: a run's records, a line list. One request per 100 lines; a label never changes, so it is fetched once.
 */
import { useQueries } from '@tanstack/react-query';
import { unwrap } from './problem.ts';
import { useSession } from './session.tsx';
import type { LineLabel } from './types.ts';

/** The most ids `GET /api/line-labels` takes at once. */
const PER_REQUEST = 100;

/** The labels of `lineIds` known so far; a line whose label has not arrived (or whose line is gone) has none. */
export function useLineLabels(lineIds: readonly string[]): ReadonlyMap<string, LineLabel> {
  const { api } = useSession();
  const ids = [...new Set(lineIds)];
  // Chunks follow the order the ids come in, so a page appended below leaves the chunks above it (and their queries) as they were.
  const chunks: string[] = [];
  for (let i = 0; i < ids.length; i += PER_REQUEST) chunks.push(ids.slice(i, i + PER_REQUEST).join(','));
  return useQueries({
    queries: chunks.map((chunk) => ({
      queryKey: ['line-labels', chunk],
      queryFn: async () => (await unwrap(api.GET('/api/line-labels', { params: { query: { ids: chunk } } }))).items,
      staleTime: Infinity,
    })),
    combine: (results) => new Map(results.flatMap((r) => r.data ?? []).map((label) => [label.lineId, label])),
  });
}
