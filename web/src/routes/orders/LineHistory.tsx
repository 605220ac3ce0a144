/** A line's history: every move with when, from and to, and who or which run made it. */
import { Anchor, Text, Timeline, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Empty } from '../../components/common.tsx';
import { formatDate, formatInstant, jobLabel, reasonLabel } from '../../format.ts';

const PAGE = 500;
const MAX_PAGES = 20;

/** The order's events, all pages (oldest first). */
export function useOrderEvents(orderId: string) {
  const { api } = useSession();
  return useQuery({
    queryKey: ['order-events', orderId],
    queryFn: async () => {
      const all = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const p = await unwrap(api.GET('/api/orders/{id}/events', { params: { path: { id: orderId }, query: { limit: PAGE, cursor } } }));
        all.push(...p.items);
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      return all;
    },
  });
}

type OrderEvent = NonNullable<ReturnType<typeof useOrderEvents>['data']>[number];

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

function cause(data: Record<string, unknown>) {
  const runId = text(data.runId);
  if (runId) {
    const job = text(data.jobType);
    return (
      <>
        by{' '}
        <Anchor component={Link} to={`/monitoring/jobs/runs/${encodeURIComponent(runId)}`} size="xs">
          {job ? `${jobLabel(job)} run` : 'job run'}
        </Anchor>
        {text(data.trigger) ? ` (${text(data.trigger)})` : ''}
      </>
    );
  }
  const actor = text(data.actor);
  if (actor) return <>by key {actor}</>;
  return text(data.trigger) ? <>{text(data.trigger)}</> : null;
}

export function LineHistory({ events, loading }: { events: readonly OrderEvent[]; loading: boolean }) {
  return (
    <div data-history>
      <Title order={4} size="h6" mb="xs">
        History
      </Title>
      {loading ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : events.length === 0 ? (
        <Empty>No moves recorded.</Empty>
      ) : (
        <Timeline bulletSize={12} lineWidth={2} active={events.length - 1}>
          {events.map((e) => {
            const d = e.data;
            const iad = text(d.inventoryAvailabilityDate);
            const esd = text(d.estimatedShipmentDate);
            const who = cause(d);
            return (
              <Timeline.Item key={e.id} title={e.from === e.to ? `${reasonLabel(e.to)}: dates changed` : `${reasonLabel(e.from)} → ${reasonLabel(e.to)}`}>
                <Text size="xs" c="dimmed">
                  {formatInstant(e.at)} · {e.type}
                  {who ? <> · {who}</> : null}
                </Text>
                {iad || esd || text(d.locationId) ? (
                  <Text size="xs">
                    {text(d.locationId) ? `at ${text(d.locationId)}` : ''}
                    {iad ? ` · available ${formatDate(iad)}` : ''}
                    {esd ? ` · ships ${formatDate(esd)}` : ''}
                  </Text>
                ) : null}
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
    </div>
  );
}
