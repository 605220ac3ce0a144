/**
 * The "ATP" chart of a sku at one location over the horizon (supply, promised demand, projected, ATP), and the
 * earliest date for a quantity at every location.
 */
import { Group, NumberInput, Paper, SegmentedControl, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { AtpChart } from '../../charts/index.ts';
import { ChartFigure } from '../../components/ChartFigure.tsx';
import { Loading } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDate } from '../../format.ts';
import { useLocations } from './hooks.ts';

const isQuantity = (v: number | string): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

export function AtpSection({ sku }: { sku: string }) {
  const { api } = useSession();
  const locations = useLocations();
  const [quantityInput, setQuantityInput] = useState<number | string>(1);
  const valid = isQuantity(quantityInput);
  // While the field holds no valid quantity, the answers shown stay those of the last one it held.
  const [quantity, setQuantity] = useState(1);
  const onQuantity = (v: number | string) => {
    setQuantityInput(v);
    if (isQuantity(v)) setQuantity(v);
  };
  const active = (locations.data?.items ?? []).filter((l) => l.active);
  const [chosen, setChosen] = useState<string | null>(null);
  const shown = active.find((l) => l.id === chosen)?.id ?? active[0]?.id ?? null;

  // Every location at once (earliest anywhere and per location), then the chosen location's table for the chart.
  const summary = useQuery({
    queryKey: ['atp', sku, '*', quantity],
    queryFn: () => unwrap(api.GET('/api/atp', { params: { query: { sku, quantity } } })),
  });
  const current = useQuery({
    queryKey: ['atp', sku, shown, quantity],
    enabled: shown !== null,
    queryFn: () => unwrap(api.GET('/api/atp', { params: { query: { sku, locationId: shown!, quantity } } })),
  });
  const bySummary = new Map((summary.data?.locations ?? []).map((l) => [l.locationId, l]));
  const best = summary.data?.earliestDate ? { date: summary.data.earliestDate, locationId: summary.data.locationId } : null;
  const quantityError = valid ? undefined : 'Enter a whole number of at least 1';

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="atp-title">
      <Title order={2} size="h4" id="atp-title" mb="xs">
        Available to promise
      </Title>
      {locations.isPending ? (
        <Loading label="Loading locations" />
      ) : !active.length ? (
        <ProblemAlert error={locations.error} action="Loading locations" />
      ) : (
        <Stack gap="sm">
          <Group align="flex-end" gap="md" wrap="wrap">
            <NumberInput label="Quantity" value={quantityInput} onChange={onQuantity} min={1} allowDecimal={false} allowNegative={false} w={120} error={quantityError} />
            <SegmentedControl aria-label="Location" value={shown ?? ''} onChange={setChosen} data={active.map((l) => ({ value: l.id, label: l.id }))} />
          </Group>
          <Text size="sm" data-earliest>
            {!valid
              ? `Enter a quantity to see its earliest date (below: for ${quantity}).`
              : summary.isPending
              ? 'Computing the earliest date…'
              : !summary.data
                ? 'The earliest date could not be computed.'
                : best
                  ? `Earliest date for ${quantity}: ${formatDate(best.date)} at ${best.locationId}.`
                  : `No location can promise ${quantity} within the horizon.`}
          </Text>
          <ProblemAlert error={summary.error ?? current.error} action="Computing ATP" />
          <Table.ScrollContainer minWidth={320}>
            <Table withTableBorder fz="sm" aria-label="Earliest date by location">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Location</Table.Th>
                  <Table.Th ta="right">Available now</Table.Th>
                  <Table.Th>Earliest date for {quantity}</Table.Th>
                  <Table.Th>Estimated shipment</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {active.map((l) => {
                  const a = bySummary.get(l.id);
                  const date = a?.earliestDate ?? null;
                  const ships = date ? new Date(Date.parse(`${date}T00:00:00Z`) + l.handlingDays * 86_400_000).toISOString().slice(0, 10) : null;
                  return (
                    <Table.Tr key={l.id}>
                      <Table.Td>
                        {l.id} <Text span size="xs" c="dimmed">{l.name}</Text>
                      </Table.Td>
                      <Table.Td ta="right">{a ? a.available : '…'}</Table.Td>
                      <Table.Td>{!a ? '…' : date ? formatDate(date) : 'not within the horizon'}</Table.Td>
                      <Table.Td>{ships ? formatDate(ships) : '—'}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <ChartFigure
            title="ATP"
            description={
              current?.data
                ? `${sku} at ${shown}, ${(current.data.days ?? []).length} days from ${formatDate(current.data.today)}: supply up from zero and promised demand down from it, projected (dashed) and ATP (the wide step). The grey dashed line is the quantity.`
                : `${sku} at ${shown ?? '—'}`
            }
            rows={current?.data?.days ?? []}
            columns={[
              { label: 'Date', value: (d) => d.date },
              { label: 'Supply', value: (d) => d.supply },
              { label: 'Promised demand', value: (d) => d.demand },
              { label: 'Projected', value: (d) => d.projected },
              { label: 'ATP', value: (d) => d.atp },
            ]}
            height={300}
          >
            {current?.data ? (
              <Suspense fallback={<Skeleton h="100%" />}>
                <AtpChart days={current.data.days ?? []} quantity={quantity} />
              </Suspense>
            ) : (
              <Skeleton h="100%" />
            )}
          </ChartFigure>
        </Stack>
      )}
    </Paper>
  );
}
