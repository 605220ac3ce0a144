/**
 * The hot statements use the indexes they were written for (issue 14: no scan of every held line per batch, per
 * intake or per ATP query). SQLite: EXPLAIN QUERY PLAN of the statements as the store runs them, on an empty and a
 * populated table alike (the statements name their index). PostgreSQL: EXPLAIN after ANALYZE of a populated table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import BetterSqlite3 from 'better-sqlite3';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, setupWorld } from '../jobs/job-helpers.ts';
import { seedBackorders } from '../jobs/seed.ts';
import { LINE_COLUMNS } from '../../src/store/dialect/line-row.ts';
import { postgresStore } from '../../src/store/dialect/postgres.ts';
import { sqliteStore } from '../../src/store/dialect/sqlite.ts';
import type { StoreDialect } from '../../src/store/dialect/store-dialect.ts';

describe.each(DATABASE_KINDS)('query plans on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, { products: {}, settings: { jobs: { backorder: { onSupplyChange: false } } } });
    await seedBackorders(t.service.database.db, { prefix: 'QP', skus: 200, linesPerSku: 30, now: Date.parse(T0), seed: 3, receiptsPerSku: 2 });
    // Promises for the plans to choose from: 200 skus x 2 locations x 10 dates.
    const db = t.service.database.db;
    const rows = [];
    for (let i = 0; i < 200; i++) for (const loc of ['EAST', 'WEST']) for (let d = 10; d < 20; d++) rows.push({ sku: `QP-${String(i).padStart(5, '0')}`, location_id: loc, date: `2028-06-${d}`, quantity: 1 });
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('promised_quantities').values(rows.slice(i, i + 500)).execute();
    if (kind === 'postgres') await sql`analyze`.execute(db);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function plan(statement: string): Promise<string> {
    const db = t.service.database.db;
    if (kind === 'sqlite') {
      const rows = await sql<{ detail: string }>`${sql.raw(`explain query plan ${statement}`)}`.execute(db);
      return rows.rows.map((r) => r.detail).join('\n');
    }
    const rows = await sql<{ 'QUERY PLAN': string }>`${sql.raw(`explain ${statement}`)}`.execute(db);
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /**
   * SQLite: the plans of the statements the store itself prepares while `call` runs (on a second, read-only
   * connection to the same file), so a statement that loses its index hint is caught, not a copy typed here.
   */
  async function storePlans(call: (store: StoreDialect) => Promise<unknown>): Promise<{ text: string; plan: string }[]> {
    const conn = new BetterSqlite3(t.service.config.databaseUrl, { readonly: true, fileMustExist: true });
    try {
      const texts: string[] = [];
      const store = sqliteStore(
        (text) => {
          texts.push(text);
          return conn.prepare(text);
        },
        (_db, read) => read(),
      );
      await call(store);
      return texts.map((text) => {
        const params = new Array((text.match(/\?/g) ?? []).length).fill(null);
        return { text, plan: (conn.prepare(`explain query plan ${text}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n') };
      });
    } finally {
      conn.close();
    }
  }

  const skuSet = kind === 'sqlite' ? `(select value from json_each('["QP-00001","QP-00002"]'))` : `(select unnest(array['QP-00001','QP-00002']))`;

  it('walks the next skus of a run through the partial index of products with held lines, in order', async () => {
    const next = `select sku from products where (held_backorder > 0 or held_preorder > 0) and sku > 'QP-00050' order by sku limit 2000`;
    if (kind === 'sqlite') {
      const plans = await storePlans((store) => store.heldSkus(t.service.database.db, { after: 'QP-00050', maxSkus: 2000, maxLines: 10_000, only: null, withStatus: null }));
      expect(plans).toHaveLength(1);
      // On this data SQLite picks the index unasked; the store names it so the choice does not hang on the data.
      expect(plans[0]!.text).toMatch(/indexed by products_held/);
      expect(plans[0]!.plan).toMatch(/products_held/);
      expect(plans[0]!.plan).not.toMatch(/TEMP B-TREE/);
      return;
    }
    // 200 products are cheaper to scan; with scans priced out, the partial index must still match the condition.
    const p = await t.service.database.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const rows = await sql<{ 'QUERY PLAN': string }>`${sql.raw(`explain ${next}`)}`.execute(trx);
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(p).toMatch(/products_held/);
  });

  it("reads a batch's held lines through the index of open lines", async () => {
    if (kind === 'sqlite') {
      const plans = await storePlans((store) => store.heldLines(t.service.database.db, ['QP-00001', 'QP-00002']));
      expect(plans).toHaveLength(1);
      expect(plans[0]!.plan).toMatch(/order_lines_open/);
      expect(plans[0]!.plan).not.toMatch(/SCAN order_lines/);
    }
    const indexed = kind === 'sqlite' ? 'indexed by order_lines_open' : '';
    const p = await plan(`select ${LINE_COLUMNS} from order_lines ${indexed} where sku in ${skuSet} and settled_reason is null and status_reason in ('PreorderHold', 'BackorderHold')`);
    expect(p).toMatch(/order_lines_open/);
    expect(p).not.toMatch(/SCAN order_lines|Seq Scan on order_lines/);
  });

  it('lists a settled status through the index of settled lines, newest first', async () => {
    const p = await plan(`select id from order_lines where settled_reason = 'CanceledByRequest' order by ordered_at desc, id desc limit 51`);
    expect(p).toMatch(/order_lines_settled/);
    expect(p).not.toMatch(/TEMP B-TREE|Sort/);
  });

  it("reads a sku's promises from the promised quantities, not from the held lines", async () => {
    const p = await plan(`select sku, location_id, date, quantity from promised_quantities where sku in ${skuSet}`);
    expect(p).toMatch(/promised_quantities_pk|PRIMARY KEY/);
    expect(p).not.toMatch(/order_lines/);
  });

  it('lists the lines of a sku newest first through (sku, ordered_at, id)', async () => {
    // At most the sku's own lines are read (PostgreSQL may sort those few rather than walk the index backwards).
    expect(await plan(`select id from order_lines where sku = 'QP-00001' order by ordered_at desc, id desc limit 51`)).toMatch(/order_lines_sku/);
  });

  it("reads an order's history through its lines' (sku, line_id) index", async () => {
    expect(await plan(`select id from line_events where sku in ('QP-00001') and line_id in ('a', 'b') order by id limit 51`)).toMatch(/line_events_line/);
  });

  it.runIf(kind === 'postgres')('answers ATP from a plan prepared once: after the first queries, PostgreSQL no longer plans each one', async () => {
    // The store's own statements on one connection, whose prepared statements pg_prepared_statements then shows.
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      const store = postgresStore(client);
      const window = { after: '2028-06-01', until: '2028-08-30' };
      for (let i = 0; i < 12; i++) {
        const sku = `QP-${String(i).padStart(5, '0')}`;
        const rows = await store.atpRows(null as never, sku, 'EAST', window, 'settings');
        expect(rows.supply.promised.length).toBe(10);
        expect(rows.supply.promised.every((p) => p.locationId === 'EAST')).toBe(true);
        await store.atpRows(null as never, sku, null, window, 'settings');
      }
      const plans = await client.query<{ name: string; generic_plans: string; custom_plans: string }>(
        `select name, generic_plans, custom_plans from pg_prepared_statements order by name`,
      );
      expect(plans.rows.map((r) => r.name)).toEqual(['holdfast_atp_rows_anywhere', 'holdfast_atp_rows_at']);
      // PostgreSQL tries five custom plans, then keeps the generic one when it is no dearer.
      for (const r of plans.rows) expect({ name: r.name, generic: Number(r.generic_plans) }).toEqual({ name: r.name, generic: 12 - Number(r.custom_plans) });
      for (const r of plans.rows) expect(Number(r.custom_plans)).toBeLessThanOrEqual(5);
    } finally {
      await client.end();
    }
  });
});
