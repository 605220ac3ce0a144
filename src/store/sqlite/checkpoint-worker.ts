/**
 * The SQLite checkpointer's thread: on a connection of its own, it copies the pages committed to the WAL into the
 * database file every few milliseconds (a passive checkpoint: it never waits for, nor blocks, the writer or a
 * reader), so the writer's commits only append to the WAL. On 'close' it checkpoints once more and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new BetterSqlite3(file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');

const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or the file went away: the next tick tries again, and the writer's own checkpoints are the backstop.
  }
};
const timer = setInterval(checkpoint, intervalMs);

parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  process.exit(0);
});
