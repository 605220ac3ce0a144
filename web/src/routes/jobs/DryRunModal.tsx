/** What a run started now would do (SPEC 5 dry run): its counts and records; nothing is written. */
import { Button, Group, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { DryRun } from '../../api/types.ts';
import { Empty, LoadMore, Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { counted, formatNumber, jobLabel } from '../../format.ts';
import { RecordsTable } from './records.tsx';
import { Counts } from './Counts.tsx';

/** Records shown at first, and added by each "Load more": a dry run answers all of them, a big one hundreds of thousands. */
const PAGE = 200;

export function DryRunModal({ jobType, onClose, onRun }: { jobType: string; onClose: () => void; onRun?: () => void }) {
  const { api } = useSession();
  const dry = useQuery({
    queryKey: ['dry-run', jobType],
    gcTime: 0,
    queryFn: () => unwrap(api.POST('/api/jobs/{jobType}/runs', { params: { path: { jobType }, query: { dryRun: true } }, body: {} })),
  });
  const answer: DryRun | null = dry.data && 'dryRun' in dry.data && dry.data.dryRun ? dry.data : null;
  const [shown, setShown] = useState(PAGE);
  return (
    <Modal opened onClose={onClose} title={`Dry run: ${jobLabel(jobType)}`} size="xl" centered returnFocus={false}>
      <Stack>
        <Text size="sm" c="dimmed">
          What a {jobLabel(jobType)} started now would do. Nothing is written: no line, stock, event or job-log entry.
        </Text>
        {dry.isPending ? (
          <Loading label="Computing the dry run" />
        ) : dry.error ? (
          <ProblemAlert error={dry.error} action="Dry run" feature="dry runs" />
        ) : !answer ? (
          <ProblemAlert error={new Error('The service answered without "dryRun": true; it may have started a real run. Check the job log.')} action="Dry run" />
        ) : (
          <>
            <SimpleGrid cols={{ base: 2, sm: 6 }}>
              <Counts run={answer} />
            </SimpleGrid>
            {answer.records.length ? (
              <>
                <RecordsTable records={answer.records.slice(0, shown)} label="Dry run records" />
                {answer.records.length > shown ? (
                  <Text size="sm" c="dimmed" ta="center">
                    {formatNumber(shown)} of {counted(answer.records.length, 'record')} shown
                  </Text>
                ) : null}
                <LoadMore hasMore={answer.records.length > shown} loading={false} onMore={() => setShown((n) => n + PAGE)} />
              </>
            ) : (
              <Empty>The run would move or re-date no line.</Empty>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          {onRun && answer ? <Button onClick={onRun}>Run it now</Button> : null}
        </Group>
      </Stack>
    </Modal>
  );
}
