/**
 * "Monitoring" > "Integrity" (admins): what `holdfast doctor` checks (GET /api/admin/integrity), on demand. Either
 * the books agree with the lines, or each problem is listed, a line's problems together and the line named as the
 * order's system names it. Where the books are off (reserved, promised quantities, held-line counts), "Repair the
 * books" does what `holdfast doctor --repair` does (POST /api/admin/integrity/repair), after a confirmation, and
 * lists each correction; a line in an impossible state is left for a person to decide.
 */
import { useState } from 'react';
import { Alert, Anchor, Button, Code, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useLineLabels } from '../../api/line-labels.ts';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { counted, formatDate, formatInstant, formatNumber } from '../../format.ts';
import type { IntegrityRepair } from '../../api/types.ts';

/** The check's kinds of problem, as an operator reads them. */
const KIND_LABELS: Readonly<Record<string, string>> = {
  reserved_mismatch: 'Reserved',
  invalid_status: 'Line status',
  invalid_state: 'Line state',
  held_dates: "Held line's dates",
  events_mismatch: 'Line events',
  promised_mismatch: 'Promised quantity',
  held_count_mismatch: 'Held-line counts',
};

const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

/** The kinds of problem a repair mends: the books. Lines are for a person. */
const REPAIRABLE = new Set(['reserved_mismatch', 'promised_mismatch', 'held_count_mismatch']);

/** What a correction set, as an operator reads it. */
const SUBJECT_LABELS: Readonly<Record<string, string>> = {
  reserved: 'Reserved',
  promised: 'Promised quantity',
  held_backorder: 'Backorder Hold lines counted',
  held_preorder: 'Preorder Hold lines counted',
};

