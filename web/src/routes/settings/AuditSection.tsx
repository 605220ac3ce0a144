/** Who changed the settings, when, and what: each change as the fields it touched, before and after. */
import { Code, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Empty, LoadMore, Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatInstant } from '../../format.ts';

/** Leaf fields that differ, as "jobs.backorder.cron". */
function changes(before: unknown, after: unknown, prefix = ''): { field: string; from: unknown; to: unknown }[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) || isObject(after)) {
    const b = isObject(before) ? before : {};
    const a = isObject(after) ? after : {};
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].flatMap((k) => changes(b[k], a[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ field: prefix || '(all)', from: before, to: after }];
}

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

export function AuditSection() {
  const { api, can } = useSession();
  // Who, by the key's label where the key is live and this key may list keys; otherwise by the key's id.
  const keys = useQuery({
    queryKey: ['keys', 'labels'],
    enabled: can('admin'),
    queryFn: () => unwrap(api.GET('/api/keys', { params: { query: { limit: 500 } } })),
  });
  const labels = new Map((keys.data?.items ?? []).flatMap((k) => (k.label ? [[k.id, k.label] as const] : [])));
  const audit = useInfiniteQuery({
    queryKey: ['audit'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/settings/audit', { params: { query: { limit: 50, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="audit-title">
      <Title order={2} size="h3" id="audit-title" mb="md">
        Audit
      </Title>
      {audit.isPending ? (
        <Loading label="Loading the audit" />
      ) : !audit.data ? (
        <ProblemAlert error={audit.error} action="Loading the audit" />
      ) : !items.length ? (
        <Empty>No settings changes yet.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table striped aria-label="Settings changes" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Changed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => {
                  const diff = changes(e.before, e.after);
                  return (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatInstant(e.at)}</Table.Td>
                      <Table.Td>
                        {labels.has(e.actor) ? (
                          <>
                            {labels.get(e.actor)}{' '}
                            <Text span size="xs" c="dimmed" className="mono">
                              {e.actor}
                            </Text>
                          </>
                        ) : (
                          <span className="mono">{e.actor}</span>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          {diff.length ? (
                            diff.map((d) => (
                              <Text key={d.field} size="sm">
                                <Code>{d.field}</Code> {show(d.from)} → {show(d.to)}
                              </Text>
                            ))
                          ) : (
                            <Text size="sm" c="dimmed">
                              no change
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={audit.hasNextPage} loading={audit.isFetchingNextPage} onMore={() => void audit.fetchNextPage()} />
        </>
      )}
    </Paper>
  );
}
