/**
 * Orders: the order list or the line list, filtered by status reason, sku, external id and customer. The
 * filters live in the address, so Home's counts link straight to a filtered list.
 */
import { Anchor, Button, Group, NativeSelect, Paper, SegmentedControl, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Empty, LoadMore, Loading, PageHeader, ReasonBadge } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { STATUS_REASONS, formatDate, formatInstant, formatShortInstant, reasonLabel, stateLabel } from '../../format.ts';
import type { StatusReason } from '../../format.ts';

const PAGE = 50;
type View = 'orders' | 'lines';

interface Filters {
  readonly statusReason: string;
  readonly sku: string;
  readonly externalId: string;
  readonly customerId: string;
}

const defined = (v: string) => (v === '' ? undefined : v);

export default function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'lines' ? 'lines' : 'orders';
  const applied: Filters = {
    statusReason: params.get('statusReason') ?? '',
    sku: params.get('sku') ?? '',
    externalId: params.get('externalId') ?? '',
    customerId: params.get('customerId') ?? '',
  };
  const orders = useOrders(applied, view === 'orders');
  const lines = useLines(applied, view === 'lines');
  const listError = view === 'orders' ? orders.error : lines.error;
  const fieldError = (name: keyof Filters) => (listError instanceof ApiError ? listError.at(`/${name}`) : undefined);
  const [draft, setDraft] = useState<Filters>(applied);
  const appliedKey = JSON.stringify(applied);
  // The form follows the address when it changes from elsewhere (a link from Home, back and forward), not when this
  // form changed it: what is typed right after a Search or Clear must stay typed.
  const ownKey = useRef(appliedKey);
  useEffect(() => {
    if (appliedKey === ownKey.current) return;
    ownKey.current = appliedKey;
    setDraft(JSON.parse(appliedKey) as Filters);
  }, [appliedKey]);

  const apply = (next: Filters, nextView: View = view) => {
    const p = new URLSearchParams();
    if (nextView === 'lines') p.set('view', 'lines');
    for (const [k, v] of Object.entries(next)) if (v.trim() && (nextView === 'orders' || k === 'statusReason' || k === 'sku')) p.set(k, v.trim());
    const shown: Filters = { statusReason: p.get('statusReason') ?? '', sku: p.get('sku') ?? '', externalId: p.get('externalId') ?? '', customerId: p.get('customerId') ?? '' };
    ownKey.current = JSON.stringify(shown);
    setDraft(shown);
    setParams(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };

  return (
    <>
      <PageHeader title="Orders">
        <SegmentedControl
          aria-label="Show"
          value={view}
          onChange={(v) => apply(applied, v as View)}
          data={[
            { value: 'orders', label: 'Orders' },
            { value: 'lines', label: 'Lines' },
          ]}
        />
      </PageHeader>
      <Paper withBorder p="sm" mb="md" component="form" onSubmit={submit} aria-label="Filters">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <NativeSelect
            label="Status reason"
            value={draft.statusReason}
            onChange={(e) => {
              const next = { ...draft, statusReason: e.currentTarget.value };
              setDraft(next);
              apply(next);
            }}
            error={fieldError('statusReason')}
            data={[{ value: '', label: 'Any' }, ...STATUS_REASONS.map((s) => ({ value: s, label: reasonLabel(s) }))]}
            w={{ base: '100%', xs: 200 }}
          />
          <FilterInput label="SKU" name="sku" draft={draft} setDraft={setDraft} error={fieldError('sku')} />
          {view === 'orders' ? (
            <>
              <FilterInput label="External id" name="externalId" draft={draft} setDraft={setDraft} error={fieldError('externalId')} />
              <FilterInput label="Customer" name="customerId" draft={draft} setDraft={setDraft} error={fieldError('customerId')} />
            </>
          ) : null}
          <Group gap="xs">
            <Button type="submit">Search</Button>
            <Button variant="default" onClick={() => apply({ statusReason: '', sku: '', externalId: '', customerId: '' })}>
              Clear
            </Button>
          </Group>
        </Group>
      </Paper>
      {view === 'orders' ? <OrderList query={orders} /> : <LineList query={lines} />}
    </>
  );
}

interface FilterInputProps {
  readonly label: string;
  readonly name: keyof Filters;
  readonly draft: Filters;
  readonly setDraft: (f: Filters) => void;
  readonly error: string | undefined;
}

