/**
 * The checkpointer thread's pace (src/store/sqlite/checkpoint-pace.ts): passes an interval apart, back to back close
 * to the writer's backstop while passes still find new pages, and never in a loop over a WAL nobody writes. And the
 * checkpointer (src/store/sqlite/checkpointer.ts) tells its thread where to hurry from, for orders and while bulk
 * writes go on (a stand-in for the thread records what it is told).
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite/checkpointer.ts';
import type { CheckpointerStart } from '../../src/store/sqlite/checkpointer.ts';
import { nextPassDelay } from '../../src/store/sqlite/checkpoint-pace.ts';

const pass = (log: number, checkpointed = log, busy = 0) => ({ busy, log, checkpointed });
const HURRY_FROM = 1_000;
const INTERVAL = 50;

describe('checkpointer pace', () => {
  it('waits the interval while the WAL is below the hurry mark', () => {
    expect(nextPassDelay(pass(10), pass(5), HURRY_FROM, INTERVAL)).toBe(INTERVAL);
    expect(nextPassDelay(pass(999), pass(500), HURRY_FROM, INTERVAL)).toBe(INTERVAL);
  });

  it('goes again at once past the mark while the writer adds pages', () => {
    expect(nextPassDelay(pass(1_000), pass(900), HURRY_FROM, INTERVAL)).toBe(0);
    expect(nextPassDelay(pass(5_000, 4_800), pass(4_900, 4_700), HURRY_FROM, INTERVAL)).toBe(0);
    // The first pass, or the first after a failed one, has nothing to compare with: it goes again to find out.
    expect(nextPassDelay(pass(5_000), null, HURRY_FROM, INTERVAL)).toBe(0);
  });

  it('waits the interval once a pass finds nothing new (the writer is idle), so an idle WAL is not polled in a loop', () => {
    expect(nextPassDelay(pass(5_000), pass(5_000), HURRY_FROM, INTERVAL)).toBe(INTERVAL);
  });

  it('never hurries after a failed pass, or when another checkpoint held the WAL', () => {
    expect(nextPassDelay(null, pass(4_000), HURRY_FROM, INTERVAL)).toBe(INTERVAL);
    expect(nextPassDelay(pass(5_000, 4_000, 1), pass(4_000), HURRY_FROM, INTERVAL)).toBe(INTERVAL);
  });
});

describe('checkpointer wiring', () => {
  it('tells the thread where to hurry from, earlier while bulk writes go on (a smaller backstop), and again after the last ends', () => {
    const posted: unknown[] = [];
    let started: CheckpointerStart | undefined;
    const thread = Object.assign(new EventEmitter(), { unref: () => undefined, postMessage: (m: unknown) => posted.push(m) });
    const pragmas: string[] = [];
    const writer = { open: true, pragma: (text: string) => pragmas.push(text) } as unknown as Parameters<typeof startCheckpointer>[1];
    const checkpointer = startCheckpointer('unused.db', writer, (start) => {
      started = start;
      return thread as unknown as Worker;
    });
    const backstop = Number(/wal_autocheckpoint = (\d+)/.exec(pragmas.at(-1)!)![1]);
    const hurryFrom = started!.hurryFrom!;
    expect(hurryFrom).toBeGreaterThan(0);
    expect(hurryFrom).toBeLessThan(backstop);
    expect(posted.at(-1)).toEqual({ hurryFrom });

    const first = checkpointer.bulkWrites();
    const bulkBackstop = Number(/wal_autocheckpoint = (\d+)/.exec(pragmas.at(-1)!)![1]);
    const bulkHurryFrom = (posted.at(-1) as { hurryFrom: number }).hurryFrom;
    expect(bulkHurryFrom).toBeGreaterThan(0);
    expect(bulkHurryFrom).toBeLessThan(bulkBackstop);
    expect(bulkHurryFrom).toBeLessThan(hurryFrom);
    const second = checkpointer.bulkWrites();
    first();
    expect(posted.at(-1)).toEqual({ hurryFrom: bulkHurryFrom });
    second();
    expect(posted.at(-1)).toEqual({ hurryFrom });

    // A thread that died is told nothing more; the writer checkpoints alone again.
    const before = posted.length;
    thread.emit('exit', 1);
    checkpointer.bulkWrites()();
    expect(posted.length).toBe(before);
    expect(pragmas.at(-1)).toBe('wal_autocheckpoint = 1000');
  });
});
