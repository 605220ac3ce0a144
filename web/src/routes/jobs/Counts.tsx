import { Paper, Text } from '@mantine/core';

interface RunCounts {
  readonly processed: number;
  readonly movedToFulfillment: number;
  readonly movedToBackorder: number;
  readonly stillOnHold: number;
  readonly canceled: number;
  readonly failedRecords: number;
}

const LABELS: [keyof RunCounts, string][] = [
  ['processed', 'Processed'],
  ['movedToFulfillment', 'Moved to fulfillment'],
  ['movedToBackorder', 'Moved to backorder'],
  ['stillOnHold', 'Still on hold'],
  ['canceled', 'Canceled'],
  ['failedRecords', 'Failed'],
];

/** A run's six counts as tiles. */
export function Counts({ run }: { run: RunCounts }) {
  return (
    <>
      {LABELS.map(([key, label]) => (
        <Paper key={key} withBorder p="xs" data-count={key}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text fw={700} fz="lg">
            {run[key]}
          </Text>
        </Paper>
      ))}
    </>
  );
}
