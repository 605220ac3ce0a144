/** Stock of a sku at each location (on hand, reserved, available, shortage), with on-hand edits. */
import { Button, Group, NumberInput, Paper, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useUnsavedChanges } from '../../components/UnsavedChanges.tsx';
import { formatNumber } from '../../format.ts';
import { useLocations, useSupplyChanged } from './hooks.ts';

export function StockSection({ sku }: { sku: string }) {
  const { api, can } = useSession();
  const stock = useQuery({ queryKey: ['inventory', sku], queryFn: () => unwrap(api.GET('/api/inventory/{sku}', { params: { path: { sku } } })) });
  const locations = useLocations();
  const [editing, setEditing] = useState<string | null>(null);

  const rowsById = new Map((stock.data?.locations ?? []).map((r) => [r.locationId, r]));
  // Every location shows, with zeros where the sku has no stock row yet, so on hand can be set anywhere.
  const ids = [...new Set([...(locations.data?.items ?? []).filter((l) => l.active).map((l) => l.id), ...rowsById.keys()])];
  const editable = can('inventory');

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="stock-title">
      <Title order={2} size="h4" id="stock-title" mb="xs">
        Stock
      </Title>
      {stock.isPending || locations.isPending ? (
        <Loading label="Loading stock" />
      ) : !stock.data ? (
        <ProblemAlert error={stock.error} action="Loading stock" />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Stock" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Location</Table.Th>
                <Table.Th ta="right">On hand</Table.Th>
                <Table.Th ta="right">Reserved</Table.Th>
                <Table.Th ta="right">Available</Table.Th>
                <Table.Th ta="right">Shortage</Table.Th>
                {editable ? <Table.Th>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ids.map((id) => {
                const r = rowsById.get(id) ?? { locationId: id, onHand: 0, reserved: 0, available: 0, shortage: 0 };
                return (
                  <Table.Tr key={id} data-location={id}>
                    <Table.Td>{id}</Table.Td>
                    <Table.Td ta="right">
                      {editing === id ? <OnHandEditor sku={sku} locationId={id} current={r.onHand} onDone={() => setEditing(null)} /> : formatNumber(r.onHand)}
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(r.reserved)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(r.available)}</Table.Td>
                    <Table.Td ta="right" c={r.shortage > 0 ? 'red' : undefined}>
                      {formatNumber(r.shortage)}
                    </Table.Td>
                    {editable ? (
                      <Table.Td>
                        {editing === id ? null : (
                          <Button size="compact-sm" variant="subtle" onClick={() => setEditing(id)} aria-label={`Edit on hand at ${id}`}>
                            Edit on hand
                          </Button>
                        )}
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {stock.data && !ids.length ? (
        <Text size="sm" c="dimmed">
          No locations yet.
        </Text>
      ) : null}
    </Paper>
  );
}

function OnHandEditor({ sku, locationId, current, onDone }: { sku: string; locationId: string; current: number; onDone: () => void }) {
  const { api } = useSession();
  const [value, setValue] = useState<number | string>(current);
  useUnsavedChanges(String(value) !== String(current));
  const supply = useSupplyChanged();
  const save = useMutation({
    mutationFn: async (onHand: number) => {
      const before = await supply.baseline();
      await unwrap(api.PUT('/api/inventory/on-hand', { body: [{ sku, locationId, onHand }] }));
      return before;
    },
    onSuccess: (before) => {
      supply.changed(sku, before);
      notifications.show({ color: 'teal', message: `On hand of ${sku} at ${locationId} set` });
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(typeof value === 'number' ? value : Number.NaN);
  };
  const fieldError = err ? (err.at('/0/onHand') ?? err.detail) : save.error ? String((save.error as Error).message) : undefined;
  return (
    <form onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()} noValidate>
      <Group gap={4} justify="flex-end" wrap="nowrap">
        <NumberInput
          aria-label={`On hand at ${locationId}`}
          value={value}
          onChange={setValue}
          min={0}
          allowDecimal={false}
          // A minus typed stays, and the service's refusal shows on the field: dropping it would set 5 for "-5".
          clampBehavior="none"
          w={110}
          size="xs"
          error={fieldError}
          data-autofocus
          autoFocus
        />
        <Button type="submit" size="compact-sm" loading={save.isPending}>
          Set on hand
        </Button>
        <Button size="compact-sm" variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}
