/**
 * A product: "Pre-order Eligible" (Yes/No), "Launch Date", "Allow backorder", with "Save" and "Save & Close".
 * A field the service refuses shows its message on that field. Only admins may change a product. Leaving with
 * unsaved changes asks first; a change saved elsewhere meanwhile does not overwrite the edits, and the form says so.
 */
import { Anchor, Button, Group, NativeSelect, Paper, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import type { Product } from '../../api/types.ts';
import { Loading, PageHeader, SwitchField } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ChangedElsewhere, useDraft } from '../../components/Draft.tsx';

interface Draft {
  name: string;
  preorderEligible: boolean;
  launchDate: string;
  allowBackorder: boolean;
}

const FIELDS = ['/name', '/preorderEligible', '/launchDate', '/allowBackorder'];

const toDraft = (p: Product): Draft => ({ name: p.name, preorderEligible: p.preorderEligible, launchDate: p.launchDate ?? '', allowBackorder: p.allowBackorder });

export default function ProductPage() {
  const { sku = '' } = useParams();
  const { api } = useSession();
  const product = useQuery({ queryKey: ['product', sku], queryFn: () => unwrap(api.GET('/api/products/{sku}', { params: { path: { sku } } })) });
  if (product.isPending) return <Loading label="Loading the product" />;
  if (!product.data) return <ProblemAlert error={product.error} action="Loading the product" />;
  // One form per sku: another product's values are not a change made elsewhere.
  return <ProductForm key={sku} sku={sku} product={product.data} />;
}

function ProductForm({ sku, product }: { sku: string; product: Product }) {
  const { api, can } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useDraft(toDraft(product));
  const { draft, setDraft, dirty } = form;
  // "Save & Close" leaves once the draft is the saved product: a field changed while saving keeps the form open.
  const [closing, setClosing] = useState(false);
  useEffect(() => {
    if (closing && !dirty) void navigate('/products');
  }, [closing, dirty, navigate]);

  const save = useMutation({
    mutationFn: ({ draft: d }: { draft: Draft; close: boolean }) =>
      unwrap(
        api.PATCH('/api/products/{sku}', {
          params: { path: { sku } },
          body: { name: d.name, preorderEligible: d.preorderEligible, launchDate: d.launchDate || null, allowBackorder: d.allowBackorder },
        }),
      ),
    onSuccess: (saved, { draft: sent, close }) => {
      form.onSaved(sent, toDraft(saved));
      queryClient.setQueryData(['product', sku], saved);
      void queryClient.invalidateQueries({ queryKey: ['products'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
      notifications.show({ color: 'teal', message: `${saved.sku} saved` });
      if (close) setClosing(true);
    },
  });

  const editable = can('admin');
  const err = save.error instanceof ApiError ? save.error : null;
  const unplaced = err && !FIELDS.some((f) => err.at(f)) ? save.error : err ? null : save.error;
  const submit = (close: boolean) => (e?: FormEvent) => {
    e?.preventDefault();
    setClosing(false);
    save.mutate({ draft, close });
  };

  return (
    <>
      <Text size="sm" mb={4}>
        <Anchor component={Link} to="/products">
          Products
        </Anchor>
      </Text>
      <PageHeader title={product.name} subtitle={<span className="mono">{product.sku}</span>} />
      <Paper withBorder p="md" maw={560} component="form" onSubmit={submit(false)} noValidate aria-label="Product">
        <Stack>
          <TextInput label="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={err?.at('/name')} disabled={!editable} />
          <NativeSelect
            label="Pre-order Eligible"
            description="A preorder-eligible product's orders wait on Preorder Hold until its launch date."
            value={draft.preorderEligible ? 'Yes' : 'No'}
            onChange={(e) => setDraft({ ...draft, preorderEligible: e.currentTarget.value === 'Yes' })}
            data={['Yes', 'No']}
            error={err?.at('/preorderEligible')}
            disabled={!editable}
          />
          <TextInput
            type="date"
            label="Launch Date"
            description="The date the product is released (business time zone)."
            value={draft.launchDate}
            onChange={(e) => setDraft({ ...draft, launchDate: e.currentTarget.value })}
            error={err?.at('/launchDate')}
            disabled={!editable}
          />
          <SwitchField
            label="Allow backorder"
            description="When off, an order this product cannot fill now is canceled as out of stock instead of held."
            checked={draft.allowBackorder}
            onChange={(e) => setDraft({ ...draft, allowBackorder: e.currentTarget.checked })}
            error={err?.at('/allowBackorder')}
            disabled={!editable}
          />
          {unplaced ? <ProblemAlert error={unplaced} action="Saving" /> : null}
          {editable && form.changedElsewhere ? <ChangedElsewhere onLoad={form.loadSaved}>This product was changed elsewhere since you began editing.</ChangedElsewhere> : null}
          {editable ? (
            <Group>
              <Button type="submit" loading={save.isPending && !save.variables?.close}>
                Save
              </Button>
              <Button variant="light" onClick={() => submit(true)()} loading={save.isPending && save.variables?.close}>
                Save & Close
              </Button>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              Only an admin key may change a product.
            </Text>
          )}
        </Stack>
      </Paper>
    </>
  );
}
