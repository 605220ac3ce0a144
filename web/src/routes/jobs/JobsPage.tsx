/**
 * Monitoring > Background jobs: the job definitions, "Dry run" and "Run" (each offering "Back-Order Job" and
 * "Pre-Order Job"), and the job log, refreshed every second while a run is going.
 */
import { Alert, Anchor, Badge, Button, Card, Group, Menu, NativeSelect, SimpleGrid, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Empty, LoadMore, Loading, PageHeader, RunStatus } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatInstant, formatShortInstant, jobLabel } from '../../format.ts';
import { DryRunModal } from './DryRunModal.tsx';

const JOB_TYPES = ['backorder', 'preorder'] as const;
type JobType = (typeof JOB_TYPES)[number];

export default function JobsPage() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const jobType = (JOB_TYPES as readonly string[]).includes(params.get('jobType') ?? '') ? (params.get('jobType') as JobType) : undefined;
  const status = ['running', 'succeeded', 'failed'].includes(params.get('status') ?? '') ? (params.get('status') as 'running' | 'succeeded' | 'failed') : undefined;
  const [dryRun, setDryRun] = useState<JobType | null>(null);
  const dryRunButton = useRef<HTMLButtonElement>(null);
  // Back to the button that opened the dialog (the menu item that did is gone).
  const closeDryRun = () => {
    setDryRun(null);
    dryRunButton.current?.focus();
  };
  // After "Run", refresh fast for a few seconds even if the run ends before the log first shows it running.
  const [startedAt, setStartedAt] = useState(0);

  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => unwrap(api.GET('/api/jobs')) });
  const log = useInfiniteQuery({
    queryKey: ['runs', jobType, status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/jobs/runs', { params: { query: { limit: 50, cursor: pageParam, jobType, status } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => {
      const running = q.state.data?.pages[0]?.items.some((r) => r.status === 'running');
      return running || Date.now() - startedAt < 5_000 ? 1_000 : 15_000;
    },
  });

  const run = useMutation({
    mutationFn: (type: JobType) => unwrap(api.POST('/api/jobs/{jobType}/runs', { params: { path: { jobType: type } }, body: {} })),
    onSuccess: (started) => {
      setStartedAt(Date.now());
      void queryClient.invalidateQueries({ queryKey: ['runs'] });
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      notifications.show({ color: 'blue', message: `${jobLabel(started.jobType)} started` });
    },
  });

  const runs = log.data?.pages.flatMap((p) => p.items) ?? [];
  const mayRun = can('jobs');
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  return (
    <>
      <PageHeader title="Background jobs" subtitle="Monitoring">
        {mayRun ? (
          <>
            {/* The dialog takes the focus: the menu must not hand it back to its button behind the dialog. */}
            <Menu position="bottom-end" withinPortal returnFocus={false}>
              <Menu.Target>
                <Button variant="default" ref={dryRunButton}>
                  Dry run
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {JOB_TYPES.map((t) => (
                  <Menu.Item key={t} onClick={() => setDryRun(t)}>
                    {jobLabel(t)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button loading={run.isPending}>Run</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {JOB_TYPES.map((t) => (
                  <Menu.Item key={t} onClick={() => run.mutate(t)}>
                    {jobLabel(t)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </>
        ) : null}
      </PageHeader>
      {run.error ? (
        <Alert color="red" role="alert" mb="md" title={`${run.variables ? jobLabel(run.variables) : 'The job'} did not start`} withCloseButton onClose={() => run.reset()}>
          {run.error.message}
        </Alert>
      ) : null}

      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" mb="md">
        {jobs.data?.items.map((j) => (
          <Card key={j.jobType} withBorder padding="sm">
            <Group justify="space-between">
              <Text fw={600}>{jobLabel(j.jobType)}</Text>
              <Badge color={j.enabled ? 'teal' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
                {j.enabled ? 'schedule on' : 'schedule off'}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              Cron <span className="mono">{j.cron}</span>
              {j.nextRunAt ? ` · next ${formatInstant(j.nextRunAt)}` : ''}
              {j.onSupplyChange !== undefined ? ` · on supply change ${j.onSupplyChange ? 'on' : 'off'}` : ''}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <ProblemAlert error={jobs.error} action="Loading the jobs" />

      <Group mb="sm" gap="sm" align="flex-end">
        <NativeSelect
          label="Job"
          value={jobType ?? ''}
          onChange={(e) => setFilter('jobType', e.currentTarget.value)}
          data={[{ value: '', label: 'All jobs' }, ...JOB_TYPES.map((t) => ({ value: t, label: jobLabel(t) }))]}
          w={180}
        />
        <NativeSelect
          label="Status"
          value={status ?? ''}
          onChange={(e) => setFilter('status', e.currentTarget.value)}
          data={[
            { value: '', label: 'Any' },
            { value: 'running', label: 'running' },
            { value: 'succeeded', label: 'succeeded' },
            { value: 'failed', label: 'failed' },
          ]}
          w={150}
        />
      </Group>
      {log.isPending ? (
        <Loading label="Loading the job log" />
      ) : !log.data ? (
        <ProblemAlert error={log.error} action="Loading the job log" />
      ) : runs.length === 0 ? (
        <Empty>No runs yet.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover aria-label="Job log" fz="xs" horizontalSpacing={8} className="nowrap">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Job</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Finished</Table.Th>
                  <Table.Th ta="right">Processed</Table.Th>
                  <Table.Th ta="right">Moved to fulfillment</Table.Th>
                  <Table.Th ta="right">Moved to backorder</Table.Th>
                  <Table.Th ta="right">Still on hold</Table.Th>
                  <Table.Th ta="right">Canceled</Table.Th>
                  <Table.Th ta="right">Failed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {runs.map((r) => {
                  const to = `/monitoring/jobs/runs/${encodeURIComponent(r.id)}`;
                  return (
                    <Table.Tr key={r.id} data-run={r.id} style={{ cursor: 'pointer' }} onClick={() => void navigate(to)}>
                      <Table.Td>
                        <Anchor component={Link} to={to} onClick={(e) => e.stopPropagation()} size="xs" style={{ whiteSpace: 'nowrap' }}>
                          {jobLabel(r.jobType)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{r.trigger}</Table.Td>
                      <Table.Td>
                        <RunStatus status={r.status} />
                      </Table.Td>
                      <Table.Td title={formatInstant(r.startedAt)}>{formatShortInstant(r.startedAt)}</Table.Td>
                      <Table.Td title={r.finishedAt ? formatInstant(r.finishedAt) : undefined}>{r.finishedAt ? formatShortInstant(r.finishedAt) : 'running'}</Table.Td>
                      <Table.Td ta="right">{r.processed}</Table.Td>
                      <Table.Td ta="right">{r.movedToFulfillment}</Table.Td>
                      <Table.Td ta="right">{r.movedToBackorder}</Table.Td>
                      <Table.Td ta="right">{r.stillOnHold}</Table.Td>
                      <Table.Td ta="right">{r.canceled}</Table.Td>
                      <Table.Td ta="right">{r.failedRecords}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={log.hasNextPage} loading={log.isFetchingNextPage} onMore={() => void log.fetchNextPage()} />
          <ProblemAlert error={log.error} action="Refreshing the job log" />
        </>
      )}
      {dryRun ? <DryRunModal jobType={dryRun} onClose={closeDryRun} onRun={mayRun ? () => (closeDryRun(), run.mutate(dryRun)) : undefined} /> : null}
    </>
  );
}
