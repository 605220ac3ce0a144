/**
 * Group commit: units of work that arrive together (concurrent requests) share one write transaction, each in a
 * savepoint of its own, and each is answered only after the commit. A unit that fails rolls back to its savepoint
 * and fails alone; the others go on. The commit (on SQLite the write lock and the WAL append, on PostgreSQL the WAL
 * flush) is paid once per group instead of once per unit.
 *
 * The skus every unit will lock are locked together first, in sku order, so two groups never deadlock on them. When
 * the database gives up on the whole transaction (a deadlock, another process's lock), the group runs again, minus the
 * units that already failed on their own.
 */
import { isTransactionLost } from '../store/database.ts';
import type { Database, Executor } from '../store/database.ts';

interface Unit<T = unknown> {
  readonly skus: readonly string[];
  readonly work: (trx: Executor) => Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
  failed?: { error: unknown };
}

/** At most this many units in one transaction: bounds how long the write lock is held. */
const MAX_GROUP = 64;

export class GroupCommit {
  private queue: Unit[] = [];
  private flushing = false;

  constructor(private readonly database: Database) {}

  /** Runs `work` in a shared transaction after locking `skus`; resolves after the commit. */
  run<T>(skus: readonly string[], work: (trx: Executor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ skus, work, resolve, reject } as Unit);
      if (!this.flushing) {
        this.flushing = true;
        // One turn of the loop lets requests that arrived together join the group.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_GROUP));
    } finally {
      this.flushing = false;
    }
  }

  private async commit(units: Unit[]): Promise<void> {
    const { database } = this;
    let done: [Unit, unknown][];
    try {
      done = await database.transaction(async (trx) => {
        const out: [Unit, unknown][] = [];
        const live = units.filter((u) => !u.failed);
        await database.lockSkus(trx, live.flatMap((u) => u.skus));
        // A unit alone needs no savepoint: if it fails, the transaction holds nothing else.
        if (live.length === 1) return [[live[0]!, await live[0]!.work(trx)]];
        for (const unit of live) {
          try {
            out.push([unit, await database.savepoint(trx, () => unit.work(trx))]);
          } catch (error) {
            // The database gave up on the whole transaction: run the group again.
            if (isTransactionLost(error)) throw error;
            unit.failed = { error };
          }
        }
        return out;
      });
    } catch (error) {
      for (const u of units) u.reject(u.failed ? u.failed.error : error);
      return;
    }
    for (const u of units) if (u.failed) u.reject(u.failed.error);
    for (const [u, value] of done) u.resolve(value);
  }
}

const groups = new WeakMap<Database, GroupCommit>();

/** The group commit of a database (one per database handle, shared by its use cases). */
export function groupCommitOf(database: Database): GroupCommit {
  let group = groups.get(database);
  if (!group) {
    group = new GroupCommit(database);
    groups.set(database, group);
  }
  return group;
}
