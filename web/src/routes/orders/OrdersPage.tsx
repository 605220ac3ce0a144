/**
 * Orders: the order list or the line list, filtered by status reason, sku, external id and customer. The
 * filters live in the address, so Home's counts link straight to a filtered list.
 */
import { Anchor, Button, Group, NativeSelect, Paper, SegmentedControl, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useLineLabels } from '../../api/line-labels.ts';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { StatusReason } from '../../api/types.ts';
import { PageHeader, ReasonBadge } from '../../components/common.tsx';
import { STATUS_REASONS, formatInstant, formatShortInstant, reasonLabel, stateLabel } from '../../format.ts';
import { LINE_PLAN_HEADINGS, LinePlanCells } from './LinePlanCells.tsx';
import { ListTable, useListPages } from './ListTable.tsx';

const PAGE = 50;
type View = 'orders' | 'lines';

interface Filters {
  readonly statusReason: string;
  readonly sku: string;
  readonly externalId: string;
  readonly customerId: string;
}
type TextFilter = Exclude<keyof Filters, 'statusReason'>;

/** The text fields each view filters by, after the status reason both have. */
const TEXT_FILTERS: Readonly<Record<View, readonly TextFilter[]>> = { orders: ['sku', 'externalId', 'customerId'], lines: ['sku'] };
const FILTER_LABEL: Readonly<Record<TextFilter, string>> = { sku: 'SKU', externalId: 'External id', customerId: 'Customer' };
const NO_FILTERS: Filters = { statusReason: '', sku: '', externalId: '', customerId: '' };

const readFilters = (p: URLSearchParams): Filters => ({
  statusReason: p.get('statusReason') ?? '',
  sku: p.get('sku') ?? '',
  externalId: p.get('externalId') ?? '',
  customerId: p.get('customerId') ?? '',
});
const defined = (v: string) => (v === '' ? undefined : v);
// Sent as typed: an unknown reason (from a hand-edited address) comes back as a 400 shown on the field.
const reasonOf = (filters: Filters) => defined(filters.statusReason) as StatusReason | undefined;

export default function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'lines' ? 'lines' : 'orders';
  const applied = readFilters(params);
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
    const kept: readonly string[] = ['statusReason', ...TEXT_FILTERS[nextView]];
    for (const [k, v] of Object.entries(next)) if (v.trim() && kept.includes(k)) p.set(k, v.trim());
    const shown = readFilters(p);
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
          {TEXT_FILTERS[view].map((name) => (
            <FilterInput key={name} label={FILTER_LABEL[name]} name={name} draft={draft} setDraft={setDraft} error={fieldError(name)} />
          ))}
          <Group gap="xs">
            <Button type="submit">Search</Button>
            <Button variant="default" onClick={() => apply(NO_FILTERS)}>
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

function useOrders(filters: Filters, enabled: boolean) {
  const { api } = useSession();
  return useListPages(['orders', filters], enabled, (cursor) =>
    unwrap(
      api.GET('/api/orders', {
        params: {
          query: {
            limit: PAGE,
            cursor,
            statusReason: reasonOf(filters),
            sku: defined(filters.sku),
            externalId: defined(filters.externalId),
            customerId: defined(filters.customerId),
          },
        },
      }),
    ),
  );
}

function OrderList({ query }: { query: ReturnType<typeof useOrders> }) {
  return (
    <ListTable
      query={query}
      name="Orders"
      minWidth={760}
      headings={['External id', 'Ordered', 'Customer', 'Channel', 'Priority', 'Status', 'Lines']}
      cells={(o) => (
        <>
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
        </>
      )}
    />
  );
}

function useLines(filters: Filters, enabled: boolean) {
  const { api } = useSession();
  return useListPages(['order-lines', filters.statusReason, filters.sku], enabled, (cursor) =>
    unwrap(api.GET('/api/order-lines', { params: { query: { limit: PAGE, cursor, statusReason: reasonOf(filters), sku: defined(filters.sku) } } })),
  );
}

function LineList({ query }: { query: ReturnType<typeof useLines> }) {
  const names = useLineLabels((query.data?.pages ?? []).flatMap((p) => p.items.map((l) => l.id)));
  return (
    <ListTable
      query={query}
      name="Lines"
      minWidth={900}
      className="nowrap"
      headings={['Order', 'SKU', 'Quantity', 'State', ...LINE_PLAN_HEADINGS]}
      cells={(l) => (
        <>
          <Table.Td>
            <Anchor component={Link} to={`/orders/${encodeURIComponent(l.orderId)}`} className={names.has(l.id) ? undefined : 'mono'} title={l.orderId}>
              {names.get(l.id)?.externalId ?? l.orderId} #{l.lineNumber}
            </Anchor>
          </Table.Td>
          <Table.Td>{l.sku}</Table.Td>
          <Table.Td>{l.quantity}</Table.Td>
          <Table.Td>{stateLabel(l.state)}</Table.Td>
          <LinePlanCells line={l} />
        </>
      )}
    />
  );
}
