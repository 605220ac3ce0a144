/**
 * The key stamp (`Database.keysStamp`): it moves when another process may have changed API keys, so that a service
 * forgets the keys it remembers. SQLite: another connection's commit moves it, the reading connection's own does not.
 * PostgreSQL: a notice announced in a committed transaction moves it once, a rolled-back one not at all; while the
 * listening connection is lost, every reading is new, and once it is back the notices are heard again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { NOTICES_APPLICATION, openDatabase } from '../../src/store/database.ts';
import type { Database } from '../../src/store/database.ts';
import { insertApiKey } from '../../src/store/repositories/keys.repository.ts';
import { DATABASE_KINDS, scratchDatabase } from '../fixtures/databases.ts';
import type { ScratchDatabase } from '../fixtures/databases.ts';

describe.each(DATABASE_KINDS)('the key stamp on %s', (kind) => {
  let scratch: ScratchDatabase;
  let reader: Database;
  let writer: Database;
  beforeAll(async () => {
    scratch = await scratchDatabase(kind);
    reader = openDatabase({ url: scratch.url });
    await reader.migrate();
    writer = openDatabase({ url: scratch.url });
    // The writer's own notices connection says it listens with a notice every reader hears: heard before any test
    // starts, it cannot move a stamp a test is watching (nor pass for the notice a test's change sends).
    await steady(writer);
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await scratch?.drop();
  });

  /** Waits until two readings agree (PostgreSQL: the listening connection is up) and answers the reading. */
  const steady = async (db: Database = reader) => {
    let last = db.keysStamp();
    await vi.waitFor(
      () => {
        const now = db.keysStamp();
        const same = now === last;
        last = now;
        expect(same).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    return last;
  };

  let n = 0;
  /** A key stored through `db`, announced as the use cases do. */
  const storeKey = (db: Database, rollBack = false) =>
    db.transaction(async (trx) => {
      n++;
      await insertApiKey(trx, { id: `key_stamp_${n}`, role: 'viewer', label: null, createdAt: 0, hash: `hash-${n}` });
      await db.store.announceKeysChanged(trx);
      if (rollBack) throw new Error('rolled back');
    });
  const announce = (rollBack = false) => storeKey(writer, rollBack);

  it('stays put while nothing changes, and moves when another connection commits a key change', async () => {
    const before = await steady();
    expect(reader.keysStamp()).toBe(before);
    await announce();
    await vi.waitFor(() => expect(reader.keysStamp()).not.toBe(before), { timeout: 2_000, interval: 2 });
  });

  it("does not move for the reading connection's own commits (SQLite) or for a rolled-back change (PostgreSQL)", async () => {
    const before = await steady();
    if (kind === 'sqlite') {
      await storeKey(reader);
    } else {
      await expect(announce(true)).rejects.toThrow('rolled back');
      // A committed notice after it is heard: had the rolled-back one been sent, it would arrive before this one.
      await announce();
      await vi.waitFor(() => expect(reader.keysStamp()).not.toBe(before), { timeout: 2_000, interval: 2 });
      expect(reader.keysStamp()).toBe(before + 1);
      return;
    }
    expect(reader.keysStamp()).toBe(before);
  });

  it.runIf(kind === 'postgres')('answers a new reading each time while its connection is lost, and hears notices once it is back', async () => {
    await steady();
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    try {
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1', [NOTICES_APPLICATION]);
      // The reader's, and the writer's: a process that writes listens too, from its first write transaction on.
      expect(killed.rowCount).toBe(2);
    } finally {
      await admin.end();
    }
    await vi.waitFor(() => expect(reader.keysStamp()).not.toBe(reader.keysStamp()), { timeout: 2_000, interval: 5 });
    const back = await steady();
    await announce();
    await vi.waitFor(() => expect(reader.keysStamp()).toBe(back + 1), { timeout: 2_000, interval: 2 });
  });
});
