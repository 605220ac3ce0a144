/**
 * The database handle: Kysely over better-sqlite3 (a file, the default) or PostgreSQL, with the same schema.
 *
 * Write transactions serialize per sku: on PostgreSQL by locking the skus' product rows in sku order, on
 * SQLite by `BEGIN IMMEDIATE` (one writer at a time). Stock changes are guarded relative updates on top of
 * that, so a lost race shows up as a failed guard and the transaction is retried, never as an oversell.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, sql } from 'kysely';
import type { DatabaseConnection, Transaction } from 'kysely';
import type { DB } from './tables/index.ts';
import { migrationProvider } from './migrations/index.ts';
import type { SqlDialect } from './migrations/dialect-types.ts';
import { RetryableConflict } from './errors.ts';
import type { StoreDialect } from './dialect/store-dialect.ts';
import { sqliteStore } from './dialect/sqlite.ts';
import { atpSupplies, postgresStore } from './dialect/postgres.ts';
import { Notices } from './notices.ts';
import { noteSkus, takeChanges } from './atp-changes.ts';
import type { AtpChange } from './atp-changes.ts';
import { AtpMemory } from './atp-memory.ts';
import type { AtpMemoryStats } from './atp-memory.ts';
import { startCheckpointer } from './sqlite/checkpointer.ts';
import { StatementCache } from './sqlite/statement-cache.ts';
import { holdsConnection, readDirectly } from './direct-reads.ts';

export type { SqlDialect };
export { NOTICES_APPLICATION } from './notices.ts';
export type Executor = Kysely<DB> | Transaction<DB>;

pg.types.setTypeParser(20, Number); // int8: counts, sums and epoch milliseconds
pg.types.setTypeParser(1700, Number); // numeric: sums of int8

export { RetryableConflict };

export interface Database {
  readonly dialect: SqlDialect;
  readonly db: Kysely<DB>;
  /** What differs between the databases: locks, error codes and the set-based hot paths. */
  readonly store: StoreDialect;
  /** Runs `fn` in a transaction; retried a few times on RetryableConflict, deadlocks and serialization failures. */
  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`'s reads in one read-only transaction: one snapshot, so rows read by different statements agree (ATP
   * never sees a release's promise gone without its reservation). Never takes the write lock; never call it from
   * inside a transaction (use that transaction).
   */
  read<T>(fn: (trx: Executor) => Promise<T>): Promise<T>;
  /** Serializes writers per sku for the rest of the transaction (PostgreSQL; SQLite has one writer already). */
  lockSkus(trx: Executor, skus: Iterable<string>): Promise<void>;
  /** Runs `fn` inside a savepoint of `trx`: when it throws, what it wrote is rolled back and the transaction goes on. */
  savepoint<T>(trx: Executor, fn: () => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  /**
   * Says bulk writes (a job run) go on until the returned function is called; calls may overlap. A SQLite service
   * then checkpoints at a smaller WAL (./sqlite/checkpointer.ts); elsewhere it changes nothing.
   */
  bulkWrites(): () => void;
  /**
   * A number that moves whenever another process may have changed API keys, read at once: a process that remembers
   * keys forgets them when it moves, so a key revoked anywhere is refused at once everywhere. SQLite: the file's data
   * version (any other connection's commit moves it). PostgreSQL: how many key notices this process has heard
   * (`StoreDialect.announceKeysChanged`); while it is not listening, a new number at every call.
   */
  keysStamp(): number;
  /** PostgreSQL with ATP answered from memory: what it keeps and how it answered; null otherwise. */
  atpMemory(): AtpMemoryStats | null;
  /** A round trip to the database (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const noop = () => undefined;

async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

export interface DatabaseOptions {
  /** A SQLite file path, ':memory:', or a postgres:// URL. */
  readonly url: string;
  readonly poolSize?: number;
  /**
   * SQLite file: checkpoint from a thread of the process's own (./sqlite/checkpointer.ts) instead of on the commits
   * of the writer. For a long-lived service; short commands leave it off.
   */
  readonly checkpointInBackground?: boolean;
  /**
   * PostgreSQL: how long to wait for a connection before giving up (default: no limit). For short commands, so that
   * a URL naming something that is not PostgreSQL (an HTTP port, an address that drops packets) ends with an error
   * rather than a hang. It also bounds the wait for a free connection of the pool, so a service leaves it off.
   */
  readonly connectTimeoutMs?: number;
  /**
   * PostgreSQL: answer ATP from memory (./atp-memory.ts), no entry older than this many milliseconds; 0 or unset
   * reads every answer. A service sets it; the notices that keep other processes' memory current are sent either way.
   */
  readonly atpMemoryMs?: number;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

export function openDatabase(options: DatabaseOptions): Database {
  return isPostgresUrl(options.url) ? openPostgres(options) : openSqlite(options.url, options.checkpointInBackground === true);
}

const MAX_ATTEMPTS = 8;

function isRetryable(error: unknown): boolean {
  return error instanceof RetryableConflict || isTransactionLost(error);
}

/** The database gave up on the whole transaction (a deadlock, a serialization failure, another process's write lock). */
export function isTransactionLost(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  // 40001 serialization failure, 40P01 deadlock, SQLITE_BUSY when another process holds the write lock.
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

function withRetries(db: Kysely<DB>) {
  return async <T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(fn);
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  };
}

/**
 * A savepoint whose statements `run` executes: the same syntax on both databases, and one name, since a name refers
 * to the latest savepoint that has it.
 */
function savepoints(run: (trx: Executor, text: string) => unknown) {
  return async <T>(trx: Executor, fn: () => Promise<T>): Promise<T> => {
    await run(trx, 'savepoint hf_unit');
    try {
      const result = await fn();
      await run(trx, 'release savepoint hf_unit');
      return result;
    } catch (error) {
      await run(trx, 'rollback to savepoint hf_unit');
      await run(trx, 'release savepoint hf_unit');
      throw error;
    }
  };
}

async function runMigrations(db: Kysely<DB>, dialect: SqlDialect): Promise<string[]> {
  // Branches developed side by side add migrations with nearby dates: a database that ran a later one still takes
  // an earlier one that arrives afterwards (each migration stands alone).
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

// ---------------------------------------------------------------- SQLite

/** How many prepared statements the SQLite connection keeps; a service uses about a hundred. */
const STATEMENT_CACHE_SIZE = 500;

/** better-sqlite3 with its prepared statements cached by SQL text. */
function cachingSqlite(file: string) {
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('cache_size = -65536');
  // Temporary files in memory. A group commit gives each order a savepoint after an order failed, and SQLite keeps
  // the page images a savepoint may roll back to in a sub-journal that spills to a temporary file past 64 KiB: about
  // 60 more writes an order on the request thread (docs/performance-journal.md, "A savepoint's pages in memory").
  raw.pragma('temp_store = MEMORY');
  const statements = new StatementCache((text) => raw.prepare(text), STATEMENT_CACHE_SIZE);
  return {
    raw,
    database: {
      prepare(text: string) {
        return statements.get(text);
      },
      close() {
        raw.close();
      },
    },
  };
}

/** Write transactions take the database write lock at BEGIN, so two processes never deadlock upgrading. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(cfg);
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.cfg);
  }
}

function openSqlite(file: string, checkpointInBackground: boolean): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { raw, database } = cachingSqlite(file);
  const checkpointer = checkpointInBackground && file !== ':memory:' ? startCheckpointer(file, raw) : null;
  const prepare = (text: string) => database.prepare(text);
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database }) });
  // ATP's reads run at once, outside Kysely. A group commit may hold its transaction open across a turn of the loop
  // (src/app/group-commit.ts): a read then waits for the connection instead of seeing what the group wrote so far.
  const store = sqliteStore(prepare, (executor, read) =>
    raw.inTransaction && !holdsConnection(executor) ? db.connection().execute(async () => read()) : read(),
  );
  const transaction = withRetries(db);
  // Moves when another connection commits; not for this connection's own commits, which revoke through this process.
  const dataVersion = raw.prepare('pragma data_version').pluck();
  return {
    dialect: 'sqlite',
    db,
    store,
    // A transaction or a read holds the one connection until it ends, so its reads may run on it directly; `db`
    // itself may not: its statements wait for the connection, and directly they would run inside another's transaction.
    transaction: (fn) => transaction((trx) => fn(readDirectly(trx, prepare))),
    // Holding Kysely's one connection keeps other statements of this process out; BEGIN (deferred) reads one snapshot.
    read: (fn) =>
      db.connection().execute(async (conn) => {
        raw.exec('begin');
        try {
          return await fn(readDirectly(conn, prepare));
        } finally {
          if (raw.inTransaction) raw.exec('commit');
        }
      }),
    async lockSkus() {},
    // One per order in a group commit: prepared statements on the one connection, as the store's own.
    savepoint: savepoints((_trx, text) => prepare(text).run()),
    bulkWrites: () => checkpointer?.bulkWrites() ?? noop,
    migrate: () => runMigrations(db, 'sqlite'),
    keysStamp: () => dataVersion.get() as number,
    atpMemory: () => null,
    ping: () => ping(db),
    async close() {
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

function openPostgres(options: DatabaseOptions): Database {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 0 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it and the next query reports any real outage.
  });
  pool.on('connect', (client) => {
    // A client that loses its connection while checked out (mid-transaction) emits 'error' with no pool listener
    // attached: unhandled, that would crash the process. The query in flight, or the next one, reports the loss,
    // and the pool drops the client when it is released.
    client.on('error', () => undefined);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const base = postgresStore(pool);
  const read: Database['read'] = (fn) => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
  const maxAgeMs = options.atpMemoryMs ?? 0;
  let memory: AtpMemory | null = null;
  const notices = new Notices(options.url, (change) => memory?.changed(change), () => memory?.changed({ all: true }), maxAgeMs > 0);
  if (maxAgeMs > 0) {
    memory = new AtpMemory(
      {
        usable: () => notices.listening(),
        async skus(after, limit) {
          const rows = await db.selectFrom('products').select('sku').where('sku', '>', after).orderBy('sku').limit(limit).execute();
          return rows.map((r) => r.sku);
        },
        supply: (skus, window) => atpSupplies(pool, skus, window),
        now: Date.now,
      },
      { maxAgeMs },
    );
  }
  const live = memory;
  const store: StoreDialect = {
    ...base,
    // Every write of a sku's stock, schedule, lines or promised quantities holds its lock: what a commit changed.
    lockSkus: (trx, skus) => {
      const list = [...skus];
      noteSkus(trx, list);
      return base.lockSkus(trx, list);
    },
    // Outside a transaction (what `GET /api/atp` does): from memory when it holds the answer.
    atpRows: (executor, sku, locationId, window, settingsKey) =>
      live === null || executor !== db
        ? base.atpRows(executor, sku, locationId, window, settingsKey)
        : live.rows(sku, window, settingsKey, () => base.atpRows(db, sku, null, window, settingsKey)),
  };
  const retried = withRetries(db);
  let firstWrite: Promise<void> | null = null;
  const committed = (change: AtpChange | null) => {
    if (change === null) return;
    memory?.changed(change);
    notices.announce(change);
  };
  return {
    dialect: 'postgres',
    db,
    store,
    async transaction(fn) {
      // The first write waits for the notices' connection: from then on, the others see this process (`ready`).
      await (firstWrite ??= notices.ready());
      let last: Executor | null = null;
      try {
        return await retried((trx) => {
          // An attempt that failed was rolled back: what it noted changed nothing.
          if (last !== null) takeChanges(last);
          last = trx;
          return fn(trx);
        });
      } finally {
        // Told after a failure too: a commit whose answer was lost may have committed.
        committed(last === null ? null : takeChanges(last));
      }
    },
    read,
    lockSkus: (trx, skus) => store.lockSkus(trx, skus),
    savepoint: savepoints((trx, text) => trx.executeQuery(CompiledQuery.raw(text))),
    bulkWrites: () => noop,
    // Kysely's migrator locks its own table, so several processes starting together migrate once.
    migrate: () => runMigrations(db, 'postgres'),
    keysStamp: () => notices.keysStamp(),
    atpMemory: () => memory?.stats() ?? null,
    ping: () => ping(db),
    async close() {
      await memory?.close();
      await notices.close();
      await db.destroy();
    },
  };
}
