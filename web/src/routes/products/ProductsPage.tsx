/** Products: the catalog with its preorder and backorder settings; admins add products here. */
import { Anchor, Button, Group, Modal, NativeSelect, Stack, Table, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Empty, LoadMore, Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDate } from '../../format.ts';

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

export default function ProductsPage() {
  const { api, can } = useSession();
  const [params, setParams] = useSearchParams();
  const eligible = params.get('preorderEligible');
  const filter = eligible === 'true' ? true : eligible === 'false' ? false : undefined;
  const [creating, setCreating] = useState(false);
  const products = useInfiniteQuery({
    queryKey: ['products', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/products', { params: { query: { limit: 100, cursor: pageParam, preorderEligible: filter } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Products">
        {can('admin') ? <Button onClick={() => setCreating(true)}>New product</Button> : null}
      </PageHeader>
      <Group mb="md">
        <NativeSelect
          label="Pre-order Eligible"
          value={eligible ?? ''}
          onChange={(e) => setParams(e.currentTarget.value ? { preorderEligible: e.currentTarget.value } : {})}
          data={[
            { value: '', label: 'Any' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
          w={200}
        />
      </Group>
      {products.isPending ? (
        <Loading label="Loading products" />
      ) : !products.data ? (
        <ProblemAlert error={products.error} action="Loading products" />
      ) : items.length === 0 ? (
        <Empty>No products{filter === undefined ? '' : ' match'}.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label="Products">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>SKU</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Pre-order Eligible</Table.Th>
                  <Table.Th>Launch Date</Table.Th>
                  <Table.Th>Allow backorder</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.sku}>
                    <Table.Td>
                      <Anchor component={Link} to={`/products/${encodeURIComponent(p.sku)}`} fw={600}>
                        {p.sku}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{p.name}</Table.Td>
                    <Table.Td>{yesNo(p.preorderEligible)}</Table.Td>
                    <Table.Td>{formatDate(p.launchDate)}</Table.Td>
                    <Table.Td>{yesNo(p.allowBackorder)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={products.hasNextPage} loading={products.isFetchingNextPage} onMore={() => void products.fetchNextPage()} />
          <ProblemAlert error={products.error} action="Loading more products" />
        </>
      )}
      <NewProduct opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function NewProduct({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { api } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [sku, setSku] = useState('');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: async () => {
      const existing = await api.GET('/api/products/{sku}', { params: { path: { sku } } });
      if (existing.response.ok) throw new ApiError(409, 'Already exists', `a product with sku ${sku} exists`, [{ path: '/sku', message: 'is taken by an existing product' }]);
      return unwrap(api.PUT('/api/products/{sku}', { params: { path: { sku } }, body: { name } }));
    },
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: ['products'] });
      onClose();
      void navigate(`/products/${encodeURIComponent(p.sku)}`);
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New product" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="SKU" value={sku} onChange={(e) => setSku(e.currentTarget.value.trim())} error={err?.at('/sku') ?? (err?.status === 400 && !err.errors.length ? err.detail : undefined)} required data-autofocus />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={err?.at('/name')} required />
          {create.error && !(err?.at('/sku') || err?.at('/name')) ? <ProblemAlert error={create.error} action="Creating the product" /> : null}
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
    </Modal>
  );
}
