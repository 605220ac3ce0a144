/**
 * The settings forms: each sends what it shows as one PATCH, and shows a refused field's message on it; leaving one
 * with unsaved changes asks first, and settings saved elsewhere meanwhile do not overwrite its edits (it says so).
 */
import { Box, Button, Fieldset, Group, NativeSelect, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { paths } from '../../../../src/client/api-types.ts';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { SwitchField } from '../../components/common.tsx';
import { ChangedElsewhere, useDraft } from '../../components/Draft.tsx';
import type { Draft } from '../../components/Draft.tsx';

export type Settings = paths['/api/settings']['get']['responses'][200]['content']['application/json'];
type Patch = NonNullable<paths['/api/settings']['patch']['requestBody']>['content']['application/json'];

/**
 * A section's form: a draft of its part of the settings (`pick`) and its save, one PATCH of `toPatch(draft)`; a
 * refused field's message is `at(pointer)`, any other problem `unplaced`.
 */
function useSection<T>(settings: Settings, pick: (s: Settings) => T, toPatch: (draft: T) => Patch, fields: readonly string[]) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const form = useDraft(pick(settings));
  const save = useMutation({
    mutationFn: (patch: Patch) => unwrap(api.PATCH('/api/settings', { body: patch })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings'], saved);
      for (const key of [['audit'], ['jobs'], ['atp'], ['overview']]) void queryClient.invalidateQueries({ queryKey: key });
      notifications.show({ color: 'teal', message: 'Settings saved' });
    },
  });
  const submit = () => {
    const sent = form.draft;
    save.mutate(toPatch(sent), { onSuccess: (saved) => form.onSaved(sent, pick(saved)) });
  };
  const err = save.error instanceof ApiError ? save.error : null;
  const unplaced = save.error && !(err && fields.some((f) => err.at(f))) ? save.error : null;
  return { form, submit, saving: save.isPending, at: (pointer: string) => err?.at(pointer), unplaced };
}

interface FormProps {
  readonly title: string;
  readonly children: ReactNode;
  readonly onSubmit: () => void;
  readonly saving: boolean;
  readonly unplaced: unknown;
  /** The section's draft, for its warning that the settings were changed elsewhere. */
  readonly form: Pick<Draft<unknown>, 'changedElsewhere' | 'loadSaved'>;
}

function SettingsForm({ title, children, onSubmit, saving, unplaced, form }: FormProps) {
  const { can } = useSession();
  const editable = can('admin');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-labelledby="settings-section-title">
      <Title order={2} size="h3" id="settings-section-title" mb="md">
        {title}
      </Title>
      <fieldset disabled={!editable} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack gap="md">{children}</Stack>
      </fieldset>
      {unplaced ? <ProblemAlert error={unplaced} action="Saving settings" /> : null}
      {editable && form.changedElsewhere ? (
        <Box mt="md">
          <ChangedElsewhere onLoad={form.loadSaved}>These settings were changed elsewhere since you began editing.</ChangedElsewhere>
        </Box>
      ) : null}
      {editable ? (
        <Group mt="md">
          <Button type="submit" loading={saving}>
            Save
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed" mt="md">
          Only an admin key may change settings.
        </Text>
      )}
    </Paper>
  );
}

const intOrNaN = (v: number | string) => (typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v));

// A NumberInput answers a number, or text while its field is empty or partly typed.
const pickIndex = (s: Settings): { schedule: boolean; horizon: number | string } => ({ schedule: s.onHandChangeSchedule, horizon: s.atpHorizonDays });

export function IndexSection({ settings }: { settings: Settings }) {
  const { form, submit, saving, at, unplaced } = useSection(
    settings,
    pickIndex,
    (d) => ({ onHandChangeSchedule: d.schedule, atpHorizonDays: intOrNaN(d.horizon) }),
    ['/onHandChangeSchedule', '/atpHorizonDays'],
  );
  const { draft, setDraft } = form;
  return (
    <SettingsForm title="Index and Reservation" onSubmit={submit} saving={saving} unplaced={unplaced} form={form}>
      <Text size="sm" c="dimmed">
        Inventory settings · Feature Management & Settings
      </Text>
      <SwitchField
        label="OnHandChangeSchedule"
        description="Count the on-hand change schedule (expected receipts and issues) in available-to-promise dates. Off: only stock on hand now counts."
        checked={draft.schedule}
        onChange={(e) => setDraft({ ...draft, schedule: e.currentTarget.checked })}
        error={at('/onHandChangeSchedule')}
      />
      <NumberInput
        label="ATP horizon"
        description="Days after today that available-to-promise looks ahead (1-365)."
        value={draft.horizon}
        onChange={(v) => setDraft({ ...draft, horizon: v })}
        min={1}
        max={365}
        clampBehavior="none"
        allowDecimal={false}
        w={200}
        error={at('/atpHorizonDays')}
      />
    </SettingsForm>
  );
}

