/**
 * The settings forms: each sends what it shows as one PATCH, and shows a refused field's message on it; leaving one
 * with unsaved changes asks first.
 */
import { Button, Fieldset, Group, NativeSelect, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { paths } from '../../../../src/client/api-types.ts';
import { ApiError, unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { SwitchField } from '../../components/common.tsx';
import { differs, useUnsavedChanges } from '../../components/UnsavedChanges.tsx';

export type Settings = paths['/api/settings']['get']['responses'][200]['content']['application/json'];
type Patch = NonNullable<paths['/api/settings']['patch']['requestBody']>['content']['application/json'];

function useSave(fields: readonly string[]) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (patch: Patch) => unwrap(api.PATCH('/api/settings', { body: patch })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings'], saved);
      for (const key of [['audit'], ['jobs'], ['atp'], ['overview']]) void queryClient.invalidateQueries({ queryKey: key });
      notifications.show({ color: 'teal', message: 'Settings saved' });
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const unplaced = save.error && !(err && fields.some((f) => err.at(f))) ? save.error : null;
  return { save, at: (pointer: string) => err?.at(pointer), unplaced };
}

interface FormProps {
  readonly title: string;
  readonly children: ReactNode;
  readonly onSubmit: () => void;
  readonly saving: boolean;
  readonly unplaced: unknown;
  /** The form shows values other than the saved settings. */
  readonly dirty: boolean;
}

function SettingsForm({ title, children, onSubmit, saving, unplaced, dirty }: FormProps) {
  const { can } = useSession();
  useUnsavedChanges(dirty);
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

export function IndexSection({ settings }: { settings: Settings }) {
  const [schedule, setSchedule] = useState(settings.onHandChangeSchedule);
  const [horizon, setHorizon] = useState<number | string>(settings.atpHorizonDays);
  useEffect(() => {
    setSchedule(settings.onHandChangeSchedule);
    setHorizon(settings.atpHorizonDays);
  }, [settings]);
  const { save, at, unplaced } = useSave(['/onHandChangeSchedule', '/atpHorizonDays']);
  const dirty = differs([schedule, String(horizon)], [settings.onHandChangeSchedule, String(settings.atpHorizonDays)]);
  return (
    <SettingsForm
      title="Index and Reservation"
      onSubmit={() => save.mutate({ onHandChangeSchedule: schedule, atpHorizonDays: intOrNaN(horizon) })}
      saving={save.isPending}
      unplaced={unplaced}
      dirty={dirty}
    >
      <Text size="sm" c="dimmed">
        Inventory settings · Feature Management & Settings
      </Text>
      <SwitchField
        label="OnHandChangeSchedule"
        description="Count the on-hand change schedule (expected receipts and issues) in available-to-promise dates. Off: only stock on hand now counts."
        checked={schedule}
        onChange={(e) => setSchedule(e.currentTarget.checked)}
        error={at('/onHandChangeSchedule')}
      />
      <NumberInput
        label="ATP horizon"
        description="Days after today that available-to-promise looks ahead (1-365)."
        value={horizon}
        onChange={setHorizon}
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

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

export function GeneralSection({ settings }: { settings: Settings }) {
  const [backorders, setBackorders] = useState(settings.backorders);
  const [sla, setSla] = useState<number | string>(settings.cancellationSlaDays ?? '');
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  useEffect(() => {
    setBackorders(settings.backorders);
    setSla(settings.cancellationSlaDays ?? '');
    setTimeZone(settings.timeZone);
  }, [settings]);
  const zones = useMemo(() => timeZones(settings.timeZone), [settings.timeZone]);
  const { save, at, unplaced } = useSave(['/backorders', '/cancellationSlaDays', '/timeZone']);
  const dirty = differs([backorders, String(sla), timeZone], [settings.backorders, String(settings.cancellationSlaDays ?? ''), settings.timeZone]);
  const submit = () => {
    const patch: Patch = { backorders, timeZone };
    // The SLA is set only while backorders are on; switching them off keeps the SLA for next time.
    if (backorders) patch.cancellationSlaDays = sla === '' ? null : intOrNaN(sla);
    save.mutate(patch);
  };
  return (
    <SettingsForm title="General app settings" onSubmit={submit} saving={save.isPending} unplaced={unplaced} dirty={dirty}>
      <Fieldset legend={<Title order={3} size="h5">Order handling preferences</Title>} variant="unstyled">
        <Stack gap="md">
          <SwitchField
            label="Backorders"
            description="Hold a line that cannot be filled now on Backorder Hold, with its dates, instead of canceling it as out of stock."
            checked={backorders}
            onChange={(e) => setBackorders(e.currentTarget.checked)}
            error={at('/backorders')}
          />
          {backorders ? (
            <NumberInput
              label="Cancellation SLA"
              description="Days to try to fulfil a backorder; after that the line is canceled. Empty: never."
              value={sla}
              onChange={setSla}
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
        value={timeZone}
        onChange={(e) => setTimeZone(e.currentTarget.value)}
        data={zones}
        w={{ base: '100%', xs: 320 }}
        error={at('/timeZone')}
      />
    </SettingsForm>
  );
}

export function JobsSection({ settings }: { settings: Settings }) {
  const [jobs, setJobs] = useState(settings.jobs);
  useEffect(() => setJobs(settings.jobs), [settings]);
  const { save, at, unplaced } = useSave(['/jobs']);
  const b = jobs.backorder;
  const p = jobs.preorder;
  return (
    <SettingsForm title="Job schedules" onSubmit={() => save.mutate({ jobs })} saving={save.isPending} unplaced={unplaced} dirty={differs(jobs, settings.jobs)}>
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
