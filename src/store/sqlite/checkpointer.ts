/**
 * SQLite's checkpoints off the request thread. In WAL mode a commit appends its pages to the WAL, and by default
 * the commit that takes the WAL past 1,000 pages also copies them into the database file and syncs it, on the
 * thread that committed: in a job run over 1,000,000 held lines that was about a third of the request thread's
 * time. A service instead checkpoints from a thread of its own (./checkpoint-worker.ts), and its writer connection
 * checkpoints by itself only past a far larger WAL, as a backstop should that thread fall behind or stop.
 *
 * Under steady intake the thread stays behind the writer (10-25 MiB at 2,000 orders/s here, since each pass syncs
 * the pages it copied), so the WAL starts over only at the backstop, after the writer's own checkpoint: it copies and
 * syncs what the thread had not, a stall of the request thread of 70-130 ms. So in the last 128 MiB before the
 * backstop the thread checkpoints back to back (./checkpoint-pace.ts): the writer then finds a few MiB left or none,
 * and the stall shrinks to about 20 ms (docs/performance-journal.md, "A thread that hurries (SQLite)"). How large the
 * backstop should be depends on who writes (docs/performance-journal.md, "A backstop that follows the writer"):
 * orders want it large (fewer stalls), a job run wants it smaller (a run fills any backstop, and its many reads
 * search the whole WAL's index).
 *
 * The WAL file keeps the largest size it reached (it is reused from its start, not cut back), so sustained intake
 * leaves up to about 1 GiB of it on disk beside the database; light load never grows it, since the thread catches
 * up between commits and the WAL starts over at the next one.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { moduleWorker, stopModuleWorker } from '../module-worker.ts';
import type { CheckpointerMessage } from './checkpoint-worker.ts';

/** How often the thread checkpoints. */
const INTERVAL_MS = 50;
/**
 * The writer's own checkpoints start past this many WAL pages (4 KiB each): 1 GiB. At 2,500 orders/s (about 66 KiB
 * of WAL each) that is one stall every 6-7 s; at 256 MiB it was one every 1.5 s, and intake's p99 was 37 ms, not 15.
 */
const BACKSTOP_PAGES = 262_144;
/** The same while bulk writes (a job run) go on: 64 MiB. */
const BULK_BACKSTOP_PAGES = 16_384;
/**
 * The thread checkpoints back to back once the WAL is this close to the backstop (128 MiB: at 2,000 orders/s, the
 * last second before it); during bulk writes, past half their backstop.
 */
const HURRY_MARGIN_PAGES = 32_768;
/** SQLite's default, for a writer left to checkpoint alone. */
const DEFAULT_AUTOCHECKPOINT = 1_000;

export interface Checkpointer {
  /** Tells the checkpointer bulk writes go on until the returned function is called (calls may overlap). */
  bulkWrites(): () => void;
  close(): Promise<void>;
}

/** What the thread starts with (./checkpoint-worker.ts). */
export interface CheckpointerStart {
  readonly file: string;
  readonly intervalMs: number;
  readonly hurryFrom: number;
}

const checkpointThread = (start: CheckpointerStart): Worker => moduleWorker(import.meta.url, 'checkpoint-worker', start);

/**
 * Starts checkpointing `file` from a thread; `writer` is the service's connection to it. `startThread` starts the
 * thread (tests pass a stand-in).
 */
export function startCheckpointer(file: string, writer: BetterSqlite3.Database, startThread = checkpointThread): Checkpointer {
  let worker: Worker;
  const hurryFrom = (bulk: number): number => (bulk > 0 ? BULK_BACKSTOP_PAGES / 2 : BACKSTOP_PAGES - HURRY_MARGIN_PAGES);
  try {
    worker = startThread({ file, intervalMs: INTERVAL_MS, hurryFrom: hurryFrom(0) });
  } catch {
    // No thread: the writer keeps checkpointing as it always did.
    return { bulkWrites: () => () => undefined, close: async () => undefined };
  }
  worker.unref();
  let alive = true;
  let bulk = 0;
  const backstop = () => {
    if (!writer.open) return;
    const pages = !alive ? DEFAULT_AUTOCHECKPOINT : bulk > 0 ? BULK_BACKSTOP_PAGES : BACKSTOP_PAGES;
    try {
      writer.pragma(`wal_autocheckpoint = ${pages}`);
    } catch {
      // The connection is busy (a statement still iterating): the backstop stays as it was, which is only slower.
    }
    if (alive) worker.postMessage({ hurryFrom: hurryFrom(bulk) } satisfies CheckpointerMessage);
  };
  backstop();
  // A thread that dies hands checkpointing back to the writer.
  const restore = () => {
    alive = false;
    backstop();
  };
  worker.once('error', restore);
  worker.once('exit', restore);
  return {
    bulkWrites() {
      if (bulk++ === 0) backstop();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        if (--bulk === 0) backstop();
      };
    },
    close: () => stopModuleWorker(worker),
  };
}