function FilterInput({ label, name, draft, setDraft, error }: FilterInputProps) {
  return (
    <TextInput
      label={label}
      error={error}
      value={draft[name]}
      onChange={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
      w={{ base: '100%', xs: 170 }}
      spellCheck={false}
    />
  );
}

/** A 400 about a filter shows on the filter's field too; the whole answer shows here. */
function FilterError({ error }: { error: unknown }) {
  return <ProblemAlert error={error} action={error instanceof ApiError && error.status === 400 ? 'Filtering' : 'Loading'} />;
}

function useOrders(filters: Filters, enabled: boolean) {
  const { api } = useSession();
  return useInfiniteQuery({
    enabled,
    queryKey: ['orders', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/orders', {
          params: {
            query: {
              limit: PAGE,
              cursor: pageParam,
              statusReason: defined(filters.statusReason) as StatusReason | undefined,
              sku: defined(filters.sku),
              externalId: defined(filters.externalId),
              customerId: defined(filters.customerId),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function OrderList({ query }: { query: ReturnType<typeof useOrders> }) {
  if (query.isPending) return <Loading label="Loading orders" />;
  if (!query.data) return <FilterError error={query.error} />;
  const orders = query.data.pages.flatMap((p) => p.items);
  if (!orders.length) return <Empty>No orders match these filters.</Empty>;
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover aria-label="Orders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>External id</Table.Th>
              <Table.Th>Ordered</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Priority</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Lines</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {orders.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Anchor component={Link} to={`/orders/${encodeURIComponent(o.id)}`} fw={600}>
                    {o.externalId}
                  </Anchor>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }} title={formatInstant(o.orderedAt)}>
                  {formatShortInstant(o.orderedAt)}
                </Table.Td>
                <Table.Td>{o.customerId ?? '—'}</Table.Td>
                <Table.Td>{o.channel}</Table.Td>
                <Table.Td>{o.priority}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{stateLabel(o.status)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {o.lines.map((l) => (
                      <Text key={l.id} size="xs" span title={reasonLabel(l.statusReason)}>
                        {l.sku}×{l.quantity} <ReasonBadge reason={l.statusReason} />
                      </Text>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onMore={() => void query.fetchNextPage()} />
      <ProblemAlert error={query.error} action="Loading more orders" />
    </>
  );
}

function useLines(filters: Filters, enabled: boolean) {
  const { api } = useSession();
  return useInfiniteQuery({
    enabled,
    queryKey: ['order-lines', filters.statusReason, filters.sku],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/order-lines', {
          params: {
            query: {
              limit: PAGE,
              cursor: pageParam,
              statusReason: defined(filters.statusReason) as StatusReason | undefined,
              sku: defined(filters.sku),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function LineList({ query }: { query: ReturnType<typeof useLines> }) {
  if (query.isPending) return <Loading label="Loading lines" />;
  if (!query.data) return <FilterError error={query.error} />;
  const lines = query.data.pages.flatMap((p) => p.items);
  if (!lines.length) return <Empty>No lines match these filters.</Empty>;
  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover aria-label="Lines" className="nowrap">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th>SKU</Table.Th>
              <Table.Th>Quantity</Table.Th>
              <Table.Th>Status Reason</Table.Th>
              <Table.Th>Location</Table.Th>
              <Table.Th>Inventory Availability Date</Table.Th>
              <Table.Th>Estimated Shipment Date</Table.Th>
              <Table.Th>Launch Date</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lines.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/orders/${encodeURIComponent(l.orderId)}`} className="mono">
                    {l.orderId} #{l.lineNumber}
                  </Anchor>
                </Table.Td>
                <Table.Td>{l.sku}</Table.Td>
                <Table.Td>{l.quantity}</Table.Td>
                <Table.Td>
                  <ReasonBadge reason={l.statusReason} />
                </Table.Td>
                <Table.Td>{l.locationId ?? '—'}</Table.Td>
                <Table.Td>{formatDate(l.inventoryAvailabilityDate)}</Table.Td>
                <Table.Td>{formatDate(l.estimatedShipmentDate)}</Table.Td>
                <Table.Td>{formatDate(l.launchDate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onMore={() => void query.fetchNextPage()} />
      <ProblemAlert error={query.error} action="Loading more lines" />
    </>
  );
}
