/**
 * Group commit: units of work that arrive together (concurrent requests) share one write transaction, and each is
 * answered only after the commit. The commit (on SQLite the write lock and the WAL append, on PostgreSQL the WAL
 * flush) is paid once per group instead of once per unit.
 *
 * A unit that fails fails alone; the others go on. A group first runs its units one after another with nothing
 * between them, since nearly every unit succeeds and a savepoint costs each unit a copy of every page it changes (on
 * SQLite) or two more round trips (on PostgreSQL). When a unit fails there, the transaction is rolled back and the
 * group runs again with each unit in a savepoint of its own, so the failing one rolls back to its savepoint alone;
 * the next few groups keep their savepoints, so a stream of bad orders costs no more than it did with savepoints
 * always.
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
/** After a unit failed in a group without savepoints, this many groups run with them before trying without again. */
const GUARDED_AFTER_FAILURE = 8;

/** A unit failed in a group run without savepoints: the group is rolled back, to run again with them. */
class UnitFailedUnguarded extends Error {}

/**
 * Groups written at once where separate connections can write at once (PostgreSQL). A group spends most of its time
 * waiting on round trips and on its commit's WAL flush; a second group, on another connection, works meanwhile, as a
 * second process's would. Two groups that share a sku queue on its lock, as two processes' do, and lock their skus
 * in sku order, so they never deadlock. One process at 16 connections took about twice the orders with two groups
 * as with one; three to six took no more on the 2-core bench machine, and left a second process less to add
 * (docs/performance-journal.md, "Two groups at once (PostgreSQL)"). HOLDFAST_INTAKE_GROUPS sets another number, for
 * a database with cores of its own.
 */
const CONCURRENT_GROUPS = 2;

export class GroupCommit {
  private queue: Unit[] = [];
  /** Groups being written. */
  private writing = 0;
  /** A turn of the loop is due that starts groups from the queue. */
  private starting = false;
  /** How many groups are written at once at most. */
  readonly groupsAtOnce: number;
  private lastArrival = -Infinity;
  /** How many of the next groups run with a savepoint per unit (a unit failed recently). */
  private guardedGroups = 0;

  /**
   * Units that arrive while a group works join it before its commit. Only with one writer (SQLite), whose statements
   * hold the loop: elsewhere a group's work lets requests in as it goes, and a late unit's skus would be locked
   * after the group's, out of the sku order that keeps two processes from deadlocking.
   */
  private readonly joinsLate: boolean;

  /** `groups`: how many groups are written at once where the database allows it; 0 picks for the database. */
  constructor(
    private readonly database: Database,
    groups = 0,
  ) {
    this.joinsLate = !database.store.concurrentWriters;
    this.groupsAtOnce = database.store.concurrentWriters ? groups || CONCURRENT_GROUPS : 1;
  }

  /** Whether units are waiting or being written, or one arrived within the last `withinMs` (intake is going on). */
  active(withinMs: number): boolean {
    return this.writing > 0 || this.queue.length > 0 || Date.now() - this.lastArrival < withinMs;
  }

  /** Runs `work` in a shared transaction after locking `skus`; resolves after the commit. */
  run<T>(skus: readonly string[], work: (trx: Executor) => Promise<T>): Promise<T> {
    this.lastArrival = Date.now();
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ skus, work, resolve, reject } as Unit);
      this.startGroups();
    });
  }

  /** After one turn of the loop (requests that arrived together join one group), starts groups while there is room. */
  private startGroups(): void {
    if (this.starting || this.writing >= this.groupsAtOnce || this.queue.length === 0) return;
    this.starting = true;
    setImmediate(() => {
      this.starting = false;
      while (this.writing < this.groupsAtOnce && this.queue.length > 0) {
        this.writing++;
        void this.commit(this.queue.splice(0, MAX_GROUP)).finally(() => {
          this.writing--;
          this.startGroups();
        });
      }
    });
  }

  /** `units` grows by the units that join late; a group run again runs them too. */
  private async commit(units: Unit[]): Promise<void> {
    let guarded = this.guardedGroups > 0;
    if (guarded) this.guardedGroups--;
    for (;;) {
      let done: [Unit, unknown][];
      try {
        done = await this.database.transaction((trx) => this.write(trx, units, guarded));
      } catch (error) {
        if (error instanceof UnitFailedUnguarded) {
          guarded = true;
          this.guardedGroups = GUARDED_AFTER_FAILURE;
          continue;
        }
        for (const u of units) u.reject(u.failed ? u.failed.error : error);
        return;
      }
      for (const u of units) if (u.failed) u.reject(u.failed.error);
      for (const [u, value] of done) u.resolve(value);
      return;
    }
  }

  /** The group's transaction: its units, then (SQLite) those that arrived meanwhile. Answers each unit's result. */
  private async write(trx: Executor, units: Unit[], guarded: boolean): Promise<[Unit, unknown][]> {
    const out: [Unit, unknown][] = [];
    const live = units.filter((u) => !u.failed);
    await this.database.lockSkus(trx, live.flatMap((u) => u.skus));
    // A unit alone needs no savepoint: if it fails, the transaction holds nothing else, and its error is the answer.
    if (live.length === 1) out.push([live[0]!, await live[0]!.work(trx)]);
    else await this.each(trx, live, out, guarded);
    if (this.joinsLate && units.length < MAX_GROUP) {
      // The group's statements never let the loop read a socket, so orders that arrived meanwhile wait for
      // this commit and then for a whole group of their own. One turn of the loop reads them; they join.
      await new Promise((resolve) => setImmediate(resolve));
      const late = this.queue.splice(0, MAX_GROUP - units.length);
      units.push(...late);
      await this.each(trx, late, out, guarded);
    }
    return out;
  }

  /** Runs `units` in turn: guarded, each in a savepoint (a failure is the unit's own); else a failure ends the try. */
  private async each(trx: Executor, units: readonly Unit[], out: [Unit, unknown][], guarded: boolean): Promise<void> {
    for (const unit of units) {
      try {
        out.push([unit, await (guarded ? this.database.savepoint(trx, () => unit.work(trx)) : unit.work(trx))]);
      } catch (error) {
        // The database gave up on the whole transaction: run the group again.
        if (isTransactionLost(error)) throw error;
        if (!guarded) throw new UnitFailedUnguarded();
        unit.failed = { error };
      }
    }
  }
}

const groups = new WeakMap<Database, GroupCommit>();

/**
 * Whether intake is going on now (an order arrived in the last second, or orders wait for their commit): a job run
 * then leaves the writers half of the time (SPEC 10: intake keeps at least half its rate during a run).
 */
export function intakeActive(database: Database): boolean {
  return groups.get(database)?.active(1_000) ?? false;
}

/**
 * Sets how many groups the group commit of `database` writes at once (HOLDFAST_INTAKE_GROUPS; 0 picks for the
 * database), before its first order.
 */
export function useIntakeGroups(database: Database, groupsAtOnce: number): void {
  groups.set(database, new GroupCommit(database, groupsAtOnce));
}

/** The group commit of a database (one per database handle, shared by its use cases). */
export function groupCommitOf(database: Database): GroupCommit {
  let group = groups.get(database);
  if (!group) {
    group = new GroupCommit(database);
    groups.set(database, group);
  }
  return group;
}
