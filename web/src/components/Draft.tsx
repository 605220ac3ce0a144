/**
 * A form's draft of saved values that a refetch does not overwrite. The draft starts from the saved value (its base)
 * and follows it while it has no edits. With edits it stays as typed: when the saved value comes back equal to the
 * draft (our own save), both adopt it; when it comes back different (someone saved meanwhile), `changedElsewhere`
 * says so, for <ChangedElsewhere>. Leaving a form whose draft has edits asks first (useUnsavedChanges).
 */
import { Alert, Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { differs, useUnsavedChanges } from './UnsavedChanges.tsx';

interface State<T> {
  /** The saved value of the last render: another one is a change on the server (a refetch, a save). */
  readonly seen: T;
  /** The newest saved value known: the one seen, or our own save's answer until the query shows it too. */
  readonly latest: T;
  /** The saved value the edits started from. */
  readonly base: T;
  readonly draft: T;
}

export interface Draft<T> {
  readonly draft: T;
  readonly setDraft: (draft: T) => void;
  /** The draft has edits: it differs from the saved value it started from. */
  readonly dirty: boolean;
  /** The draft has edits and the saved value changed elsewhere since they began: saving replaces that change. */
  readonly changedElsewhere: boolean;
  /** Discards the edits: the draft becomes the newest saved value. */
  readonly loadSaved: () => void;
  /** Our save of `sent` was stored as `stored`: the new base, and the draft unless it was edited after it was sent. */
  readonly onSaved: (sent: T, stored: T) => void;
}

/** The state that goes with the saved value `saved`: the same object when nothing changes. */
function reconcile<T>(state: State<T>, saved: T): State<T> {
  let next = state;
  if (differs(saved, state.seen)) {
    next = differs(state.draft, state.base) ? { ...state, seen: saved, latest: saved } : { seen: saved, latest: saved, base: saved, draft: saved };
  }
  // Edits equal to the saved value are edits no longer: our own save came back, or the same change was made elsewhere.
  if (differs(next.base, next.latest) && !differs(next.draft, next.latest)) next = { ...next, base: next.latest, draft: next.latest };
  return next;
}

/**
 * The draft of a form showing `saved` (plain data, compared by value: a new object with the same values is no
 * change). It is derived while rendering, not in an effect, so the render that shows a new saved value shows the
 * draft that goes with it: after "Save & Close" the form is clean in the render that shows the saved product.
 */
export function useDraft<T>(saved: T): Draft<T> {
  const [state, setState] = useState<State<T>>(() => ({ seen: saved, latest: saved, base: saved, draft: saved }));
  const current = reconcile(state, saved);
  // React renders again at once with the new state, before anything is shown.
  if (current !== state) setState(current);
  const dirty = differs(current.draft, current.base);
  useUnsavedChanges(dirty);
  return {
    draft: current.draft,
    setDraft: (draft) => setState((s) => ({ ...s, draft })),
    dirty,
    changedElsewhere: dirty && differs(current.latest, current.base),
    loadSaved: () => setState((s) => ({ ...s, base: s.latest, draft: s.latest })),
    // The query shows the stored value a moment later; until then `latest` holds it, so the draft does not go back.
    onSaved: (sent, stored) => setState((s) => ({ ...s, latest: stored, base: stored, draft: differs(s.draft, sent) ? s.draft : stored })),
  };
}

/** Above a form's buttons while its draft's saved value was changed elsewhere (`children` names what changed). */
export function ChangedElsewhere({ children, onLoad }: { children: ReactNode; onLoad: () => void }) {
  return (
    <Alert color="yellow" title="Changed elsewhere" role="alert">
      <Text size="sm">{children} Saving replaces those changes with the values shown here.</Text>
      <Group mt="xs">
        <Button variant="default" size="xs" onClick={onLoad}>
          Load the saved values
        </Button>
      </Group>
    </Alert>
  );
}
