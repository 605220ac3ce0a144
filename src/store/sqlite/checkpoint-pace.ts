/**
 * When the SQLite checkpointer's thread runs its next pass. Passes are spaced by an interval, except in the last
 * stretch before the writer's backstop: there the thread checkpoints again as soon as a pass copied something, so
 * that the pages not yet copied are few when the writer reaches the backstop and checkpoints by itself, or none and
 * the WAL starts over first. The writer's own checkpoint syncs every page it copies on the request thread, about
 * 3.5 ms per MiB of scattered pages on this project's bench machine (docs/performance-journal.md, "A thread that
 * hurries (SQLite)").
 */

/** What `PRAGMA wal_checkpoint(PASSIVE)` answers: pages in the WAL, and how many of them are in the database file. */
export interface CheckpointPass {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * Milliseconds until the next pass. `hurryFrom` is the WAL size in pages from which the thread hurries; `previous`
 * is the pass before `pass` (null for the first, or after a pass that failed).
 */
export function nextPassDelay(pass: CheckpointPass | null, previous: CheckpointPass | null, hurryFrom: number, intervalMs: number): number {
  if (pass === null || pass.busy !== 0 || pass.log < hurryFrom) return intervalMs;
  // Nothing new since the pass before: the writer is idle (its next commit starts the WAL over), no need to hurry.
  const progressed = previous === null || pass.log !== previous.log || pass.checkpointed !== previous.checkpointed;
  return progressed ? 0 : intervalMs;
}
