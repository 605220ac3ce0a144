/**
 * The SQLite connection keeps its temporary files in memory (src/store/database.ts). The savepoint of each order in
 * a group commit keeps the pages it may roll back to in a sub-journal, and SQLite moves a sub-journal past 64 KiB to
 * a temporary file, which it unlinks as it opens it: the file shows only among the process's open descriptors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-temp-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Files this process holds open that were deleted and are not in `dir` (SQLite's unlinked temporary files). */
function unlinkedOpenFiles(): string[] {
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.endsWith(' (deleted)') && !target.startsWith(dir));
}

describe.skipIf(!fs.existsSync('/proc/self/fd'))('SQLite temporary files', () => {
  it('a savepoint that rewrites many pages keeps its sub-journal in memory, not in a temporary file', async () => {
    const database = openDatabase({ url: path.join(dir, 'savepoints.db'), checkpointInBackground: false });
    try {
      await sql`create table filler (id integer primary key, v text not null)`.execute(database.db);
      await sql`insert into filler (v) with recursive n(i) as (select 1 union all select i + 1 from n where i < 500) select ${'x'.repeat(1000)} from n`.execute(database.db);
      const before = unlinkedOpenFiles();
      let during: string[] = [];
      await database.transaction(async (trx) => {
        await sql`insert into filler (v) values ('first')`.execute(trx);
        await database.savepoint(trx, async () => {
          // About 500 KB of pages changed inside the savepoint: well past the 64 KiB a sub-journal keeps in memory.
          await sql`update filler set v = ${'y'.repeat(1000)}`.execute(trx);
          during = unlinkedOpenFiles();
        });
      });
      expect((await sql<{ n: number }>`select count(*) as n from filler where v = ${'y'.repeat(1000)}`.execute(database.db)).rows[0]!.n).toBe(501);
      expect(during).toEqual(before);
    } finally {
      await database.close();
    }
  });
});
