/**
 * Reads that skip Kysely's executor (src/store/direct-reads.ts): on SQLite the store's executors run them as
 * prepared statements on their connection; every other executor runs them through Kysely. Either way the rows are
 * the rows Kysely answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.ts';
import type { Database, Executor } from '../../src/store/database.ts';
import { readDirectly, selectRows } from '../../src/store/direct-reads.ts';
import { findProducts, upsertProduct } from '../../src/store/repositories/catalog.repository.ts';
import { DATABASE_KINDS, scratchDatabase } from '../fixtures/databases.ts';
import type { ScratchDatabase } from '../fixtures/databases.ts';
import { gate } from '../fixtures/gate.ts';

describe('selectRows', () => {
  const query = (rows: unknown[]) => ({
    compile: () => ({ sql: 'select * from products where sku in (?, ?)', parameters: ['A', 'B'], query: {} as never, queryId: {} as never }),
    execute: async () => rows,
  });

  it('runs the compiled statement through the prepare of a registered executor, with its parameters', async () => {
    const asked: { text: string; parameters: unknown }[] = [];
    const prepare = (text: string) => ({ all: (parameters: unknown) => (asked.push({ text, parameters }), [{ sku: 'A' }]) }) as unknown as BetterSqlite3.Statement;
    const executor = readDirectly({} as Executor, prepare);
    expect(await selectRows(executor, query([{ sku: 'through Kysely' }]))).toEqual([{ sku: 'A' }]);
    expect(asked).toEqual([{ text: 'select * from products where sku in (?, ?)', parameters: ['A', 'B'] }]);
  });

  it('runs through Kysely for an executor nobody registered', async () => {
    expect(await selectRows({} as Executor, query([{ sku: 'through Kysely' }]))).toEqual([{ sku: 'through Kysely' }]);
  });
});

describe.each(DATABASE_KINDS)('reads on %s', (kind) => {
  let scratch: ScratchDatabase;
  let database: Database;
  beforeAll(async () => {
    scratch = await scratchDatabase(kind);
    database = openDatabase({ url: scratch.url });
    await database.migrate();
    await upsertProduct(database.db, { sku: 'SKU-1', name: 'One', preorderEligible: true, launchDate: '2027-01-05', allowBackorder: false }, 1_000);
    await upsertProduct(database.db, { sku: 'SKU-2', name: 'Two', preorderEligible: false, launchDate: null, allowBackorder: true }, 2_000);
  });
  afterAll(async () => {
    await database.close();
    await scratch.drop();
  });

  it('answer in a transaction, in a read and outside both what Kysely answers', async () => {
    const viaKysely = await database.db.selectFrom('products').selectAll().where('sku', 'in', ['SKU-1', 'SKU-2', 'SKU-3']).orderBy('sku').execute();
    expect(viaKysely).toHaveLength(2);
    const read = (db: Executor) => selectRows(db, db.selectFrom('products').selectAll().where('sku', 'in', ['SKU-1', 'SKU-2', 'SKU-3']).orderBy('sku'));
    expect(await read(database.db)).toEqual(viaKysely);
    expect(await database.transaction((trx) => read(trx))).toEqual(viaKysely);
    expect(await database.read((trx) => read(trx))).toEqual(viaKysely);
    const products = await database.transaction((trx) => findProducts(trx, ['SKU-2', 'SKU-1', 'SKU-9']));
    expect([...products.keys()].sort()).toEqual(['SKU-1', 'SKU-2']);
    expect(products.get('SKU-1')).toMatchObject({ sku: 'SKU-1', preorderEligible: true, launchDate: '2027-01-05', allowBackorder: false });
  });

  it('see what the same transaction wrote before them', async () => {
    const seen = await database.transaction(async (trx) => {
      await upsertProduct(trx, { sku: 'SKU-3', name: 'Three', preorderEligible: false, launchDate: null, allowBackorder: false }, 3_000);
      return findProducts(trx, ['SKU-3']);
    });
    expect(seen.get('SKU-3')?.name).toBe('Three');
  });

  it('outside a transaction never see what an open transaction wrote', async () => {
    const held = gate();
    const written = gate();
    const open = database.transaction(async (trx) => {
      await upsertProduct(trx, { sku: 'SKU-4', name: 'Four', preorderEligible: false, launchDate: null, allowBackorder: false }, 4_000);
      written.release();
      await held.promise;
      throw new Error('rolled back');
    });
    // The read starts only once the open transaction has written.
    await written.promise;
    // On SQLite this waits for the one connection; run directly it would read inside the open transaction.
    const outside = findProducts(database.db, ['SKU-4']);
    held.release();
    await expect(open).rejects.toThrow('rolled back');
    expect((await outside).has('SKU-4')).toBe(false);
  });

  it("ATP's reads outside a transaction never see what an open transaction wrote", async () => {
    const atp = () => database.store.atpRows(database.db, 'SKU-1', null, null, 'settings');
    expect((await atp()).supply.stock).toEqual([]);
    const held = gate();
    const written = gate();
    const open = database.transaction(async (trx) => {
      await trx.insertInto('locations').values({ id: 'L1', name: 'L1', priority: 1, handling_days: 0, active: 1, created_at: 1, updated_at: 1 }).execute();
      await trx.insertInto('stock').values({ sku: 'SKU-1', location_id: 'L1', on_hand: 111, reserved: 0, updated_at: 1 }).execute();
      written.release();
      await held.promise;
      throw new Error('rolled back');
    });
    await written.promise;
    // A group commit holds its transaction open across a turn of the loop the same way (src/app/group-commit.ts).
    const outside = atp();
    held.release();
    await expect(open).rejects.toThrow('rolled back');
    expect((await outside).supply.stock).toEqual([]);
    expect((await outside).locations).toEqual([]);
  });
});
