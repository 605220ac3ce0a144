/**
 * Group commit of intake: orders that arrive together share one write transaction, each in its own savepoint, and
 * each is answered after the commit. One order that fails (an unknown sku, a line refused) fails alone and writes
 * nothing; the others are placed; a repeated externalId in the same group answers the original order; the books
 * stay exact. On SQLite a unit that arrives while a group works joins that group; on PostgreSQL it starts a second
 * group beside it, which waits only on the skus they share. A group runs without savepoints until a unit fails; then
 * it runs again with one per unit, and so do the next few groups.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import type { PlaceOrderInput } from '../../src/app/orders/place-order.ts';
import { AppError } from '../../src/app/errors.ts';
import { GroupCommit, groupCommitOf } from '../../src/app/group-commit.ts';
import { loadConfig } from '../../src/config/config.ts';
import { findProducts, upsertProduct } from '../../src/store/repositories/catalog.repository.ts';
import type { Database, Executor } from '../../src/store/database.ts';
import { T0, expectInvariants } from '../jobs/job-helpers.ts';
import { gate } from '../fixtures/gate.ts';

describe.each(DATABASE_KINDS)('group commit of intake on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('commits concurrent orders in fewer transactions; a failing order fails alone; a repeat answers the original', async () => {
    t = await startTestService(kind, { now: T0 });
    const api = t.api;
    for (const [id, priority] of [['EAST', 1], ['WEST', 2]] as const) expect((await api('PUT', `/api/locations/${id}`, { name: id, priority })).status).toBe(201);
    for (const sku of ['GA', 'GB', 'GC']) expect((await api('PUT', `/api/products/${sku}`, { name: sku })).status).toBe(201);
    expect((await api('PATCH', '/api/settings', { backorders: true })).status).toBe(200);
    expect((await api('PUT', '/api/inventory/on-hand', [{ sku: 'GA', locationId: 'EAST', onHand: 10 }, { sku: 'GB', locationId: 'WEST', onHand: 5 }])).status).toBe(200);

    const database = t.service.database;
    const transaction = database.transaction.bind(database);
    let transactions = 0;
    (database as { transaction: typeof database.transaction }).transaction = (fn) => {
      transactions++;
      return transaction(fn);
    };
    const order = (n: number, lines: PlaceOrderInput['lines']): PlaceOrderInput => ({ externalId: `G-${n}`, lines });
    const inputs: PlaceOrderInput[] = [];
    for (let n = 0; n < 24; n++) inputs.push(order(n, [{ sku: 'GA', quantity: 1 }, { sku: n % 2 ? 'GB' : 'GC', quantity: 1 }]));
    inputs.push(order(100, [{ sku: 'GA', quantity: 1 }, { sku: 'NOPE', quantity: 1 }])); // unknown sku: a 400, alone
    inputs.push(order(3, [{ sku: 'GA', quantity: 1 }, { sku: 'GB', quantity: 1 }])); // the same request as G-3: the original
    const settled = await Promise.allSettled(inputs.map((input) => placeOrder(t!.service.ctx, input, null)));

    expect(transactions, 'orders that arrived together shared transactions').toBeLessThan(inputs.length);
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect(((failed[0] as PromiseRejectedResult).reason as AppError).errors).toEqual([{ path: '/lines/1/sku', message: expect.stringContaining('NOPE') }]);
    const placed = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(placed).toHaveLength(25);
    const g3 = placed.filter((p) => p.order.externalId === 'G-3');
    expect(g3).toHaveLength(2);
    expect(new Set(g3.map((p) => p.order.id)).size).toBe(1);
    expect(g3.map((p) => p.created).sort()).toEqual([false, true]);

    // 24 distinct orders: GA x1 each (10 on hand at EAST), so 10 are released at EAST and 14 held; nothing else.
    const list = await api('GET', '/api/orders?limit=500');
    expect(list.body.items).toHaveLength(24);
    expect(list.body.items.some((o: any) => o.externalId === 'G-100')).toBe(false);
    const ga = list.body.items.flatMap((o: any) => o.lines.filter((l: any) => l.sku === 'GA'));
    expect(ga.filter((l: any) => l.statusReason === 'AwaitingFulfillment')).toHaveLength(10);
    expect(ga.filter((l: any) => l.statusReason === 'BackorderHold')).toHaveLength(14);
    expect((await api('GET', '/api/inventory/GA')).body.locations).toEqual([{ locationId: 'EAST', onHand: 10, reserved: 10, available: 0, shortage: 0 }]);
    await expectInvariants(database.db);
  });

  /** A group commit over `database` that counts its transactions and savepoints (`groups` at once: 0 the default). */
  function counting(database: Database, groups = 0) {
    const seen = { transactions: 0, savepoints: 0 };
    const counted: Database = {
      ...database,
      transaction: (fn) => (seen.transactions++, database.transaction(fn)),
      savepoint: (trx, fn) => (seen.savepoints++, database.savepoint(trx, fn)),
    };
    return { group: new GroupCommit(counted, groups), seen };
  }
  const write = (sku: string, refuse = false) => async (trx: Executor) => {
    await upsertProduct(trx, { sku, name: sku, preorderEligible: false, launchDate: null, allowBackorder: false }, 1_000);
    if (refuse) throw new AppError('conflict', `${sku} refused`);
    return sku;
  };
  const stored = async (database: Database, skus: string[]) => [...(await findProducts(database.db, skus)).keys()].sort();
  /** A group that has written `sku` and keeps its transaction open until `open` is released. */
  const holdOpen = async (group: GroupCommit, sku: string) => {
    const open = gate();
    const inside = gate();
    const first = group.run([sku], async (trx) => {
      const written = await write(sku)(trx);
      inside.release();
      await open.promise;
      return written;
    });
    await inside.promise;
    return { first, open };
  };

  it('lets units that arrive while a group works join it on SQLite; elsewhere they form a group of their own', async () => {
    t = await startTestService(kind, { now: T0 });
    const database = t.service.database;
    const { group, seen } = counting(database);
    let arrivals: Promise<string>[] | undefined;
    let arrived!: () => void;
    const bothArrived = new Promise<void>((resolve) => (arrived = resolve));
    const first = group.run(['L-1'], async (trx) => {
      // Two units arrive while the group works (once, should the work run again): seen at the next turn of the loop.
      if (!arrivals) setImmediate(() => ((arrivals = [group.run(['L-2'], write('L-2')), group.run(['L-3'], write('L-3'))]), arrived()));
      return write('L-1')(trx);
    });
    expect(await first).toBe('L-1');
    await bothArrived;
    expect(await Promise.all(arrivals!)).toEqual(['L-2', 'L-3']);
    expect(seen.transactions, 'one transaction when they joined, one more when they did not').toBe(kind === 'sqlite' ? 1 : 2);
    expect(seen.savepoints, 'units that all succeed need no savepoints').toBe(0);
    expect(await stored(database, ['L-1', 'L-2', 'L-3'])).toEqual(['L-1', 'L-2', 'L-3']);
  });

  it('writes a second group while the first is open on PostgreSQL, unless they share a sku; one at a time on SQLite', async () => {
    t = await startTestService(kind, { now: T0 });
    const database = t.service.database;
    const { group, seen } = counting(database);
    const { first, open } = await holdOpen(group, 'W-1');
    const settled: string[] = [];
    const other = group.run(['W-2'], write('W-2')).then((sku) => (settled.push(sku), sku));
    // A turn of the loop: W-2's group starts (on PostgreSQL) before the next unit arrives, so it is not in W-2's group.
    await new Promise((r) => setImmediate(r));
    const same = group.run(['W-1'], async (trx) => {
      // Behind the first group's lock on W-1: it reads what the first group wrote.
      const [found] = (await findProducts(trx, ['W-1'])).values();
      return `after ${found?.sku}`;
    }).then((v) => (settled.push(v), v));
    try {
      if (kind === 'postgres') {
        // The first group's transaction is open: another group on another sku commits meanwhile.
        const waited = await Promise.race([other, new Promise<string>((r) => setTimeout(() => r('still waiting'), 10_000))]);
        expect(waited, 'a group on another sku did not wait for the open one').toBe('W-2');
        expect(await stored(database, ['W-2'])).toEqual(['W-2']);
      } else {
        // One writer: nothing else commits while the first group's transaction is open.
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      }
      expect(settled, "nothing on the open group's sku settled before it committed").not.toContain('after W-1');
      if (kind === 'sqlite') expect(settled, 'nothing settled while the one writer was busy').toEqual([]);
    } finally {
      open.release();
    }
    expect(await Promise.all([first, other, same])).toEqual(['W-1', 'W-2', 'after W-1']);
    expect(seen.transactions, kind === 'sqlite' ? 'the later units joined the open group' : 'three groups').toBe(kind === 'sqlite' ? 1 : 3);
  });

  it.runIf(kind === 'postgres')('writes one group at a time on PostgreSQL when set to one (HOLDFAST_INTAKE_GROUPS=1)', async () => {
    t = await startTestService(kind, { now: T0 });
    const database = t.service.database;
    const { group, seen } = counting(database, 1);
    const { first, open } = await holdOpen(group, 'O-1');
    const settled: string[] = [];
    const other = group.run(['O-2'], write('O-2')).then((sku) => (settled.push(sku), sku));
    try {
      // The same wait in which two groups at once let O-2 commit (the test above): here it waits for the open group.
      await new Promise((r) => setTimeout(r, 200));
      expect(settled, 'nothing settled while the one group was open').toEqual([]);
      expect(await stored(database, ['O-2'])).toEqual([]);
    } finally {
      open.release();
    }
    expect(await Promise.all([first, other])).toEqual(['O-1', 'O-2']);
    expect(seen.transactions, 'one group, then the next').toBe(2);
  });

  it('takes the groups written at once from HOLDFAST_INTAKE_GROUPS: 2 on PostgreSQL unless set, always 1 on SQLite', async () => {
    expect(loadConfig({ HOLDFAST_INTAKE_GROUPS: '4' }).intakeGroups).toBe(4);
    expect(() => loadConfig({ HOLDFAST_INTAKE_GROUPS: '17' })).toThrow('HOLDFAST_INTAKE_GROUPS must be an integer from 0 to 16, got "17"');
    t = await startTestService(kind, { now: T0, config: { intakeGroups: 3 } });
    expect(groupCommitOf(t.service.database).groupsAtOnce).toBe(kind === 'postgres' ? 3 : 1);
    await t.close();
    t = undefined;
    t = await startTestService(kind, { now: T0 });
    expect(groupCommitOf(t.service.database).groupsAtOnce).toBe(kind === 'postgres' ? 2 : 1);
  });

  it('runs a group again with a savepoint per unit when one fails, so it fails alone; the next groups keep them', async () => {
    t = await startTestService(kind, { now: T0 });
    const database = t.service.database;
    const { group, seen } = counting(database);
    // Three units arrive together; the middle one is refused after it wrote.
    const firsts = await Promise.allSettled([group.run(['F-1'], write('F-1')), group.run(['F-2'], write('F-2', true)), group.run(['F-3'], write('F-3'))]);
    expect(firsts).toEqual([
      { status: 'fulfilled', value: 'F-1' },
      { status: 'rejected', reason: expect.objectContaining({ code: 'conflict', detail: 'F-2 refused' }) },
      { status: 'fulfilled', value: 'F-3' },
    ]);
    expect(seen, 'tried without savepoints, then again with one per unit').toEqual({ transactions: 2, savepoints: 3 });
    expect(await stored(database, ['F-1', 'F-2', 'F-3'])).toEqual(['F-1', 'F-3']);

    // The group after a failure runs with savepoints at once.
    expect(await Promise.all([group.run(['N-1'], write('N-1')), group.run(['N-2'], write('N-2'))])).toEqual(['N-1', 'N-2']);
    expect(seen).toEqual({ transactions: 3, savepoints: 5 });
    // A unit alone needs none, and its error is the answer.
    await expect(group.run(['A-1'], write('A-1', true))).rejects.toMatchObject({ detail: 'A-1 refused' });
    expect(seen).toEqual({ transactions: 4, savepoints: 5 });
    expect(await stored(database, ['N-1', 'N-2', 'A-1'])).toEqual(['N-1', 'N-2']);
  });

  it('tries without savepoints again once some groups have succeeded with them', async () => {
    t = await startTestService(kind, { now: T0 });
    const { group, seen } = counting(t.service.database);
    await Promise.allSettled([group.run(['R-0'], write('R-0')), group.run(['R-1'], write('R-1', true))]);
    expect(seen).toEqual({ transactions: 2, savepoints: 2 });
    let groups = 0;
    while (groups < 20) {
      const before = seen.savepoints;
      const [a, b] = [`S-${groups}a`, `S-${groups}b`];
      expect(await Promise.all([group.run([a], write(a)), group.run([b], write(b))])).toEqual([a, b]);
      groups++;
      if (seen.savepoints === before) break;
    }
    expect(groups, 'groups run with savepoints after the failure, the last one without').toBe(9);
    expect(seen.transactions).toBe(2 + groups);
  });
});