export default function IntegrityPage() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [repaired, setRepaired] = useState<IntegrityRepair | null>(null);
  const repair = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/integrity/repair')),
    onSuccess: (result) => {
      queryClient.setQueryData(['integrity'], result.after);
      // Reserved and promises moved: what screens show of stock and dates, and the supply-change runs it started.
      for (const key of ['inventory', 'atp', 'overview', 'jobs', 'job-runs', 'promise']) void queryClient.invalidateQueries({ queryKey: [key] });
      setRepaired(result);
      setConfirming(false);
      notifications.show({ color: 'teal', message: `Books repaired: ${counted(result.reserved + result.promised + result.heldCounts, 'correction')}` });
    },
  });
  const check = useQuery({
    queryKey: ['integrity'],
    queryFn: () => unwrap(api.GET('/api/admin/integrity')),
    // A check reads every line: it runs when asked, not whenever the window gets focus.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const problems = check.data?.problems ?? [];
  const checkedAt = formatInstant(new Date(check.dataUpdatedAt).toISOString());
  // The check reports kind by kind: a line's problems go together, at the place of its first.
  const byLine = new Map<string, (typeof problems)[number][]>();
  problems.forEach((p, i) => {
    const key = p.lineId ?? `#${i}`;
    const group = byLine.get(key);
    if (group) group.push(p);
    else byLine.set(key, [p]);
  });
  const rows = [...byLine.values()].flat();
  const labels = useLineLabels(problems.flatMap((p) => (p.lineId === undefined ? [] : [p.lineId])));
  const repairable = problems.filter((p) => REPAIRABLE.has(p.kind)).length;
  return (
    <>
      <PageHeader title="Integrity" subtitle="Every reserved against its lines; each line's state, dates and events; the promised quantities and the products' counts of held lines.">
        <Group gap="xs">
          {repairable > 0 ? (
            <Button color="orange" onClick={() => setConfirming(true)}>
              Repair the books
            </Button>
          ) : null}
          <Button variant="default" onClick={() => void check.refetch()} loading={check.isFetching}>
            Check again
          </Button>
        </Group>
      </PageHeader>
      {repaired ? <RepairSummary repair={repaired} onClose={() => setRepaired(null)} /> : null}
      {check.isPending ? <Loading label="Checking the books" /> : null}
      <ProblemAlert error={check.error} action="Checking the books" />
      {check.data?.ok ? (
        <Alert color="teal" title="The books agree" data-integrity="ok">
          Checked {checkedAt}: every reserved equals what its released, unshipped lines hold, every line is in a state it may be in
          with the dates and events it should have, and every promised quantity and held-line count matches its lines.
        </Alert>
      ) : null}
      {check.data && !check.data.ok ? (
        <>
          <Alert color="red" title={`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} found`} mb="md" data-integrity="problems">
            <Text size="sm">
              Checked {checkedAt}.{' '}
              {repairable > 0 ? (
                <>
                  {repairable === problems.length ? (repairable === 1 ? 'It is' : 'All are') : `${formatNumber(repairable)} of them are`} in reserved, the promised
                  quantities or the held-line counts: &ldquo;Repair the books&rdquo; (or <Code>npx holdfast doctor --repair</Code> where the service runs) sets
                  them to what the lines hold.
                </>
              ) : (
                <>
                  A repair (<Code>npx holdfast doctor --repair</Code>, or &ldquo;Repair the books&rdquo; here) sets reserved, the promised quantities and
                  the held-line counts to what the lines hold; none of these problems is one of those.
                </>
              )}{' '}
              A repair changes no line and no event: which state a line should be in is for a person to decide.
            </Text>
            {check.data.truncated ? (
              <Text size="sm" mt="xs">
                Some kinds had more problems than are listed here; <Code>npx holdfast doctor</Code> lists them all.
              </Text>
            ) : null}
          </Alert>
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label="Integrity problems" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Problem</Table.Th>
                  <Table.Th>SKU</Table.Th>
                  <Table.Th>Where</Table.Th>
                  <Table.Th>What is wrong</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p, i) => {
                  const label = p.lineId === undefined ? undefined : labels.get(p.lineId);
                  return (
                    <Table.Tr key={i} data-kind={p.kind}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{kindLabel(p.kind)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{p.sku ?? '—'}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {label ? (
                          <Anchor component={Link} to={`/orders/${encodeURIComponent(label.orderId)}`} title={p.lineId}>
                            {label.externalId} line {label.lineNumber}
                          </Anchor>
                        ) : p.lineId !== undefined ? (
                          <span className="mono">{p.lineId}</span>
                        ) : (
                          [p.locationId, p.date === undefined ? undefined : formatDate(p.date)].filter(Boolean).join(', ') || 'the product'
                        )}
                      </Table.Td>
                      <Table.Td>{p.detail}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      ) : null}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Repair the books?" centered>
        <Stack>
          <Text size="sm">
            Reserved, the promised quantities and the held-line counts are set to what the lines hold, in one transaction that holds
            every product's lock: new orders and job batches wait until it ends (seconds on a large database). Each correction is
            recorded; no line and no event is changed. Products whose supply moved get a backorder run.
          </Text>
          <ProblemAlert error={repair.error} action="Repairing" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Not now
            </Button>
            <Button color="orange" loading={repair.isPending} onClick={() => repair.mutate()}>
              Yes, repair
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** What a repair corrected, correction by correction, each with what it was and what it is now. */
function RepairSummary({ repair, onClose }: { repair: IntegrityRepair; onClose: () => void }) {
  const total = repair.reserved + repair.promised + repair.heldCounts;
  const parts = [
    repair.reserved > 0 ? `${formatNumber(repair.reserved)} reserved` : null,
    repair.promised > 0 ? `${formatNumber(repair.promised)} promised ${repair.promised === 1 ? 'quantity' : 'quantities'}` : null,
    repair.heldCounts > 0 ? `the held-line counts of ${counted(repair.heldCounts, 'product')}` : null,
  ].filter((p) => p !== null);
  return (
    <Alert color="teal" title={total === 0 ? 'Nothing to repair' : 'Books repaired'} mb="md" withCloseButton onClose={onClose} data-integrity="repaired">
      <Text size="sm" mb={total === 0 ? 0 : 'xs'}>
        {total === 0 ? 'The books already matched the lines.' : `Corrected ${parts.join(', ')}. Each correction is recorded in integrity_repairs.`}
      </Text>
      {repair.changes.length > 0 ? (
        <Table.ScrollContainer minWidth={600}>
          <Table aria-label="Corrections made" fz="sm" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>What</Table.Th>
                <Table.Th>SKU</Table.Th>
                <Table.Th>Where</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Was</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Now</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {repair.changes.map((c, i) => (
                <Table.Tr key={i} data-subject={c.subject}>
                  <Table.Td>{SUBJECT_LABELS[c.subject] ?? c.subject}</Table.Td>
                  <Table.Td>{c.sku}</Table.Td>
                  <Table.Td>{[c.locationId ?? 'the product', c.date === null ? undefined : formatDate(c.date)].filter(Boolean).join(', ')}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>{c.before === null ? 'none' : formatNumber(c.before)}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>{formatNumber(c.after)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {repair.changesTruncated ? (
        <Text size="sm" mt="xs">
          There were more corrections than are listed here; every one is in integrity_repairs.
        </Text>
      ) : null}
    </Alert>
  );
}
