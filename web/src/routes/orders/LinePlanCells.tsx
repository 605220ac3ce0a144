/** The columns both line tables show (the order page's and the line list): where a line stands and its dates. */
import { Table } from '@mantine/core';
import type { Line } from '../../api/types.ts';
import { ReasonBadge } from '../../components/common.tsx';
import { formatDate } from '../../format.ts';

export const LINE_PLAN_HEADINGS = ['Status Reason', 'Location', 'Inventory Availability Date', 'Estimated Shipment Date', 'Launch Date'] as const;

type PlannedLine = Pick<Line, 'statusReason' | 'locationId' | 'inventoryAvailabilityDate' | 'estimatedShipmentDate' | 'launchDate'>;

/** A line's cells under `LINE_PLAN_HEADINGS`. */
export function LinePlanCells({ line }: { line: PlannedLine }) {
  return (
    <>
      <Table.Td>
        <ReasonBadge reason={line.statusReason} />
      </Table.Td>
      <Table.Td>{line.locationId ?? '—'}</Table.Td>
      <Table.Td>{formatDate(line.inventoryAvailabilityDate)}</Table.Td>
      <Table.Td>{formatDate(line.estimatedShipmentDate)}</Table.Td>
      <Table.Td>{formatDate(line.launchDate)}</Table.Td>
    </>
  );
}
