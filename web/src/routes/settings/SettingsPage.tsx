/**
 * Settings, laid out as the article's: "Inventory settings" > "Index and Reservation" (OnHandChangeSchedule,
 * the ATP horizon), "App settings" > "General app settings" > "Order handling preferences" (Backorders and,
 * while it is on, Cancellation SLA; the time zone), the job schedules, and the audit of changes.
 */
import { Box, Grid, NavLink, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap } from '../../api/problem.ts';
import { useSession } from '../../api/session.tsx';
import { Loading, PageHeader } from '../../components/common.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import NotFoundPage from '../NotFoundPage.tsx';
import { AuditSection } from './AuditSection.tsx';
import { GeneralSection, IndexSection, JobsSection } from './sections.tsx';

const SECTIONS = {
  'index-and-reservation': 'Index and Reservation',
  general: 'General app settings',
  jobs: 'Job schedules',
  audit: 'Audit',
} as const;
type Section = keyof typeof SECTIONS;

function SubNav({ label, children }: { label: string; children: ReactNode }) {
  const id = `settings-group-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Box role="group" aria-labelledby={id} mb="sm">
      <Text id={id} size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={4}>
        {label}
      </Text>
      {children}
    </Box>
  );
}

export default function SettingsPage() {
  const { section = '' } = useParams();
  const { api } = useSession();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => unwrap(api.GET('/api/settings')) });
  if (!(section in SECTIONS)) return <NotFoundPage />;
  const current = section as Section;
  const link = (s: Section) => (
    <NavLink component={Link} to={`/settings/${s}`} label={SECTIONS[s]} active={current === s} aria-current={current === s ? 'page' : undefined} variant="light" />
  );

  return (
    <>
      <PageHeader title="Settings" />
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, sm: 4, md: 3 }}>
          <Paper withBorder p="xs" component="nav" aria-label="Settings">
            <SubNav label="Inventory settings">{link('index-and-reservation')}</SubNav>
            <SubNav label="App settings">
              {link('general')}
              {link('jobs')}
            </SubNav>
            <SubNav label="History">{link('audit')}</SubNav>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 8, md: 9 }}>
          <Stack>
            {current === 'audit' ? (
              <AuditSection />
            ) : settings.isPending ? (
              <Loading label="Loading settings" />
            ) : !settings.data ? (
              <ProblemAlert error={settings.error} action="Loading settings" />
            ) : current === 'index-and-reservation' ? (
              <IndexSection settings={settings.data} />
            ) : current === 'general' ? (
              <GeneralSection settings={settings.data} />
            ) : (
              <JobsSection settings={settings.data} />
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
