import { useQuery } from '@tanstack/react-query';
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
