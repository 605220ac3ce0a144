/**
 * Webhooks (admin): subscriptions to line events (add, edit, delete, "Ping") and, for the chosen one, its
 * delivery log with "Redeliver".
 */
import { Anchor, Badge, Button, Group, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { Webhook } from '../../api/types.ts';
import { Empty, Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Deliveries } from './Deliveries.tsx';
import { WebhookForm } from './WebhookForm.tsx';

export default function WebhooksPage() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const selected = params.get('id');
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const hooks = useQuery({ queryKey: ['webhooks'], queryFn: () => unwrap(api.GET('/api/webhooks', { params: { query: { limit: 500 } } })) });
  const remove = useMutation({
    mutationFn: (w: Webhook) => unwrap(api.DELETE('/api/webhooks/{id}', { params: { path: { id: w.id } } })),
    onSuccess: (_r, w) => {
      void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
      setDeleting(null);
      if (selected === w.id) setParams({});
      notifications.show({ color: 'teal', message: `Webhook ${w.id} deleted` });
    },
  });
  const [pingError, setPingError] = useState<{ id: string; error: unknown } | null>(null);
  const ping = useMutation({
    mutationFn: (w: Webhook) => unwrap(api.POST('/api/webhooks/{id}/ping', { params: { path: { id: w.id } }, body: {} })),
    onMutate: () => setPingError(null),
    onSuccess: (_r, w) => {
      void queryClient.invalidateQueries({ queryKey: ['deliveries', w.id] });
      setParams({ id: w.id });
      notifications.show({ color: 'blue', message: `Ping sent to ${w.url}` });
    },
    onError: (error, w) => setPingError({ id: w.id, error }),
  });
  const items = hooks.data?.items ?? [];

  return (
    <>
      <PageHeader title="Webhooks" subtitle="Signed POSTs of line events to your endpoints, retried until they are answered with 2xx.">
        <Button onClick={() => setEditing('new')}>Add webhook</Button>
      </PageHeader>
      {hooks.isPending ? (
        <Loading label="Loading webhooks" />
      ) : !hooks.data ? (
        <ProblemAlert error={hooks.error} action="Loading webhooks" feature="webhooks" />
      ) : !items.length ? (
        <Empty>No subscriptions yet.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label="Webhooks">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Id</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>Active</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <Table.Tr key={w.id} aria-selected={selected === w.id}>
                  <Table.Td>
                    <Anchor component="button" type="button" onClick={() => setParams({ id: w.id })} fw={600}>
                      {w.id}
                    </Anchor>
                    {w.description ? (
                      <Text size="xs" c="dimmed">
                        {w.description}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td className="mono">{w.url}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {w.events.map((e) => (
                        <Badge key={e} size="xs" variant="light" style={{ textTransform: 'none' }}>
                          {e}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{w.active ? 'Yes' : 'No'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" onClick={() => setParams({ id: w.id })} aria-label={`Deliveries of ${w.id}`}>
                        Deliveries
                      </Button>
                      <Button size="compact-sm" variant="subtle" loading={ping.isPending && ping.variables?.id === w.id} onClick={() => ping.mutate(w)} aria-label={`Ping ${w.id}`}>
                        Ping
                      </Button>
                      <Button size="compact-sm" variant="subtle" onClick={() => setEditing(w)} aria-label={`Edit ${w.id}`}>
                        Edit
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => (remove.reset(), setDeleting(w))} aria-label={`Delete ${w.id}`}>
                        Delete
                      </Button>
                    </Group>
                    {pingError?.id === w.id ? <ProblemAlert error={pingError.error} action="Ping" /> : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {selected ? (
        <Paper withBorder p="md" mt="lg" component="section" aria-labelledby="deliveries-title">
          <Title order={2} size="h4" id="deliveries-title" mb="sm">
            Deliveries of {selected}
          </Title>
          <Deliveries webhookId={selected} />
        </Paper>
      ) : null}
      {editing ? <WebhookForm webhook={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={`Delete webhook ${deleting?.id ?? ''}?`} centered>
        <Stack>
          <Text size="sm">It stops receiving events; its pending deliveries are not sent.</Text>
          <ProblemAlert error={remove.error} action="Deleting" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => deleting && remove.mutate(deleting)}>
              Yes, delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
