import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, messageOf } from '../../api/problem.ts';
import { useSessionState } from '../../api/session.tsx';

/** "API key" and "Sign in": the key is checked by the service before the console opens. */
export function SignInPage() {
  const { signIn, ended } = useSessionState();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(trimmed);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? 'The service does not know this key (401). Check it, or make one with: npx holdfast keys create --role viewer'
          : messageOf(e),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">
                Holdfast
              </Title>
              <Text c="dimmed" size="sm">
                Backorders, preorders and available-to-promise dates. Sign in with an API key; it is kept for this browser
                tab only.
              </Text>
            </div>
            {ended ? (
              <Alert color="yellow" role="status">
                {ended}
              </Alert>
            ) : null}
            <PasswordInput
              label="API key"
              autoComplete="off"
              spellCheck={false}
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
              error={error}
              aria-invalid={error !== null}
              data-autofocus
              autoFocus
            />
            <Button type="submit" loading={busy} fullWidth>
              Sign in
            </Button>
            <Text size="xs" c="dimmed">
              The demo (<code>npm start</code>) prints an admin key; <code>npx holdfast keys create --role viewer</code> makes
              others.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
