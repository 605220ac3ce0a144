/**
 * Why a line has its dates (SPEC 11, `GET /api/order-lines/{id}/promise`): the explanation, its place in the
 * sku's queue, what the next job run gives it, the earliest date at each candidate location (and at the
 * locations the fulfillment policy leaves out), or, for a line that left the hold, the move that decided it.
 */
import { Anchor, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { Line, LinePromise } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { counted, formatDate, formatInstant, jobLabel, reasonLabel } from '../../format.ts';

const ordinal = (n: number) => {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
};

/** What the next run does to a line that is now on `current`: releases it, keeps it or moves it to another hold. */
function Next({ next, current }: { next: NonNullable<LinePromise['next']>; current: Line['statusReason'] }) {
  const where = next.locationId ? ` at ${next.locationId}` : '';
  const held = next.statusReason === 'BackorderHold' || next.statusReason === 'PreorderHold';
  const how = next.statusReason === current ? 'keeps it on' : 'moves it to';
  const what =
    next.statusReason === 'AwaitingFulfillment'
      ? `releases it${where}`
      : held
        ? next.inventoryAvailabilityDate
          ? `${how} ${reasonLabel(next.statusReason)}${where}, available ${formatDate(next.inventoryAvailabilityDate)}${next.estimatedShipmentDate ? `, ships ${formatDate(next.estimatedShipmentDate)}` : ''}`
          : `${how} ${reasonLabel(next.statusReason)} with no date within the horizon`
        : `moves it to ${reasonLabel(next.statusReason)}`;
  return (
    <Text size="sm" mt={6} data-next>
      The next {jobLabel(next.jobType)} {what}.
    </Text>
  );
}

function Decided({ by }: { by: NonNullable<LinePromise['decidedBy']> }) {
  return (
    <Text size="sm" mt={6}>
      Decided {formatInstant(by.at)}: {reasonLabel(by.from)} → {reasonLabel(by.to)}
      {by.runId ? (
        <>
          {' '}
          by a{' '}
          <Anchor component={Link} to={`/monitoring/jobs/runs/${encodeURIComponent(by.runId)}`} size="sm">
            {by.jobType ? jobLabel(by.jobType) : 'job'} run
          </Anchor>
          {by.trigger ? ` (${by.trigger})` : ''}
        </>
      ) : by.actor ? (
        ` by key ${by.actor}`
      ) : (
        ''
      )}
      .
    </Text>
  );
}

export function LinePromisePanel({ line }: { line: Line }) {
  const { api } = useSession();
  const promise = useQuery({
    queryKey: ['promise', line.id, line.version],
    queryFn: () => unwrap(api.GET('/api/order-lines/{id}/promise', { params: { path: { id: line.id } } })),
  });
  const p = promise.data;
  const dated = [...(p?.locations ?? []).map((l) => ({ ...l, candidate: true })), ...(p?.otherLocations ?? []).map((l) => ({ ...l, candidate: false }))];
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
          <Text size="sm" data-explanation>
            {p.explanation}
          </Text>
          {p.queue ? (
            <Text size="sm" mt={6} data-queue>
              Queue: {ordinal(p.queue.position)} among the held lines of {p.sku}; {counted(p.queue.ahead.lines, 'line')} ({counted(p.queue.ahead.quantity, 'unit')}) ahead
              {p.queue.expiringAhead.lines ? `, of which ${counted(p.queue.expiringAhead.lines, 'line')} past the cancellation SLA take no supply` : ''}.
            </Text>
          ) : null}
          {p.next ? <Next next={p.next} current={line.statusReason} /> : null}
          {p.reservation ? (
            <Text size="sm" mt={6}>
              Reserved: {counted(p.reservation.quantity, 'unit')} at {p.reservation.locationId ?? '—'} since {formatInstant(p.reservation.since)}.
            </Text>
          ) : null}
          {p.decidedBy ? <Decided by={p.decidedBy} /> : null}
          {dated.length ? (
            <Table withTableBorder fz="xs" mt="xs" aria-label={`Earliest dates for line ${line.lineNumber}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Location</Table.Th>
                  <Table.Th>Earliest date</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {dated.map((loc) => (
                  <Table.Tr key={loc.locationId}>
                    <Table.Td>
                      {loc.locationId}
                      {loc.candidate ? '' : ' (not a candidate under the fulfillment policy)'}
                    </Table.Td>
                    <Table.Td>{loc.earliestDate ? formatDate(loc.earliestDate) : 'not within the horizon'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
          {(p.locations ?? []).map((loc) => (loc.days.length ? <DayByDay key={loc.locationId} lineNumber={line.lineNumber} location={loc} /> : null))}
        </>
      )}
    </div>
  );
}

type DatedLocation = NonNullable<LinePromise['locations']>[number];

/**
 * SPEC 11's table for one location: the ATP of section 2 with only the held lines ahead of this one promised. The
 * days on which something happens (today, a receipt or issue, a promise ahead, the earliest date) are listed; the
 * days between change nothing.
 */
function DayByDay({ lineNumber, location }: { lineNumber: number; location: DatedLocation }) {
  const days = location.days.filter((d, i) => i === 0 || d.supply !== 0 || d.promisedAhead !== 0 || d.date === location.earliestDate);
  return (
    <details style={{ marginTop: 6 }}>
      <summary style={{ cursor: 'pointer', fontSize: 'var(--mantine-font-size-xs)' }}>Day by day at {location.locationId}</summary>
      <Table withTableBorder fz="xs" mt={4} aria-label={`Day by day for line ${lineNumber} at ${location.locationId}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th ta="right">Supply</Table.Th>
            <Table.Th ta="right">Promised ahead</Table.Th>
            <Table.Th ta="right">Projected</Table.Th>
            <Table.Th ta="right">ATP</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {days.map((d) => (
            <Table.Tr key={d.date} fw={d.date === location.earliestDate ? 700 : undefined} data-earliest={d.date === location.earliestDate || undefined}>
              <Table.Td>{formatDate(d.date)}</Table.Td>
              <Table.Td ta="right">{d.supply}</Table.Td>
              <Table.Td ta="right">{d.promisedAhead}</Table.Td>
              <Table.Td ta="right">{d.projected}</Table.Td>
              <Table.Td ta="right">{d.atp}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </details>
  );
}
