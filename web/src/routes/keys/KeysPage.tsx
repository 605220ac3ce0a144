/** API keys (admin): the list (never the keys themselves), create (the key shown once), revoke. */
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { ApiKey } from '../../api/types.ts';
import { Empty, LoadMore, Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useUnsavedChanges } from '../../components/UnsavedChanges.tsx';
import { formatInstant } from '../../format.ts';

const ROLES: ApiKey['role'][] = ['viewer', 'operator', 'integration', 'admin'];

export default function KeysPage() {
  const { api, keyId } = useSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const keys = useInfiniteQuery({
    queryKey: ['keys'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/keys', { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const revoke = useMutation({
    mutationFn: (k: ApiKey) => unwrap(api.DELETE('/api/keys/{id}', { params: { path: { id: k.id } } })),
    onSuccess: (_r, k) => {
      void queryClient.invalidateQueries({ queryKey: ['keys'] });
      setRevoking(null);
      notifications.show({ color: 'teal', message: `Key ${k.label ?? k.id} revoked` });
    },
  });
  const items = keys.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title="API keys" subtitle="Keys are stored hashed: a key is shown once, when it is created.">
        <Button onClick={() => setCreating(true)}>Create key</Button>
      </PageHeader>
      {keys.isPending ? (
        <Loading label="Loading keys" />
      ) : !keys.data ? (
        <ProblemAlert error={keys.error} action="Loading keys" feature="API key management" />
      ) : !items.length ? (
        <Empty>No keys.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped aria-label="API keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Label</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Id</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>
                      {k.label ?? '—'} {k.id === keyId ? <Badge size="xs" variant="light">this session</Badge> : null}
                    </Table.Td>
                    <Table.Td>{k.role}</Table.Td>
                    <Table.Td className="mono">{k.id}</Table.Td>
                    <Table.Td>{formatInstant(k.createdAt)}</Table.Td>
                    <Table.Td>{formatInstant(k.lastUsedAt)}</Table.Td>
                    <Table.Td>
                      <Button size="compact-sm" color="red" variant="subtle" onClick={() => (revoke.reset(), setRevoking(k))} aria-label={`Revoke key ${k.label ?? k.id}`}>
                        Revoke
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={keys.hasNextPage} loading={keys.isFetchingNextPage} onMore={() => void keys.fetchNextPage()} />
        </>
      )}
      {creating ? <CreateKey onClose={() => setCreating(false)} /> : null}
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title={`Revoke key ${revoking?.label ?? revoking?.id ?? ''}?`} centered>
        <Stack>
          <Text size="sm">Requests with this key get 401 at once. This cannot be undone.</Text>
          {revoking?.id === keyId ? (
            <Alert color="yellow" role="status">
              This is the key you are signed in with: you will be signed out.
            </Alert>
          ) : null}
          <ProblemAlert error={revoke.error} action="Revoking" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Keep it
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
              Yes, revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function CreateKey({ onClose }: { onClose: () => void }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<ApiKey['role']>('viewer');
  const [label, setLabel] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/keys', { body: { role, label: label.trim() || null } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['keys'] }),
  });
  // Until the key is created, closing the dialog with a role or label chosen asks first ("Cancel" says it).
  const confirmLeave = useUnsavedChanges(!create.data && (role !== 'viewer' || label !== ''));
  const err = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened onClose={() => confirmLeave(onClose)} title={create.data ? 'Key created' : 'Create key'} centered>
      {create.data ? (
        <Stack>
          <Alert color="yellow" role="status">
            Copy the key now: it is stored hashed and is not shown again.
          </Alert>
          <Code block data-new-key>
            {create.data.key}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={create.data.key}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy key'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <NativeSelect label="Role" value={role} onChange={(e) => setRole(e.currentTarget.value as ApiKey['role'])} data={ROLES} error={err?.at('/role')} />
            <TextInput label="Label" value={label} onChange={(e) => setLabel(e.currentTarget.value)} error={err?.at('/label')} placeholder="warehouse integration" />
            {create.error && !(err?.at('/role') || err?.at('/label')) ? <ProblemAlert error={create.error} action="Creating the key" feature="API key management" /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
