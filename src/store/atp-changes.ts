/**
 * What a write transaction changed of what ATP answers read, noted as it goes: the skus it locked (every write to a
 * sku's stock, schedule, lines or promised quantities holds its lock, database.ts) and whether it changed the
 * configuration (settings, policies, locations), which every ATP answer reads. The database takes the note when the
 * transaction commits (`takeChanges`), so that answers kept in memory (./atp-memory.ts) are forgotten here at once and
 * in the other processes by a notice.
 */
import type { Executor } from './database.ts';

/** The skus a commit changed, or `all` when it changed what every answer reads. */
export type AtpChange = { readonly all: true } | { readonly all: false; readonly skus: ReadonlySet<string> };

interface Note {
  all: boolean;
  readonly skus: Set<string>;
}

const notes = new WeakMap<Executor, Note>();

function noteOf(trx: Executor): Note {
  let note = notes.get(trx);
  if (!note) notes.set(trx, (note = { all: false, skus: new Set() }));
  return note;
}

/** Notes that `trx` writes these skus. */
export function noteSkus(trx: Executor, skus: Iterable<string>): void {
  const note = noteOf(trx);
  for (const sku of skus) note.skus.add(sku);
}

/** Notes that `trx` changes the configuration every answer reads. */
export function noteConfiguration(trx: Executor): void {
  noteOf(trx).all = true;
}

/** What `trx` noted (null for nothing), forgotten once taken. */
export function takeChanges(trx: Executor): AtpChange | null {
  const note = notes.get(trx);
  notes.delete(trx);
  if (!note) return null;
  if (note.all) return { all: true };
  return note.skus.size === 0 ? null : { all: false, skus: note.skus };
}
