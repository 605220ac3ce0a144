import { AppShell, Badge, Box, Burger, Button, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from './api/session.tsx';
import { useConfirmLeave } from './components/UnsavedChanges.tsx';

interface Item {
  readonly label: string;
  readonly to: string;
  /** Also active on paths under it. */
  readonly prefix?: boolean;
}

function NavItem({ item, onNavigate }: { item: Item; onNavigate: () => void }) {
  const { pathname } = useLocation();
  const active = item.to === '/' ? pathname === '/' : pathname === item.to || (item.prefix !== false && pathname.startsWith(`${item.to}/`));
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={item.label}
      active={active}
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
      variant="light"
      style={{ borderRadius: 6 }}
    />
  );
}

function NavGroup({ label, children }: { label: string; children: ReactNode }) {
  const id = `nav-group-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Box role="group" aria-labelledby={id} mt="sm">
      <Text id={id} size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={4}>
        {label}
      </Text>
      {children}
    </Box>
  );
}

/** Header with the role and "Sign out", navigation at the side (under a burger on a phone), the screen. */
export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const confirmLeave = useConfirmLeave();
  const [opened, { toggle, close }] = useDisclosure(false);
  // On a phone the closed navigation slides off screen: make it inert so Tab and screen readers skip it too.
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  const admin = session.can('admin');
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Text component={Link} to="/" fw={800} fz="lg" c="inherit" td="none" aria-label="Holdfast home">
              Holdfast
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Badge variant="outline" color="gray" visibleFrom="xs" aria-label={`Signed in as ${session.role}`}>
              {session.role}
            </Badge>
            <Button variant="default" size="xs" onClick={() => confirmLeave(session.signOut)}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main" inert={phone && !opened} style={phone && !opened ? { visibility: 'hidden' } : undefined}>
        <ScrollArea type="never">
          <Stack gap={2} component="nav" aria-label="Main navigation">
            <NavItem item={{ label: 'Home', to: '/' }} onNavigate={close} />
            <NavItem item={{ label: 'Orders', to: '/orders' }} onNavigate={close} />
            <NavItem item={{ label: 'Products', to: '/products' }} onNavigate={close} />
            <NavItem item={{ label: 'Inventory', to: '/inventory' }} onNavigate={close} />
            <NavGroup label="Monitoring">
              <NavItem item={{ label: 'Background jobs', to: '/monitoring/jobs' }} onNavigate={close} />
              {admin ? <NavItem item={{ label: 'Integrity', to: '/monitoring/integrity' }} onNavigate={close} /> : null}
            </NavGroup>
            <NavGroup label="Administration">
              <NavItem item={{ label: 'Settings', to: '/settings' }} onNavigate={close} />
              {admin ? <NavItem item={{ label: 'Webhooks', to: '/webhooks' }} onNavigate={close} /> : null}
              {admin ? <NavItem item={{ label: 'API keys', to: '/keys' }} onNavigate={close} /> : null}
            </NavGroup>
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
