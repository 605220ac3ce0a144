import { Box, Paper, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export interface DataColumn<T> {
  readonly label: string;
  readonly value: (row: T) => ReactNode;
}

interface Props<T> {
  /** The chart's accessible name and heading. */
  readonly title: string;
  readonly description?: ReactNode;
  readonly rows: readonly T[];
  readonly columns: readonly DataColumn<T>[];
  readonly children: ReactNode;
  readonly height?: number;
}

/**
 * A chart as a figure named by its title, with its numbers as a table under "Show data": the chart for the eye,
 * the table for a screen reader, a keyboard user and a test.
 */
export function ChartFigure<T>({ title, description, rows, columns, children, height = 260 }: Props<T>) {
  const id = `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Paper withBorder p="md" radius="md" component="figure" m={0} role="figure" aria-labelledby={`${id}-title`}>
      <Title order={2} size="h4" id={`${id}-title`}>
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mb="xs">
          {description}
        </Text>
      ) : null}
      <Box h={height} aria-hidden="true">
        {children}
      </Box>
      <details>
        <summary>
          <Text span size="sm" c="dimmed">
            Show data
          </Text>
        </summary>
        <Table.ScrollContainer minWidth={320}>
          <Table striped withTableBorder fz="sm" mt="xs" data-chart-data={title}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <Table.Th key={c.label}>{c.label}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row, i) => (
                <Table.Tr key={i}>
                  {columns.map((c) => (
                    <Table.Td key={c.label}>{c.value(row)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </details>
    </Paper>
  );
}
