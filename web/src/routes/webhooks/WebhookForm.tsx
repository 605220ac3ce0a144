/**
 * Add or edit a subscription: id, url, secret (write-only), events, active, description. Leaving it with changes
 * other than by "Cancel" asks first.
 */
import { Button, Checkbox, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { WEBHOOK_EVENTS } from '../../api/types.ts';
import type { Webhook, WebhookBody } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { SwitchField } from '../../components/common.tsx';
import { differs, useUnsavedChanges } from '../../components/UnsavedChanges.tsx';

const FIELDS = ['/id', '/url', '/secret', '/events', '/active', '/description'];

export function WebhookForm({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [id, setId] = useState(webhook?.id ?? '');
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<string[]>(webhook?.events ?? ['*']);
  const [active, setActive] = useState(webhook?.active ?? true);
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [initial] = useState(() => [id, url, secret, events, active, description]);
  const confirmLeave = useUnsavedChanges(differs([id, url, secret, events, active, description], initial));
  // The dialog's close button, Escape or a click beside it ask first; "Cancel" says it.
  const close = () => confirmLeave(onClose);
  const save = useMutation({
    mutationFn: () => {
      const body: WebhookBody = { url, events, active, description: description.trim() || null };
      if (secret || !webhook) body.secret = secret;
      return unwrap(api.PUT('/api/webhooks/{id}', { params: { path: { id: id.trim() } }, body }));
    },
    onSuccess: (w) => {
      void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
      notifications.show({ color: 'teal', message: `Webhook ${w.id} saved` });
      onClose();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const all = events.includes('*');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal opened onClose={close} title={webhook ? `Edit webhook ${webhook.id}` : 'Add webhook'} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Id" description="Your name for it, e.g. warehouse-east." value={id} onChange={(e) => setId(e.currentTarget.value)} disabled={!!webhook} error={err?.at('/id')} required data-autofocus />
          <TextInput label="URL" description="http or https." value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={err?.at('/url')} required />
          <PasswordInput
            label="Secret"
            description={webhook ? 'Leave empty to keep the current secret. It is never shown again.' : '16-256 characters; signs every delivery (HMAC-SHA256). It is never shown again.'}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            error={err?.at('/secret')}
            required={!webhook}
            autoComplete="new-password"
          />
          <Checkbox.Group label="Events" value={all ? ['*'] : events} onChange={setEvents} error={err?.at('/events')}>
            <Stack gap={6} mt={6}>
              <Checkbox value="*" label="All events" onChange={(e) => setEvents(e.currentTarget.checked ? ['*'] : [])} />
              {WEBHOOK_EVENTS.map((t) => (
                <Checkbox key={t} value={t} label={t} disabled={all} />
              ))}
            </Stack>
          </Checkbox.Group>
          <SwitchField label="Active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} error={err?.at('/active')} />
          <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={err?.at('/description')} />
          {save.error && !(err && FIELDS.some((f) => err.at(f))) ? <ProblemAlert error={save.error} action="Saving the webhook" feature="webhooks" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save webhook
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