function timeZones(...current: string[]): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', ...current, ...zones])];
}

const pickGeneral = (s: Settings): { backorders: boolean; sla: number | string; timeZone: string } => ({ backorders: s.backorders, sla: s.cancellationSlaDays ?? '', timeZone: s.timeZone });

function generalPatch(d: ReturnType<typeof pickGeneral>): Patch {
  const patch: Patch = { backorders: d.backorders, timeZone: d.timeZone };
  // The SLA is set only while backorders are on; switching them off keeps the SLA for next time.
  if (d.backorders) patch.cancellationSlaDays = d.sla === '' ? null : intOrNaN(d.sla);
  return patch;
}

export function GeneralSection({ settings }: { settings: Settings }) {
  const { form, submit, saving, at, unplaced } = useSection(settings, pickGeneral, generalPatch, ['/backorders', '/cancellationSlaDays', '/timeZone']);
  const { draft, setDraft } = form;
  const zones = useMemo(() => timeZones(settings.timeZone, draft.timeZone), [settings.timeZone, draft.timeZone]);
  return (
    <SettingsForm title="General app settings" onSubmit={submit} saving={saving} unplaced={unplaced} form={form}>
      <Fieldset legend={<Title order={3} size="h5">Order handling preferences</Title>} variant="unstyled">
        <Stack gap="md">
          <SwitchField
            label="Backorders"
            description="Hold a line that cannot be filled now on Backorder Hold, with its dates, instead of canceling it as out of stock."
            checked={draft.backorders}
            onChange={(e) => setDraft({ ...draft, backorders: e.currentTarget.checked })}
            error={at('/backorders')}
          />
          {draft.backorders ? (
            <NumberInput
              label="Cancellation SLA"
              description="Days to try to fulfil a backorder; after that the line is canceled. Empty: never."
              value={draft.sla}
              onChange={(v) => setDraft({ ...draft, sla: v })}
              min={1}
              max={3650}
              clampBehavior="none"
              allowDecimal={false}
              w={200}
              error={at('/cancellationSlaDays')}
            />
          ) : null}
        </Stack>
      </Fieldset>
      <NativeSelect
        label="Time zone"
        description="Business dates (launch dates, ATP dates, today) are dates in this zone."
        value={draft.timeZone}
        onChange={(e) => setDraft({ ...draft, timeZone: e.currentTarget.value })}
        data={zones}
        w={{ base: '100%', xs: 320 }}
        error={at('/timeZone')}
      />
    </SettingsForm>
  );
}

const pickJobs = (s: Settings) => s.jobs;

export function JobsSection({ settings }: { settings: Settings }) {
  const { form, submit, saving, at, unplaced } = useSection(settings, pickJobs, (jobs) => ({ jobs }), ['/jobs']);
  const { draft: jobs, setDraft: setJobs } = form;
  const b = jobs.backorder;
  const p = jobs.preorder;
  return (
    <SettingsForm title="Job schedules" onSubmit={submit} saving={saving} unplaced={unplaced} form={form}>
      <Text size="sm" c="dimmed">
        A switched-off schedule stops only the timed runs: "Run" on Background jobs always works.
      </Text>
      <Fieldset legend="Back-Order Job">
        <Stack gap="sm">
          <SwitchField label="Back-Order Job schedule" checked={b.enabled} onChange={(e) => setJobs({ ...jobs, backorder: { ...b, enabled: e.currentTarget.checked } })} error={at('/jobs/backorder/enabled')} />
          <TextInput
            label="Back-Order Job cron"
            description="Five or six cron fields, in the service's time zone."
            value={b.cron}
            onChange={(e) => setJobs({ ...jobs, backorder: { ...b, cron: e.currentTarget.value } })}
            error={at('/jobs/backorder/cron')}
            className="mono"
            w={{ base: '100%', xs: 260 }}
          />
          <SwitchField
            label="Run when supply grows"
            description="A Back-Order Job for the skus concerned within seconds of an on-hand change, adjustment, schedule change or cancellation."
            checked={b.onSupplyChange}
            onChange={(e) => setJobs({ ...jobs, backorder: { ...b, onSupplyChange: e.currentTarget.checked } })}
            error={at('/jobs/backorder/onSupplyChange')}
          />
        </Stack>
      </Fieldset>
      <Fieldset legend="Pre-Order Job">
        <Stack gap="sm">
          <SwitchField label="Pre-Order Job schedule" checked={p.enabled} onChange={(e) => setJobs({ ...jobs, preorder: { ...p, enabled: e.currentTarget.checked } })} error={at('/jobs/preorder/enabled')} />
          <TextInput
            label="Pre-Order Job cron"
            value={p.cron}
            onChange={(e) => setJobs({ ...jobs, preorder: { ...p, cron: e.currentTarget.value } })}
            error={at('/jobs/preorder/cron')}
            className="mono"
            w={{ base: '100%', xs: 260 }}
          />
        </Stack>
      </Fieldset>
    </SettingsForm>
  );
}
