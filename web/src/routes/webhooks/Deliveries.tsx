/** A subscription's delivery log, newest first, refreshed every 5 s (2 s while one is pending); "Redeliver" sends one now. */
import { Button, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { Delivery } from '../../api/types.ts';
import { Empty, LoadMore, Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatInstant } from '../../format.ts';

const COLOR: Record<string, string> = { delivered: 'teal', failed: 'red', pending: 'blue' };

export function Deliveries({ webhookId }: { webhookId: string }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const log = useInfiniteQuery({
    queryKey: ['deliveries', webhookId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id: webhookId }, query: { limit: 50, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (q.state.data?.pages[0]?.items.some((d) => d.status === 'pending') ? 2_000 : 5_000),
  });
  const [retryError, setRetryError] = useState<{ id: string; error: unknown } | null>(null);
  const retry = useMutation({
    mutationFn: (d: Delivery) => unwrap(api.POST('/api/webhooks/{id}/deliveries/{deliveryId}/retry', { params: { path: { id: webhookId, deliveryId: d.id } }, body: {} })),
    onMutate: () => setRetryError(null),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['deliveries', webhookId] });
      notifications.show({ color: 'blue', message: 'Redelivery queued' });
    },
    onError: (error, d) => setRetryError({ id: String(d.id), error }),
  });
  if (log.isPending) return <Loading label="Loading deliveries" />;
  if (!log.data) return <ProblemAlert error={log.error} action="Loading deliveries" feature="webhook deliveries" />;
  const items = log.data.pages.flatMap((p) => p.items);
  if (!items.length) return <Empty>No deliveries yet: events that happen from now on are sent here. "Ping" sends a test event.</Empty>;
  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table striped aria-label="Deliveries" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Attempts</Table.Th>
              <Table.Th>Last answer</Table.Th>
              <Table.Th>Next attempt</Table.Th>
              <Table.Th>Delivered</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => (
              <Table.Tr key={String(d.id)}>
                <Table.Td>
                  {d.type}
                  <Text size="xs" c="dimmed" className="mono">
                    {String(d.eventId)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text span c={COLOR[d.status] ?? 'gray'} fw={600} size="sm">
                    {d.status}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{d.attempts}</Table.Td>
                <Table.Td>
                  {d.lastStatusCode ?? '—'}
                  {d.lastError ? (
                    <Text size="xs" c="red">
                      {d.lastError}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{formatInstant(d.nextAttemptAt)}</Table.Td>
                <Table.Td>{formatInstant(d.deliveredAt)}</Table.Td>
                <Table.Td>
                  <Button size="compact-sm" variant="subtle" loading={retry.isPending && retry.variables?.id === d.id} onClick={() => retry.mutate(d)}>
                    Redeliver
                  </Button>
                  {retryError?.id === String(d.id) ? <ProblemAlert error={retryError.error} action="Redeliver" /> : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore hasMore={log.hasNextPage} loading={log.isFetchingNextPage} onMore={() => void log.fetchNextPage()} />
    </>
  );
}
