/** A run of a background job: its status and counts, and one record per line it moved or re-dated. */
import { Alert, Anchor, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Empty, LoadMore, Loading, PageHeader, RunStatus } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDuration, formatInstant, jobLabel } from '../../format.ts';
import { Counts } from './Counts.tsx';
import { RecordsTable } from './records.tsx';

export default function RunPage() {
  const { id = '' } = useParams();
  const { api } = useSession();
  const details = useInfiniteQuery({
    queryKey: ['run', id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/jobs/runs/{id}', { params: { path: { id }, query: { limit: 200, cursor: pageParam } } })),
    getNextPageParam: (last) => last.records.nextCursor ?? undefined,
    refetchInterval: (q) => (q.state.data?.pages[0]?.status === 'running' ? 1_000 : false),
  });
  if (details.isPending) return <Loading label="Loading the run" />;
  if (!details.data) return <ProblemAlert error={details.error} action="Loading the run" />;
  const run = details.data.pages[0]!;
  const records = details.data.pages.flatMap((p) => p.records.items);
  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/monitoring/jobs">
          Background jobs
        </Anchor>
      </Text>
      <PageHeader title={`${jobLabel(run.jobType)} run`} subtitle={<span className="mono">{run.id}</span>}>
        <RunStatus status={run.status} />
      </PageHeader>
      <Paper withBorder p="sm" mb="md">
        <Group gap="xl" wrap="wrap">
          <Text size="sm">Trigger: {run.trigger}</Text>
          <Text size="sm">Started: {formatInstant(run.startedAt)}</Text>
          <Text size="sm">Finished: {formatInstant(run.finishedAt)}</Text>
          <Text size="sm">Took: {formatDuration(run.startedAt, run.finishedAt)}</Text>
          {run.skus ? <Text size="sm">SKUs: {run.skus.join(', ')}</Text> : <Text size="sm">SKUs: all</Text>}
        </Group>
      </Paper>
      {run.error ? (
        <Alert color="red" title="The run failed" mb="md">
          {run.error}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} mb="md">
        <Counts run={run} />
      </SimpleGrid>
      <Title order={2} size="h4" mb="xs">
        Records
      </Title>
      {records.length ? <RecordsTable records={records} label="Run records" /> : <Empty>This run moved or re-dated no line.</Empty>}
      <LoadMore hasMore={details.hasNextPage} loading={details.isFetchingNextPage} onMore={() => void details.fetchNextPage()} />
      <ProblemAlert error={details.error} action="Loading records" />
    </>
  );
}
