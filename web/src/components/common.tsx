import { Badge, Button, Center, Group, Loader, Stack, Switch, Text, Title } from '@mantine/core';
import type { SwitchProps } from '@mantine/core';
import { useId } from 'react';
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

/**
 * A switch whose accessible name is its label alone (SPEC 9's names are exact): Mantine renders a switch's
 * description and error inside its <label>, so here they sit below it and are tied to it by aria-describedby.
 */
export function SwitchField({ description, error, ...props }: Omit<SwitchProps, 'description' | 'error'> & { description?: ReactNode; error?: ReactNode }) {
  const id = useId();
  const described = [description ? `${id}-description` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <Stack gap={4}>
      <Switch {...props} id={id} error={Boolean(error)} aria-invalid={error ? true : undefined} aria-describedby={described || undefined} />
      {description ? (
        <Text id={`${id}-description`} size="xs" c="dimmed">
          {description}
        </Text>
      ) : null}
      {error ? (
        <Text id={`${id}-error`} size="xs" c="red">
          {error}
        </Text>
      ) : null}
    </Stack>
  );
}

/** What a screen that could not be loaded or shown says, with a way to try again (a reload fetches the current console). */
export function ScreenFailed({ error, retry }: { error: unknown; retry: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  const chunk = /dynamically imported module|Importing a module script failed|error loading dynamically imported/i.test(message);
  return (
    <Stack gap="sm" maw={640} role="alert">
      <Title order={1} fz={{ base: 24, sm: 28 }}>
        This screen could not be shown
      </Title>
      <Text>
        {chunk
          ? 'Its code could not be loaded: the service may be down, or it was updated since this page was opened. Reload the page to get the current console.'
          : `It failed while showing: ${message}`}
      </Text>
      <Group gap="xs">
        <Button onClick={() => window.location.reload()}>Reload</Button>
        <Button variant="default" onClick={retry}>
          Try again
        </Button>
      </Group>
    </Stack>
  );
}
