/**
 * The on-hand change schedule of a sku: entries (list, add, delete) and "Upload CSV" for entries of any skus,
 * with upload progress and, when the service refuses the file, every bad row it names.
 */
import { Alert, Button, Checkbox, FileButton, Group, NativeSelect, NumberInput, Paper, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, unwrap } from '../../api/problem.ts';
import type { FieldError } from '../../api/problem.ts';
import { progressFetch } from '../../api/progress-fetch.ts';
import { useSession } from '../../api/session.tsx';
import { Empty, LoadMore, Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useUnsavedChanges } from '../../components/UnsavedChanges.tsx';
import { counted, formatDate } from '../../format.ts';
import { useLocations, useSupplyChanged } from './hooks.ts';

type ScheduleBody = { sku: string; locationId: string; date: string; quantity: number; reference?: string | null }[];

export function SchedulesSection({ sku }: { sku: string }) {
  const { api, can } = useSession();
  const entries = useInfiniteQuery({
    queryKey: ['schedules', sku],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/inventory/schedules', { params: { query: { sku, limit: 500, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [deleteError, setDeleteError] = useState<{ id: number; error: unknown } | null>(null);
  const supply = useSupplyChanged();
  const remove = useMutation({
    mutationFn: async (id: number) => {
      const before = await supply.baseline();
      return { entry: await unwrap(api.DELETE('/api/inventory/schedules/{id}', { params: { path: { id } } })), before };
    },
    onMutate: () => setDeleteError(null),
    onSuccess: ({ entry: e, before }) => {
      supply.changed(sku, before);
      notifications.show({ color: 'teal', message: `Entry ${e.reference ?? ''} of ${e.date} deleted` });
    },
    onError: (error, id) => setDeleteError({ id, error }),
  });
  const editable = can('inventory');
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="schedule-title">
      <Title order={2} size="h4" id="schedule-title" mb={4}>
        Schedule entries
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Expected receipts (+) and issues (−) by date. They count towards ATP while OnHandChangeSchedule is on, for dates after today within the horizon.
      </Text>
      {editable ? <CsvUpload sku={sku} /> : null}
      {entries.isPending ? (
        <Loading label="Loading the schedule" />
      ) : !entries.data ? (
        <ProblemAlert error={entries.error} action="Loading the schedule" />
      ) : items.length === 0 ? (
        <Empty>No schedule entries for {sku}.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={520}>
            <Table striped aria-label="Schedule entries" className="nowrap">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Location</Table.Th>
                  <Table.Th ta="right">Quantity</Table.Th>
                  <Table.Th>Reference</Table.Th>
                  {editable ? <Table.Th>Actions</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{formatDate(e.date)}</Table.Td>
                    <Table.Td>{e.locationId}</Table.Td>
                    <Table.Td ta="right" c={e.quantity < 0 ? 'red' : 'teal'}>
                      {e.quantity > 0 ? `+${e.quantity}` : e.quantity}
                    </Table.Td>
                    <Table.Td>{e.reference ?? '—'}</Table.Td>
                    {editable ? (
                      <Table.Td>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          loading={remove.isPending && remove.variables === e.id}
                          onClick={() => remove.mutate(e.id)}
                          aria-label={`Delete entry ${e.reference ?? ''} ${e.date} at ${e.locationId}`.replace(/\s+/g, ' ')}
                        >
                          Delete
                        </Button>
                        {deleteError?.id === e.id ? <ProblemAlert error={deleteError.error} action="Deleting" /> : null}
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={entries.hasNextPage} loading={entries.isFetchingNextPage} onMore={() => void entries.fetchNextPage()} />
        </>
      )}
      {editable ? <AddEntry sku={sku} /> : null}
    </Paper>
  );
}

function AddEntry({ sku }: { sku: string }) {
  const { api } = useSession();
  const locations = useLocations();
  const [locationId, setLocationId] = useState('');
  const [date, setDate] = useState('');
  const [quantity, setQuantity] = useState<number | string>('');
  const [reference, setReference] = useState('');
  // An entry begun: adding one empties these two (the location and date stay, for the next entry).
  useUnsavedChanges(quantity !== '' || reference !== '');
  const chosenLocation = locationId || locations.data?.items[0]?.id || '';
  const supply = useSupplyChanged();
  const add = useMutation({
    mutationFn: async () => {
      const before = await supply.baseline();
      await unwrap(
        api.POST('/api/inventory/schedules', {
          body: [{ sku, locationId: chosenLocation, date, quantity: typeof quantity === 'number' ? quantity : Number.NaN, reference: reference || null }],
        }),
      );
      return before;
    },
    onSuccess: (before) => {
      supply.changed(sku, before);
      setQuantity('');
      setReference('');
      notifications.show({ color: 'teal', message: `Entry added for ${sku}` });
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const placed = ['/0/locationId', '/0/date', '/0/quantity', '/0/reference'];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Add entry">
      <Title order={3} size="h5" mt="md" mb="xs">
        Add entry
      </Title>
      <Group align="flex-start" gap="sm" wrap="wrap">
        <NativeSelect
          label="Location"
          value={chosenLocation}
          onChange={(e) => setLocationId(e.currentTarget.value)}
          data={(locations.data?.items ?? []).map((l) => ({ value: l.id, label: l.id }))}
          error={err?.at('/0/locationId')}
          w={{ base: '100%', xs: 150 }}
        />
        <TextInput type="date" label="Date" value={date} onChange={(e) => setDate(e.currentTarget.value)} error={err?.at('/0/date')} w={{ base: '100%', xs: 170 }} />
        <NumberInput label="Quantity" description="+ receipt, − issue" value={quantity} onChange={setQuantity} allowDecimal={false} error={err?.at('/0/quantity')} w={{ base: '100%', xs: 130 }} />
        <TextInput label="Reference" value={reference} onChange={(e) => setReference(e.currentTarget.value)} error={err?.at('/0/reference')} w={{ base: '100%', xs: 150 }} />
        <Button type="submit" mt={{ base: 0, xs: 25 }} loading={add.isPending}>
          Add entry
        </Button>
      </Group>
      {add.error && !(err && placed.some((p) => err.at(p))) ? <ProblemAlert error={add.error} action="Adding the entry" /> : null}
    </form>
  );
}

interface UploadResult {
  readonly file: string;
  readonly count?: number;
  readonly error?: unknown;
}

/** A bad row as the service names it: `/3/date` is row 3 of the file's records, CSV line 5. */
function describeRow(e: FieldError): { line: string; field: string; message: string } {
  const m = /^\/(\d+)(?:\/(.*))?$/.exec(e.path);
  const inText = /\(CSV line (\d+)\)/.exec(e.message);
  const line = inText?.[1] ?? (m ? String(Number(m[1]) + 2) : '—');
  return { line, field: m?.[2] ?? (e.path || 'file'), message: e.message.replace(/\s*\(CSV line \d+\)/, '') };
}

function CsvUpload({ sku }: { sku: string }) {
  const { api } = useSession();
  const supply = useSupplyChanged();
  const [replace, setReplace] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);

  async function upload(file: File | null) {
    if (!file) return;
    setResult(null);
    setProgress(0);
    try {
      const text = await file.text();
      const before = await supply.baseline();
      const answer = await unwrap(
        api.POST('/api/inventory/schedules', {
          params: { query: replace ? { mode: 'replace' } : {} },
          // The body is the file as it is (text/csv); the service checks every row, as for JSON.
          body: [] as ScheduleBody,
          bodySerializer: () => text,
          headers: { 'content-type': 'text/csv' },
          fetch: progressFetch((sent, total) => setProgress(total ? Math.round((sent / total) * 100) : 100)),
        }),
      );
      setResult({ file: file.name, count: answer.items.length });
      supply.changed(undefined, before);
      notifications.show({ color: 'teal', message: `${file.name}: ${answer.items.length} entries uploaded` });
    } catch (error) {
      setResult({ file: file.name, error });
    } finally {
      setProgress(null);
    }
  }

  const rows = result?.error instanceof ApiError ? result.error.errors.map(describeRow) : [];
  // A row may break several rules: the title counts rows, the table lists every problem.
  const badRows = new Set(rows.filter((r) => r.line !== '—').map((r) => r.line)).size;
  const verdict = badRows === rows.length ? counted(badRows, 'bad row') : badRows === 0 ? counted(rows.length, 'problem') : `${counted(badRows, 'bad row')}, ${counted(rows.length, 'problem')}`;
  return (
    <Stack gap="xs" mb="md">
      <Group gap="sm" wrap="wrap">
        <FileButton onChange={(f) => void upload(f)} accept=".csv,text/csv">
          {(props) => (
            <Button {...props} variant="light" loading={progress !== null}>
              Upload CSV
            </Button>
          )}
        </FileButton>
        <Checkbox label="Replace matching entries (same product, location and reference)" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
      </Group>
      <Text size="xs" c="dimmed">
        Header: <span className="mono">sku,locationId,date,quantity,reference</span> — any skus, not only {sku}. One bad row refuses the whole file.
      </Text>
      {progress !== null ? (
        <Stack gap={2}>
          <Text size="xs">{progress < 100 ? `Uploading… ${progress}%` : 'Uploaded; the service is checking every row…'}</Text>
          <Progress value={progress} animated={progress >= 100} aria-label="Upload progress" />
        </Stack>
      ) : null}
      {result?.count !== undefined ? (
        <Alert color="teal" role="status" title="Upload complete">
          {result.file}: {result.count} entries stored.
        </Alert>
      ) : null}
      {result?.error ? (
        rows.length ? (
          <Alert color="red" role="alert" title={`${result.file} was not imported: ${verdict}`}>
            <Table fz="sm" aria-label="Bad rows" withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>CSV line</Table.Th>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{r.line}</Table.Td>
                    <Table.Td>{r.field}</Table.Td>
                    <Table.Td>{r.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        ) : (
          <ProblemAlert error={result.error} action={`Uploading ${result.file}`} />
        )
      ) : null}
    </Stack>
  );
}

