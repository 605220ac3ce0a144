/**
 * "Monitoring" > "Integrity" (admins): what `holdfast doctor` checks (GET /api/admin/integrity), on demand. Either
 * the books agree with the lines, or each problem is listed, a line's problems together and the line named as the
 * order's system names it. Repairs stay with `holdfast doctor --repair` on the server: it mends the books and
 * changes no line, since which state a line should be in is for a person to decide.
 */
import { Alert, Anchor, Button, Code, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useLineLabels } from '../../api/line-labels.ts';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDate, formatInstant } from '../../format.ts';

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

export default function IntegrityPage() {
  const { api } = useSession();
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
  return (
    <>
      <PageHeader title="Integrity" subtitle="Every reserved against its lines; each line's state, dates and events; the promised quantities and the products' counts of held lines.">
        <Button variant="default" onClick={() => void check.refetch()} loading={check.isFetching}>
          Check again
        </Button>
      </PageHeader>
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
              Checked {checkedAt}. <Code>npx holdfast doctor --repair</Code>, run where the service runs, sets reserved, the promised
              quantities and the held-line counts to what the lines hold. It changes no line and no event: which state a line should be in is for a person to decide.
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
    </>
  );
}
