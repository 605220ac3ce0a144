/**
 * The signed-in key: kept in sessionStorage (for this browser tab's session), checked against the service at
 * sign-in and on reload (`GET /api/session` answers the key's role), dropped at sign-out or when the service
 * answers 401 (the key was revoked), and the query cache with it.
 */
import { createContext, use, useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { makeClient } from './client.ts';
import type { ConsoleClient } from './client.ts';
import { ApiError, unwrap } from './problem.ts';
import { isRole, may } from './roles.ts';
import type { Capability, Role } from './roles.ts';

const STORAGE_KEY = 'holdfast.apiKey';

export interface Session {
  readonly keyId: string;
  readonly role: Role;
  readonly api: ConsoleClient;
  readonly can: (capability: Capability) => boolean;
  readonly signOut: () => void;
}

interface SessionState {
  readonly session: Session | null;
  /** True while a key kept from before a reload is being checked. */
  readonly restoring: boolean;
  /** Why the last session ended, when it was not the user's choice. */
  readonly ended: string | null;
  signIn(key: string): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

async function whoIs(api: ConsoleClient): Promise<{ keyId: string; role: Role }> {
  const me = await unwrap(api.GET('/api/session'));
  if (!isRole(me.role)) throw new ApiError(500, 'Unknown role', `the service answered an unknown role "${String(me.role)}"`);
  return { keyId: me.keyId, role: me.role };
}

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => readStoredKey() !== null);
  const [ended, setEnded] = useState<string | null>(null);

  const end = useCallback(
    (reason: string | null) => {
      sessionStorage.removeItem(STORAGE_KEY);
      setSession(null);
      setEnded(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  const open = useCallback(
    async (key: string) => {
      // A 401 ends a session only once the key was accepted: at sign-in it is the answer the sign-in form shows.
      let accepted = false;
      const api = makeClient(key, () => {
        if (accepted) end('The service no longer accepts this API key (it may have been revoked). Sign in again.');
      });
      const { keyId, role } = await whoIs(api);
      accepted = true;
      sessionStorage.setItem(STORAGE_KEY, key);
      setEnded(null);
      setSession({ keyId, role, api, can: (c) => may(role, c), signOut: () => end(null) });
    },
    [end],
  );

  useEffect(() => {
    const stored = readStoredKey();
    if (stored === null) return;
    open(stored)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) end('The kept API key is no longer valid. Sign in again.');
        else setEnded(error instanceof Error ? error.message : String(error));
      })
      .finally(() => setRestoring(false));
  }, [open, end]);

  const value = useMemo<SessionState>(() => ({ session, restoring, ended, signIn: open }), [session, restoring, ended, open]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSessionState(): SessionState {
  const state = use(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session; screens render only inside it. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}
