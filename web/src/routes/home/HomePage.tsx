/**
 * Home: lines per status reason (each a link to the filtered list), "Backorder ageing", "Preorder demand" and
 * the last run of each job.
 */
import { Anchor, Badge, Card, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { ChartFigure } from '../../components/ChartFigure.tsx';
import { PageHeader, ReasonBadge, RunStatus } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { BarsChart } from '../../charts/index.ts';
import { counted, formatDate, formatInstant, formatNumber, jobLabel, reasonLabel } from '../../format.ts';

const chartFallback = <Skeleton h="100%" />;

export default function HomePage() {
  const { api } = useSession();
  const overview = useQuery({ queryKey: ['overview'], queryFn: () => unwrap(api.GET('/api/overview')), refetchInterval: 30_000 });
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => unwrap(api.GET('/api/jobs')) });
  const o = overview.data;

  return (
    <>
      <PageHeader title="Home" subtitle={o ? `Business date ${formatDate(o.today)}` : undefined} />
      <ProblemAlert error={overview.error} action="Loading the overview" />
      <section aria-labelledby="counts-title">
        <Title order={2} size="h4" id="counts-title" mb="xs">
          Lines by status reason
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mb="lg">
          {o
            ? o.statusReasons.map((r) => (
                <Card
                  key={r.statusReason}
                  withBorder
                  padding="sm"
                  component={Link}
                  to={`/orders?view=lines&statusReason=${r.statusReason}`}
                  aria-label={`${reasonLabel(r.statusReason)}: ${counted(r.lines, 'line')}, ${counted(r.units, 'unit')}`}
                  data-count={r.statusReason}
                >
                  <ReasonBadge reason={r.statusReason} />
                  <Text fz={26} fw={700} mt={4}>
                    {formatNumber(r.lines)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.lines === 1 ? 'line' : 'lines'} · {counted(r.units, 'unit')}
                  </Text>
                </Card>
              ))
            : Array.from({ length: 8 }, (_, i) => <Skeleton key={i} h={96} />)}
        </SimpleGrid>
      </section>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" mb="lg">
        <ChartFigure
          title="Backorder ageing"
          description="Lines on Backorder Hold by whole days since they were backordered."
          rows={o?.backorderAgeing ?? []}
          columns={[
            { label: 'Days', value: (r) => r.bucket },
            { label: 'Lines', value: (r) => r.lines },
            { label: 'Units', value: (r) => r.units },
          ]}
        >
          {o ? (
            <Suspense fallback={chartFallback}>
              <BarsChart
                data={o.backorderAgeing.map((b) => ({ bucket: b.bucket, lines: b.lines }))}
                category="bucket"
                series={[{ key: 'lines', label: 'Lines', color: '#fd7e14' }]}
              />
            </Suspense>
          ) : (
            chartFallback
          )}
        </ChartFigure>
        <ChartFigure
          title="Preorder demand"
          description="Per preorder-eligible product: units on Preorder Hold against receipts scheduled up to the launch date and after it."
          rows={o?.preorderDemand ?? []}
          columns={[
            { label: 'SKU', value: (r) => r.sku },
            { label: 'Launch Date', value: (r) => formatDate(r.launchDate) },
            { label: 'On Preorder Hold', value: (r) => r.onHold },
            { label: 'Receipts by launch', value: (r) => r.receiptsByLaunch },
            { label: 'Receipts after launch', value: (r) => r.receiptsAfterLaunch },
          ]}
        >
          {o ? (
            o.preorderDemand.length ? (
              <Suspense fallback={chartFallback}>
                <BarsChart
                  data={o.preorderDemand.map((p) => ({ sku: p.sku, onHold: p.onHold, byLaunch: p.receiptsByLaunch, afterLaunch: p.receiptsAfterLaunch }))}
                  category="sku"
                  series={[
                    { key: 'onHold', label: 'On Preorder Hold', color: '#ae3ec9' },
                    { key: 'byLaunch', label: 'Receipts by launch', color: '#37b24d' },
                    { key: 'afterLaunch', label: 'Receipts after launch', color: '#a9e34b' },
                  ]}
                />
              </Suspense>
            ) : (
              <Text c="dimmed" size="sm">
                No product is preorder-eligible.
              </Text>
            )
          ) : (
            chartFallback
          )}
        </ChartFigure>
      </SimpleGrid>

      <section aria-labelledby="runs-title">
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h4" id="runs-title">
            Last runs
          </Title>
          <Anchor component={Link} to="/monitoring/jobs" size="sm">
            Job log
          </Anchor>
        </Group>
        <ProblemAlert error={jobs.error} action="Loading the jobs" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {jobs.data
            ? jobs.data.items.map((j) => (
                <Card key={j.jobType} withBorder padding="sm" data-last-run={j.jobType}>
                  <Group justify="space-between" mb={4}>
                    <Text fw={600}>{jobLabel(j.jobType)}</Text>
                    {j.lastRun ? <RunStatus status={j.lastRun.status} /> : <Badge color="gray" variant="light" style={{ textTransform: 'none' }}>never run</Badge>}
                  </Group>
                  {j.lastRun ? (
                    <Stack gap={2}>
                      <Text size="sm">
                        <Anchor component={Link} to={`/monitoring/jobs/runs/${encodeURIComponent(j.lastRun.id)}`}>
                          {j.lastRun.trigger} run, {formatInstant(j.lastRun.startedAt)}
                        </Anchor>
                      </Text>
                      <Text size="sm" c="dimmed">
                        {j.lastRun.processed} processed · {j.lastRun.movedToFulfillment} to fulfillment · {j.lastRun.movedToBackorder} to backorder ·{' '}
                        {j.lastRun.stillOnHold} still on hold · {j.lastRun.canceled} canceled · {j.lastRun.failedRecords} failed
                      </Text>
                    </Stack>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {j.enabled ? `Scheduled: ${j.cron}` : 'Schedule switched off'}
                    </Text>
                  )}
                </Card>
              ))
            : [0, 1].map((i) => <Skeleton key={i} h={88} />)}
        </SimpleGrid>
      </section>
    </>
  );
}
