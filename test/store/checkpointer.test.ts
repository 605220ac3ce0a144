/**
 * SQLite checkpoints from a thread (src/store/sqlite/checkpointer.ts): with it, pages committed to the WAL reach the
 * database file while the writer only appends; without it, a write below the writer's own threshold stays in the
 * WAL until the connection closes. The database file grows only when a checkpoint copies pages into it, so its size
 * shows which happened.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.ts';
import { walBackstop } from '../fixtures/databases.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-checkpointer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens a fresh file, writes about 2 MB in 20 commits (`pauseMs` apart), and answers the file's size before, then
 * once it has grown by `grownBy` bytes or `waitMs` has passed.
 */
async function writeAndWatch(name: string, checkpointInBackground: boolean, waitMs: number, pauseMs = 0, grownBy = 1_000_000) {
  const file = path.join(dir, `${name}.db`);
  const database = openDatabase({ url: file, checkpointInBackground });
  try {
    await sql`create table filler (v text not null)`.execute(database.db);
    const before = fs.statSync(file).size;
    for (let i = 0; i < 20; i++) {
      await sql`insert into filler (v) values (${'x'.repeat(100_000)})`.execute(database.db);
      if (pauseMs > 0) await sleep(pauseMs);
    }
    const deadline = Date.now() + waitMs;
    while (fs.statSync(file).size < before + grownBy && Date.now() < deadline) await sleep(25);
    const after = fs.statSync(file).size;
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(database.db);
    return { before, after, rows: Number(rows.rows[0]!.n), file, database };
  } catch (error) {
    await database.close();
    throw error;
  }
}

describe('SQLite checkpoints', () => {
  it('from the thread: committed pages reach the database file while the service runs, and nothing is lost on close', async () => {
    const r = await writeAndWatch('background', true, 10_000);
    expect(r.rows).toBe(20);
    expect(r.after).toBeGreaterThan(r.before + 1_000_000);
    await r.database.close();
    const reopened = openDatabase({ url: r.file });
    try {
      const rows = await sql<{ n: number; bytes: number }>`select count(*) as n, sum(length(v)) as bytes from filler`.execute(reopened.db);
      expect(rows.rows[0]).toEqual({ n: 20, bytes: 2_000_000 });
    } finally {
      await reopened.close();
    }
  });

  it('under light load the WAL starts over behind the thread, so it stays far below the backstop', async () => {
    // Pauses longer than the thread's interval: each new commit finds the WAL copied.
    const r = await writeAndWatch('light', true, 10_000, 150, 2_000_000);
    try {
      expect(fs.statSync(`${r.file}-wal`).size).toBeLessThan(1_000_000);
      expect(r.after).toBeGreaterThan(2_000_000);
    } finally {
      await r.database.close();
    }
  });

  it('without it (short commands), the same writes stay in the WAL until the writer passes its own threshold', async () => {
    const r = await writeAndWatch('writer', false, 500);
    try {
      expect(r.rows).toBe(20);
      expect(r.after).toBe(r.before);
      expect(fs.statSync(`${r.file}-wal`).size).toBeGreaterThan(2_000_000);
    } finally {
      await r.database.close();
    }
  });

  it("the writer's own backstop follows the writer: large for orders, smaller while bulk writes go on, back after the last", async () => {
    const file = path.join(dir, 'follows.db');
    const database = openDatabase({ url: file, checkpointInBackground: true });
    const backstop = () => walBackstop(database.db);
    try {
      const idle = await backstop();
      const first = database.bulkWrites();
      const bulk = await backstop();
      const second = database.bulkWrites();
      first();
      first(); // ending twice is ending once: the second run still writes
      expect(await backstop()).toBe(bulk);
      second();
      expect(await backstop()).toBe(idle);
      expect(bulk).toBeGreaterThan(1_000); // still far above SQLite's own 1,000 pages
      expect(bulk).toBeLessThan(idle);
    } finally {
      await database.close();
    }
    const alone = openDatabase({ url: path.join(dir, 'alone.db') });
    try {
      const end = alone.bulkWrites();
      const pages = await walBackstop(alone.db);
      end();
      expect(pages).toBe(1_000); // without the thread, SQLite's default stays
    } finally {
      await alone.close();
    }
  });
});
