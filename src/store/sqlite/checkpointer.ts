/**
 * SQLite's checkpoints off the request thread. In WAL mode a commit appends its pages to the WAL, and by default
 * the commit that takes the WAL past 1,000 pages also copies them into the database file and syncs it, on the
 * thread that committed: in a job run over 1,000,000 held lines that was about a third of the request thread's
 * time. A service instead checkpoints from a thread of its own (./checkpoint-worker.ts), and its writer connection
 * checkpoints by itself only past a far larger WAL, as a backstop should that thread fall behind or stop.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { moduleWorker, stopModuleWorker } from '../module-worker.ts';

/** How often the thread checkpoints. */
const INTERVAL_MS = 50;
/** The writer's own checkpoints start past this many WAL pages (4 KiB each): 64 MiB. */
const BACKSTOP_PAGES = 16_384;

export interface Checkpointer {
  close(): Promise<void>;
}

/** Starts checkpointing `file` from a thread; `writer` is the service's connection to it. */
export function startCheckpointer(file: string, writer: BetterSqlite3.Database): Checkpointer {
  let worker: Worker;
  try {
    worker = moduleWorker(import.meta.url, 'checkpoint-worker', { file, intervalMs: INTERVAL_MS });
  } catch {
    return { close: async () => undefined }; // no thread: the writer keeps checkpointing as it always did
  }
  worker.unref();
  writer.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  // A thread that dies hands checkpointing back to the writer.
  const restore = () => {
    if (writer.open) writer.pragma('wal_autocheckpoint = 1000');
  };
  worker.once('error', restore);
  worker.once('exit', restore);
  return { close: () => stopModuleWorker(worker) };
}
