/**
 * An order: its lines (State, Status Reason, Location, Inventory Availability Date, Estimated Shipment Date,
 * Launch Date), each line's history and why it has its dates (SPEC 11), and "Cancel order" / "Cancel line"
 * behind a confirmation.
 */
import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { Line } from '../../api/types.ts';
import { Loading, PageHeader, ReasonBadge } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { CANCELABLE, counted, formatInstant, stateLabel } from '../../format.ts';
import { LineHistory, useOrderEvents } from './LineHistory.tsx';
import { LINE_PLAN_HEADINGS, LinePlanCells } from './LinePlanCells.tsx';
import { LinePromisePanel } from './LinePromisePanel.tsx';

/** Lines whose history and explanation show without asking; a larger order shows them on request. */
const DETAILED_LINES = 20;

type CancelTarget = { kind: 'order' } | { kind: 'line'; line: Line };

export default function OrderPage() {
  const { id = '' } = useParams();
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => unwrap(api.GET('/api/orders/{id}', { params: { path: { id } } })),
  });
  const events = useOrderEvents(id);
  const [target, setTarget] = useState<CancelTarget | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  const cancel = useMutation({
    mutationFn: (t: CancelTarget) =>
      t.kind === 'order'
        ? unwrap(api.POST('/api/orders/{id}/cancel', { params: { path: { id } }, body: {} }))
        : unwrap(api.POST('/api/orders/{id}/lines/{lineNumber}/cancel', { params: { path: { id, lineNumber: t.line.lineNumber } }, body: {} })),
    onSuccess: (updated, t) => {
      queryClient.setQueryData(['order', id], updated);
      void queryClient.invalidateQueries({ queryKey: ['order-events', id] });
      void queryClient.invalidateQueries({ queryKey: ['promise'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      void queryClient.invalidateQueries({ queryKey: ['order-lines'] });
      setTarget(null);
      notifications.show({ color: 'teal', message: t.kind === 'order' ? 'Order canceled' : `Line ${t.line.lineNumber} canceled` });
    },
  });

  if (order.isPending) return <Loading label="Loading the order" />;
  if (!order.data) return <ProblemAlert error={order.error} action="Loading the order" />;
  const o = order.data;
  const cancelable = o.lines.filter((l) => CANCELABLE.has(l.statusReason));
  const mayCancel = can('orders');

  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/orders">
          Orders
        </Anchor>
      </Text>
      <PageHeader title={`Order ${o.externalId}`} subtitle={<span className="mono">{o.id}</span>}>
        <Badge size="lg" variant="light" style={{ textTransform: 'none' }}>
          {stateLabel(o.status)}
        </Badge>
        {mayCancel && cancelable.length ? (
          <Button color="red" variant="light" onClick={() => (cancel.reset(), setTarget({ kind: 'order' }))}>
            Cancel order
          </Button>
        ) : null}
      </PageHeader>

      <Paper withBorder p="sm" mb="md">
        <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} spacing="sm">
          <Field label="Ordered" value={formatInstant(o.orderedAt)} />
          <Field label="Channel" value={o.channel} />
          <Field label="Customer" value={o.customerId ?? '—'} />
          <Field label="Priority" value={String(o.priority)} />
          <Field label="Ship to" value={[o.shipTo.country, o.shipTo.region, o.shipTo.postalCode].filter(Boolean).join(' · ') || '—'} />
          <Field label="Lines" value={String(o.lines.length)} />
        </SimpleGrid>
      </Paper>

      <Title order={2} size="h3" mb="xs">
        Lines
      </Title>
      <Table.ScrollContainer minWidth={980}>
        <Table striped aria-label="Lines" verticalSpacing="xs" className="nowrap">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>SKU</Table.Th>
              <Table.Th>Quantity</Table.Th>
              <Table.Th>State</Table.Th>
              {LINE_PLAN_HEADINGS.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
              {mayCancel ? <Table.Th>Actions</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.lines.map((l) => (
              <Table.Tr key={l.id} data-line={l.lineNumber}>
                <Table.Td>
                  <Anchor href={`#line-${l.lineNumber}`}>{l.lineNumber}</Anchor>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/inventory?sku=${encodeURIComponent(l.sku)}`}>
                    {l.sku}
                  </Anchor>
                </Table.Td>
                <Table.Td>{l.quantity}</Table.Td>
                <Table.Td>{stateLabel(l.state)}</Table.Td>
                <LinePlanCells line={l} />
                {mayCancel ? (
                  <Table.Td>
                    {CANCELABLE.has(l.statusReason) ? (
                      <Button size="compact-sm" color="red" variant="subtle" onClick={() => (cancel.reset(), setTarget({ kind: 'line', line: l }))}>
                        Cancel line
                      </Button>
                    ) : null}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <ProblemAlert error={events.error} action="Loading the line history" />
      <Stack mt="md" gap="md">
        {o.lines.map((l, i) => {
          const open = i < DETAILED_LINES || expanded.has(l.id);
          return (
            <Paper key={l.id} withBorder p="sm" id={`line-${l.lineNumber}`} component="section" aria-labelledby={`line-${l.lineNumber}-title`}>
              <Group justify="space-between" mb="xs">
                <Title order={3} size="h5" id={`line-${l.lineNumber}-title`}>
                  Line {l.lineNumber} · {l.sku} × {l.quantity}
                </Title>
                <ReasonBadge reason={l.statusReason} />
              </Group>
              {open ? (
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                  <LinePromisePanel line={l} />
                  <LineHistory events={(events.data ?? []).filter((e) => e.lineId === l.id)} loading={events.isPending} />
                </SimpleGrid>
              ) : (
                <Button variant="default" size="xs" onClick={() => setExpanded(new Set(expanded).add(l.id))}>
                  Show history and dates
                </Button>
              )}
            </Paper>
          );
        })}
      </Stack>

      <Modal
        opened={target !== null}
        onClose={() => setTarget(null)}
        title={target?.kind === 'line' ? `Cancel line ${target.line.lineNumber}?` : `Cancel order ${o.externalId}?`}
        centered
      >
        <Stack>
          <Text size="sm">
            {target?.kind === 'line'
              ? `Line ${target.line.lineNumber} (${target.line.sku} × ${target.line.quantity}) will be canceled by request${target.line.statusReason === 'AwaitingFulfillment' ? ' and its reservation released' : ''}. This cannot be undone.`
              : `${cancelable.length} of ${counted(o.lines.length, 'line')} can still be canceled; they will be canceled by request and any reservation released. This cannot be undone.`}
          </Text>
          <ProblemAlert error={cancel.error} action="Canceling" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setTarget(null)}>
              Keep it
            </Button>
            <Button color="red" loading={cancel.isPending} onClick={() => target && cancel.mutate(target)}>
              {target?.kind === 'line' ? 'Yes, cancel line' : 'Yes, cancel order'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
}
