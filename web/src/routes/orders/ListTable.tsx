/**
 * What the order list and the line list share: cursor pages fetched while their view shows, and a table of them
 * with its loading, empty and error states and "Load more". Each list states only its columns and its request.
 */
import { Table } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/problem.ts';
import { Empty, LoadMore, Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';

interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** The pages of one list, fetched only while `enabled` (its view shows). */
export function useListPages<T>(queryKey: readonly unknown[], enabled: boolean, fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  return useInfiniteQuery({
    enabled,
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

interface ListTableProps<T> {
  readonly query: ReturnType<typeof useListPages<T>>;
  /** The table's accessible name ("Orders"); in lower case it names what loads and what matches. */
  readonly name: string;
  readonly minWidth: number;
  readonly className?: string;
  readonly headings: readonly string[];
  /** One row's cells, in the order of `headings`. */
  readonly cells: (item: T) => ReactNode;
}

export function ListTable<T extends { readonly id: string }>({ query, name, minWidth, className, headings, cells }: ListTableProps<T>) {
  const noun = name.toLowerCase();
  if (query.isPending) return <Loading label={`Loading ${noun}`} />;
  if (!query.data) return <FilterError error={query.error} />;
  const items = query.data.pages.flatMap((p) => p.items);
  if (!items.length) return <Empty>{`No ${noun} match these filters.`}</Empty>;
  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped highlightOnHover aria-label={name} className={className}>
          <Table.Thead>
            <Table.Tr>
              {headings.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>{cells(item)}</Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onMore={() => void query.fetchNextPage()} />
      <ProblemAlert error={query.error} action={`Loading more ${noun}`} />
    </>
  );
}

/** A 400 about a filter shows on the filter's field too; the whole answer shows here. */
function FilterError({ error }: { error: unknown }) {
  return <ProblemAlert error={error} action={error instanceof ApiError && error.status === 400 ? 'Filtering' : 'Loading'} />;
}
