/**
 * Edits are not lost without a word. A form says whether it has unsaved changes with `useUnsavedChanges(dirty)`;
 * while one has, leaving its screen inside the console (a link, the browser's back or forward, another sku, "Sign
 * out", closing a form's dialog) first asks "Discard unsaved changes?", and closing or reloading the tab gets the
 * browser's own prompt. One guard around the screens holds the router's blocker: react-router keeps only one.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { createContext, use, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { useBlocker } from 'react-router';

interface Guard {
  /** Counts the form `id` as having changes, or no longer. */
  mark(id: string, dirty: boolean): void;
  /** Runs `leave` at once when no form has changes; otherwise once the user chose to discard them. */
  confirm(leave: () => void): void;
}

const GuardContext = createContext<Guard | null>(null);

export function UnsavedChangesGuard({ children }: { children: ReactNode }) {
  // A ref, not state: the blocker is asked during a navigation, which may come before the next render.
  const dirty = useRef(new Set<string>());
  const [anyDirty, setAnyDirty] = useState(false);
  const [pending, setPending] = useState<{ leave: () => void } | null>(null);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty.current.size > 0 && (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search));
  const asking = blocker.state === 'blocked' || pending !== null;
  const askingRef = useRef(asking);
  useLayoutEffect(() => {
    askingRef.current = asking;
  }, [asking]);

  useEffect(() => {
    if (!anyDirty) return;
    const prompt = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', prompt);
    return () => window.removeEventListener('beforeunload', prompt);
  }, [anyDirty]);

  const guard = useMemo<Guard>(
    () => ({
      mark(id, isDirty) {
        if (isDirty) dirty.current.add(id);
        else dirty.current.delete(id);
        setAnyDirty(dirty.current.size > 0);
      },
      confirm(leave) {
        if (dirty.current.size === 0) leave();
        // Escape reaches every open dialog: the form's dialog under this one must not ask a second time.
        else if (!askingRef.current) setPending({ leave });
      },
    }),
    [],
  );

  const keep = () => {
    if (blocker.state === 'blocked') blocker.reset();
    setPending(null);
  };
  const discard = () => {
    if (blocker.state === 'blocked') blocker.proceed();
    pending?.leave();
    setPending(null);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') keep();
  };

  return (
    <GuardContext value={guard}>
      {children}
      {/* Above a form's own dialog (Mantine's default is 200); Escape is handled here, see confirm(). */}
      <Modal opened={asking} onClose={keep} title="Discard unsaved changes?" centered zIndex={300} closeOnEscape={false}>
        <Stack onKeyDown={onKeyDown}>
          <Text size="sm">Your changes on this screen have not been saved. Leaving discards them.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={keep} data-autofocus>
              Keep editing
            </Button>
            <Button color="red" onClick={discard}>
              Discard
            </Button>
          </Group>
        </Stack>
      </Modal>
    </GuardContext>
  );
}

function useGuard(): Guard {
  const guard = use(GuardContext);
  if (!guard) throw new Error('useUnsavedChanges outside UnsavedChangesGuard');
  return guard;
}

/**
 * Marks the calling form as having unsaved changes while `dirty` is true (leaving then asks first); answers
 * `confirm(leave)` for the form's own ways out, such as closing its dialog.
 */
export function useUnsavedChanges(dirty: boolean): (leave: () => void) => void {
  const guard = useGuard();
  const id = useId();
  // A layout effect: marked or cleared before any effect of the same render navigates (e.g. after "Save & Close").
  useLayoutEffect(() => {
    if (!dirty) return;
    guard.mark(id, true);
    return () => guard.mark(id, false);
  }, [guard, id, dirty]);
  return guard.confirm;
}

/** `confirm(leave)` for a way out of every screen, such as "Sign out". */
export const useConfirmLeave = (): ((leave: () => void) => void) => useGuard().confirm;

/** Whether a form's values differ from the saved ones (plain data: strings, numbers, booleans, arrays, objects). */
export const differs = (values: unknown, saved: unknown): boolean => JSON.stringify(values) !== JSON.stringify(saved);
