/**
 * Inventory for one sku: stock per location with on-hand edits, the schedule of expected receipts and issues
 * (add, delete, "Upload CSV"), and the "ATP" chart with the earliest date for a quantity.
 */
import { Group, NativeSelect, Stack } from '@mantine/core';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { Empty, Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useProductChoices } from './hooks.ts';
import { StockSection } from './StockSection.tsx';
import { SchedulesSection } from './SchedulesSection.tsx';
import { AtpSection } from './AtpSection.tsx';

export default function InventoryPage() {
  const [params, setParams] = useSearchParams();
  const products = useProductChoices();
  const sku = params.get('sku') ?? '';
  const first = products.data?.items[0]?.sku;
  useEffect(() => {
    if (!sku && first) setParams({ sku: first }, { replace: true });
  }, [sku, first, setParams]);

  const items = products.data?.items ?? [];
  const known = items.some((p) => p.sku === sku);
  return (
    <>
      <PageHeader title="Inventory">
        <Group>
          <NativeSelect
            label="SKU"
            value={sku}
            onChange={(e) => setParams({ sku: e.currentTarget.value })}
            data={[...(sku && !known ? [{ value: sku, label: sku }] : []), ...items.map((p) => ({ value: p.sku, label: `${p.sku} — ${p.name}` }))]}
            w={{ base: '100%', xs: 300 }}
          />
        </Group>
      </PageHeader>
      <ProblemAlert error={products.error} action="Loading products" />
      {products.isPending ? (
        <Loading label="Loading products" />
      ) : !sku ? (
        <Empty>No products yet: add one under Products.</Empty>
      ) : (
        <Stack gap="lg">
          <StockSection sku={sku} />
          <AtpSection sku={sku} />
          <SchedulesSection sku={sku} />
        </Stack>
      )}
    </>
  );
}
