/**
 * Scratch databases for the bench: SQLite files in a scratch folder, PostgreSQL databases on the server
 * HOLDFAST_BENCH_PG_URL names. A template (a seeded world) is copied per run: SQLite by a file copy, PostgreSQL by
 * CREATE DATABASE ... TEMPLATE. Everything made here is dropped by `dropAll` (also on Ctrl-C).
 *
 * Also the two things the bench does to a database directly: bulk writes (`openWriter`, what the seeder streams
 * rows into: multi-row INSERTs on SQLite, COPY on PostgreSQL) and plain queries (`openSql`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { COLUMNS } from './world.mjs';
import { Interrupted, stopIfInterrupted } from './processes.mjs';

pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** @typedef {'sqlite' | 'postgres'} Kind */
/** @typedef {{ kind: Kind, url: string, name: string, drop: () => Promise<void> }} ScratchDb */

export class Scratch {
  /** @param {{ dir: string, pgUrl: string }} o */
  constructor(o) {
    this.dir = o.dir;
    this.pgUrl = o.pgUrl;
    this.tag = randomBytes(3).toString('hex');
    this.count = 0;
    /** @type {Set<ScratchDb>} */
    this.live = new Set();
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /**
   * A new database, empty or a copy of `template` (a closed ScratchDb).
   * @param {Kind} kind
   * @param {string} label
   * @param {ScratchDb} [template]
   * @returns {Promise<ScratchDb>}
   */
  async create(kind, label, template) {
    stopIfInterrupted();
    const n = ++this.count;
    const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
    let db;
    if (kind === 'sqlite') {
      const file = path.join(this.dir, `${safe}-${n}.db`);
      if (template) {
        fs.copyFileSync(template.url, file);
        // On disk before the service opens it: else the copy's pages are still dirty in the page cache, and the
        // service's first write waits while the kernel writes back the whole file (about half a second for 1 GB
        // here), a stall a service on a database that has been on disk never sees.
        const fd = fs.openSync(file, 'r+');
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      }
      db = { kind, url: file, name: path.basename(file), drop: async () => removeSqlite(file) };
    } else {
      const name = `hfb_${this.tag}_${n}_${safe}`;
      // A large template is copied file by file (WAL_LOG, the default, would write all of it to the WAL); a small
      // one through the WAL, which spares the checkpoint FILE_COPY needs.
      const big = template && (await this.pgMajor()) >= 15 && (await this.pgSize(template.name)) > 64 * 1024 * 1024;
      const from = template ? ` template "${template.name}"${big ? ' strategy file_copy' : ''}` : '';
      await this.admin(`create database "${name}"${from}`);
      const url = new URL(this.pgUrl);
      url.pathname = `/${name}`;
      db = { kind, url: url.toString(), name, drop: () => this.admin(`drop database if exists "${name}" with (force)`) };
    }
    const drop = db.drop;
    db.drop = async () => {
      this.live.delete(db);
      await drop();
    };
    this.live.add(db);
    // Made while dropAll ran (Ctrl-C): gone at once.
    if (this.closed) {
      await db.drop();
      throw new Interrupted();
    }
    return db;
  }

  async dropAll() {
    this.closed = true;
    for (const db of [...this.live]) await db.drop().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async pgMajor() {
    if (this.major === undefined) {
      const rows = await this.adminRows('show server_version_num');
      this.major = Math.floor(Number(rows[0].server_version_num) / 10000);
    }
    return this.major;
  }

  async pgSize(name) {
    const rows = await this.adminRows(`select pg_database_size('${name}')::bigint as size`);
    return Number(rows[0].size);
  }

  async admin(text) {
    await this.adminRows(text);
  }

  async adminRows(text) {
    const client = new pg.Client({ connectionString: this.pgUrl });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  }
}

function removeSqlite(file) {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.holders`]) fs.rmSync(f, { recursive: true, force: true });
}

/** Whether the server answers, with the reason when it does not. */
export async function pgReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- queries

/**
 * Plain queries on either database (`$1`-style parameters are turned into `?` for SQLite).
 * @param {Kind} kind
 * @param {string} url
 */
export async function openSql(kind, url) {
  if (kind === 'sqlite') {
    const db = new BetterSqlite3(url, { fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    return {
      kind,
      async all(text, params = []) {
        return db.prepare(text.replace(/\$\d+/g, '?')).all(...params);
      },
      async exec(text) {
        db.exec(text);
      },
      raw: db,
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind,
    async all(text, params = []) {
      return (await client.query(text, params)).rows;
    },
    async exec(text) {
      await client.query(text);
    },
    raw: client,
    async close() {
      await client.end();
    },
  };
}

/** One value from the first row. */
export async function scalar(sql, text, params = []) {
  const rows = await sql.all(text, params);
  return rows.length ? Object.values(rows[0])[0] : undefined;
}

// ---------------------------------------------------------------- bulk writes

/** Tables in the order their rows may be written (foreign keys point backwards). */
const WRITE_ORDER = ['products', 'schedule_entries', 'orders', 'order_lines', 'line_events', 'promised_quantities', 'stock'];
const FLUSH_ROWS = 50_000;

/**
 * Streams rows into a database in batches: `sink(table, row)` buffers and flushes every table, in foreign-key
 * order, once enough rows are waiting. `close()` flushes the rest, moves PostgreSQL's sequences past the ids it
 * wrote, and closes.
 * @param {Kind} kind
 * @param {string} url
 */
export async function openWriter(kind, url) {
  const sql = await openSql(kind, url);
  const buffers = new Map(WRITE_ORDER.map((t) => [t, []]));
  let waiting = 0;
  if (kind === 'sqlite') {
    // Rows arrive in sku-random order into tables clustered by sku: a large page cache keeps the b-trees in memory.
    sql.raw.pragma('synchronous = OFF');
    sql.raw.pragma('cache_size = -1048576');
  } else {
    // No foreign-key triggers while seeding: with the statistics of empty tables each row's check can become a scan
    // of the referenced table (a 300,000-line seed took over 20 minutes). The counts, the invariants and the doctor
    // check the whole seed afterwards.
    await sql.exec('set session_replication_role = replica');
  }

  // One prepared single-row INSERT per table: with better-sqlite3 that beats multi-row VALUES lists.
  const inserts = new Map();
  const writeSqlite = (table, rows) => {
    let insert = inserts.get(table);
    if (!insert) {
      const cols = COLUMNS[table];
      insert = sql.raw.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
      inserts.set(table, insert);
    }
    for (const row of rows) insert.run(row);
  };

  const writePg = async (table, rows) => {
    const cols = COLUMNS[table];
    const text = rows.map((r) => r.map(copyValue).join('\t')).join('\n') + '\n';
    const stream = sql.raw.query(copyStreams.from(`copy ${table} (${cols.join(', ')}) from stdin`));
    await pipeline(Readable.from([text]), stream);
  };

  const flush = async () => {
    stopIfInterrupted();
    if (kind === 'sqlite') {
      sql.raw.transaction(() => {
        for (const [table, rows] of buffers) if (rows.length) writeSqlite(table, rows);
      })();
    } else {
      for (const [table, rows] of buffers) if (rows.length) await writePg(table, rows);
    }
    for (const t of WRITE_ORDER) buffers.set(t, []);
    waiting = 0;
    // SQLite writes synchronously: give the loop a turn, so timers (the progress bar) go on during a long seed.
    await new Promise((resolve) => setImmediate(resolve));
  };

  return {
    /** The id the next line event will get. */
    async nextEventId() {
      return Number((await scalar(sql, 'select coalesce(max(id), 0) + 1 as n from line_events')) ?? 1);
    },
    sink(table, row) {
      buffers.get(table).push(row);
      if (++waiting >= FLUSH_ROWS) return flush();
      return undefined;
    },
    /** Closes without writing what is still buffered (after a failure). */
    async abort() {
      await sql.close().catch(() => undefined);
    },
    async close() {
      await flush();
      if (kind === 'postgres') {
        await sql.exec(`select setval(pg_get_serial_sequence('line_events', 'id'), greatest(1, (select coalesce(max(id), 0) from line_events)))`);
      }
      await sql.close();
    },
  };
}

/** A value in COPY's text format. */
function copyValue(v) {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Leaves a seeded template as data that has been there a while: PostgreSQL vacuumed and analyzed (visibility map
 * set, statistics current); SQLite with its WAL folded into the file, so a file copy is the whole database.
 */
export async function settle(kind, url) {
  const sql = await openSql(kind, url);
  try {
    if (kind === 'postgres') await sql.exec('vacuum analyze');
    else sql.raw.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await sql.close();
  }
}
