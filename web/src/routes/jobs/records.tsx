/** The per-line records of a run or a dry run, each linking to its order. */
import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useLineLabels } from '../../api/line-labels.ts';
import type { RunRecord } from '../../api/types.ts';
import { ReasonBadge } from '../../components/common.tsx';
import { formatDate } from '../../format.ts';

export function RecordsTable({ records, label }: { records: readonly RunRecord[]; label: string }) {
  const names = useLineLabels(records.map((r) => r.lineId));
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped aria-label={label} fz="sm" className="nowrap">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Order</Table.Th>
            <Table.Th>Line</Table.Th>
            <Table.Th>SKU</Table.Th>
            <Table.Th>Location</Table.Th>
            <Table.Th ta="right">Quantity</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Inventory Availability Date</Table.Th>
            <Table.Th>Estimated Shipment Date</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r, i) => {
            const name = names.get(r.lineId);
            return (
              <Table.Tr key={`${r.lineId}-${i}`}>
                <Table.Td>
                  <Anchor component={Link} to={`/orders/${encodeURIComponent(r.orderId)}`} className={name ? undefined : 'mono'} title={r.orderId}>
                    {name?.externalId ?? r.orderId}
                  </Anchor>
                </Table.Td>
                <Table.Td title={r.lineId} className={name ? undefined : 'mono'}>
                  {name?.lineNumber ?? r.lineId}
                </Table.Td>
                <Table.Td>{r.sku}</Table.Td>
                <Table.Td>{r.locationId ?? '—'}</Table.Td>
                <Table.Td ta="right">{r.quantity}</Table.Td>
                <Table.Td>
                  <ReasonBadge reason={r.from} />
                </Table.Td>
                <Table.Td>{r.from === r.to ? <Text size="xs">{r.inventoryAvailabilityDate ? 're-dated' : 're-dated: no date within the horizon'}</Text> : <ReasonBadge reason={r.to} />}</Table.Td>
                <Table.Td>{formatDate(r.inventoryAvailabilityDate)}</Table.Td>
                <Table.Td>{formatDate(r.estimatedShipmentDate)}</Table.Td>
                <Table.Td>{r.error ?? ''}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
