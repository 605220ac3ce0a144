/**
 * Why a line has its dates (SPEC 11, `GET /api/order-lines/{id}/promise`): the explanation, its place in the
 * sku's queue, what the next job run gives it and the earliest date at each candidate location.
 */
import { Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { Line } from '../../api/pending-paths.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDate } from '../../format.ts';

const ordinal = (n: number) => {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
};

export function LinePromisePanel({ line }: { line: Line }) {
  const { api } = useSession();
  const promise = useQuery({
    queryKey: ['promise', line.id, line.version],
    queryFn: () => unwrap(api.GET('/api/order-lines/{id}/promise', { params: { path: { id: line.id } } })),
  });
  const p = promise.data;
  return (
    <div data-promise={line.lineNumber}>
      <Title order={4} size="h6" mb="xs">
        Why these dates
      </Title>
      {promise.isPending ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : !p ? (
        <ProblemAlert error={promise.error} action="Explaining the dates" feature="why a line has its dates" />
      ) : (
        <>
          {p.explanation ? <Text size="sm">{p.explanation}</Text> : null}
          {p.queue ? (
            <Text size="sm" mt={6} data-queue>
              Queue: {ordinal(p.queue.position)} among the held lines of {line.sku}; {p.queue.ahead.lines} line{p.queue.ahead.lines === 1 ? '' : 's'} (
              {p.queue.ahead.quantity} unit{p.queue.ahead.quantity === 1 ? '' : 's'}) ahead.
            </Text>
          ) : null}
          {p.next ? (
            <Text size="sm" mt={6}>
              Next job run: {p.next.locationId ?? 'no location'}
              {p.next.inventoryAvailabilityDate ? `, available ${formatDate(p.next.inventoryAvailabilityDate)}` : ', no date within the horizon'}
              {p.next.estimatedShipmentDate ? `, ships ${formatDate(p.next.estimatedShipmentDate)}` : ''}.
            </Text>
          ) : null}
          {p.locations?.length ? (
            <Table withTableBorder fz="xs" mt="xs" aria-label={`Earliest dates for line ${line.lineNumber}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Location</Table.Th>
                  <Table.Th>Earliest date</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.locations.map((loc) => (
                  <Table.Tr key={loc.locationId}>
                    <Table.Td>{loc.locationId}</Table.Td>
                    <Table.Td>{loc.earliestDate ? formatDate(loc.earliestDate) : 'not within the horizon'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
          {!p.explanation && !p.queue && !p.next ? (
            <Group>
              <Text size="sm" c="dimmed">
                The service gave no explanation for this line.
              </Text>
            </Group>
          ) : null}
        </>
      )}
    </div>
  );
}
