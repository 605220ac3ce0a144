import { Badge, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { reasonColor, reasonLabel } from '../format.ts';

export function PageHeader({ title, children, subtitle }: { title: string; subtitle?: ReactNode; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="md" gap="sm">
      <Stack gap={2}>
        <Title order={1} fz={{ base: 24, sm: 28 }}>
          {title}
        </Title>
        {subtitle ? (
          <Text c="dimmed" size="sm">
            {subtitle}
          </Text>
        ) : null}
      </Stack>
      {children ? <Group gap="xs">{children}</Group> : null}
    </Group>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl" aria-busy="true" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          {label}…
        </Text>
      </Group>
    </Center>
  );
}

export function ReasonBadge({ reason }: { reason: string }) {
  return (
    <Badge color={reasonColor(reason)} variant="light" radius="sm" style={{ textTransform: 'none', overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
      {reasonLabel(reason)}
    </Badge>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" size="sm" py="md">
      {children}
    </Text>
  );
}

/** "Load more" under a cursor-paginated list. */
export function LoadMore({ hasMore, loading, onMore }: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  if (!hasMore) return null;
  return (
    <Center mt="sm">
      <Button variant="default" onClick={onMore} loading={loading}>
        Load more
      </Button>
    </Center>
  );
}

export function RunStatus({ status }: { status: string }) {
  const color = status === 'succeeded' ? 'teal' : status === 'failed' ? 'red' : 'blue';
  return (
    <Badge color={color} variant="light" style={{ textTransform: 'none', overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
      {status}
    </Badge>
  );
}
