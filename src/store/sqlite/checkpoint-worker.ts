/**
 * The SQLite checkpointer's thread: on a connection of its own, it copies the pages committed to the WAL into the
 * database file every few milliseconds (a passive checkpoint: it never waits for, nor blocks, the writer or a
 * reader), so the writer's commits only append to the WAL; close to the writer's backstop it checkpoints back to back
 * (./checkpoint-pace.ts). On 'close' it checkpoints once more and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { nextPassDelay } from './checkpoint-pace.ts';
import type { CheckpointPass } from './checkpoint-pace.ts';
import type { CheckpointerStart } from './checkpointer.ts';

/** What the service's thread says: close, or from which WAL size (pages) to hurry. */
export type CheckpointerMessage = 'close' | { readonly hurryFrom: number };

const start = workerData as CheckpointerStart;
const db = new BetterSqlite3(start.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');

let hurryFrom = start.hurryFrom;
let previous: CheckpointPass | null = null;

const checkpoint = (): CheckpointPass | null => {
  try {
    return (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointPass[])[0] ?? null;
  } catch {
    // Busy or the file went away: the next tick tries again, and the writer's own checkpoints are the backstop.
    return null;
  }
};
const tick = () => {
  const pass = checkpoint();
  timer = setTimeout(tick, nextPassDelay(pass, previous, hurryFrom, start.intervalMs));
  previous = pass;
};
let timer = setTimeout(tick, start.intervalMs);

parentPort!.on('message', (message: CheckpointerMessage) => {
  if (message !== 'close') {
    hurryFrom = message.hurryFrom;
    return;
  }
  clearTimeout(timer);
  checkpoint();
  db.close();
  process.exit(0);
});
