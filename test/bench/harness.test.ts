/**
 * The benchmark harness itself (bench/), not timed: a seeded world is what Holdfast would have left (it passes the
 * invariants and `holdfast doctor` on every database, a backorder run releases about half of it and a rerun changes
 * nothing), the invariant check can fail (and the doctor agrees), the job floor writes a run's outcome, the floor server makes an intake's writes on a database made by `holdfast migrate`,
 * the receiver and the heartbeat watcher see a run's webhook deliveries and lease beats, the progress bar does not
 * jump back within a task, and the report judges bars and draws its charts.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, PG_ADMIN_URL } from '../fixtures/databases.ts';
import { openSql, Scratch } from '../../bench/lib/databases.mjs';
import { checkInvariants } from '../../bench/lib/invariants.mjs';
import { jobFloor } from '../../bench/lib/job-floor.mjs';
import { runJob } from '../../bench/lib/jobs.mjs';
import { ADMIN_KEY, cpuSeconds, expectStatus, machineCpuSeconds, startAtpFloor, startFloor, startHoldfast } from '../../bench/lib/processes.mjs';
import { runDoctor, Worlds } from '../../bench/lib/seed.mjs';
import { figure, atLeast, below, exactly, verdict } from '../../bench/lib/figures.mjs';
import { Progress } from '../../bench/lib/progress.mjs';
import { renderReport } from '../../bench/lib/report.mjs';
import { bucketsSince, measureServiceTimes, routeBuckets, serviceTimes } from '../../bench/lib/service-time.mjs';
import { backorderWorld, preorderWorld } from '../../bench/scenarios/backorder.mjs';
import { LOCATIONS, skuName } from '../../bench/lib/world.mjs';
import { INTAKE_WORLD } from '../../bench/scenarios/intake.mjs';
import { longestGap, RECEIVER_SECRET, startReceiver, watchHeartbeats } from '../../bench/lib/side-work.mjs';

const TIMEOUT = 120_000;

function harness(label: string) {
  const dir = path.join(os.tmpdir(), `holdfast-bench-test-${label}-${process.pid}`);
  const scratch = new Scratch({ dir, pgUrl: PG_ADMIN_URL });
  const worlds = new Worlds({ scratch, logDir: dir });
  return { scratch, worlds, logDir: dir };
}

async function rows(kind: 'sqlite' | 'postgres', url: string, text: string): Promise<Record<string, unknown>[]> {
  const sql = await openSql(kind, url);
  try {
    return (await sql.all(text)) as Record<string, unknown>[];
  } finally {
    await sql.close();
  }
}

/** The one row of a statement of counts and sums, each as a number (PostgreSQL answers bigint as text). */
async function counts(kind: 'sqlite' | 'postgres', url: string, text: string): Promise<Record<string, number>> {
  const [row] = await rows(kind, url, text);
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

describe.each(DATABASE_KINDS)('bench seeding on %s', (kind) => {
  const h = harness(kind);
  const spec = backorderWorld(2_000);
  afterAll(() => h.scratch.dropAll());

  it(
    'seeds held lines in the state intake leaves: invariants hold, a run releases about half and a rerun changes nothing',
    async () => {
      const world = await h.worlds.world(kind, spec, 'test');
      expect(world.generated.lines).toBe(2_000);
      expect(await checkInvariants(kind, world.db.url)).toEqual([]);
      expect(await runDoctor(world.db.url)).toMatchObject({ code: 0 });
      const held = await rows(
        kind,
        world.db.url,
        `select count(*) as n, sum(case when inventory_availability_date is null then 1 else 0 end) as undated from order_lines where status_reason = 'BackorderHold'`,
      );
      expect(Number(held[0]!.n)).toBe(2_000);
      // Receipts cover 80% of the demand: most lines were promised a date at intake, the rest none.
      expect(Number(held[0]!.undated)).toBeGreaterThan(0);
      expect(Number(held[0]!.undated)).toBeLessThan(1_000);
      // Old events were fanned out long ago: a server started on the seed has no backlog to dispatch.
      expect(await rows(kind, world.db.url, 'select count(*) as n from line_events where id > (select event_id from webhook_fan_out)')).toEqual([{ n: 0 }]);
      expect(Number((await rows(kind, world.db.url, 'select event_id as n from webhook_fan_out'))[0]!.n)).toBe(2_000);

      const db = await h.worlds.copy(world, 'run');
      const server = await startHoldfast({ databaseUrl: db.url, logDir: h.logDir });
      try {
        const first = await runJob(server, 'backorder', { countRecords: true });
        expect(first.run).toMatchObject({ status: 'succeeded', processed: 2_000, failedRecords: 0 });
        expect(first.run.movedToFulfillment).toBeGreaterThan(700);
        expect(first.run.movedToFulfillment).toBeLessThan(1_300);
        // Every released line has a record (and so has any re-dated one): over 700, counted across pages of 500.
        expect(first.changed).toBeGreaterThanOrEqual(first.run.movedToFulfillment);
        expect(first.changed).toBeLessThanOrEqual(2_000);
        const rerun = await runJob(server, 'backorder', { countRecords: true });
        expect(rerun.run).toMatchObject({ status: 'succeeded', movedToFulfillment: 0 });
        expect(rerun.changed).toBe(0);
      } finally {
        await server.stop();
      }
      expect(await checkInvariants(kind, db.url)).toEqual([]);
      await db.drop();
    },
    TIMEOUT,
  );

  it(
    "sees what goes on beside a run: a webhook delivery per released line, and the run's lease heartbeats",
    async () => {
      const world = await h.worlds.world(kind, spec, 'test');
      const db = await h.worlds.copy(world, 'side-work');
      // A lease timeout of 300 ms: the runner beats every 100 ms, so even a short run beats more than once.
      const server = await startHoldfast({ databaseUrl: db.url, logDir: h.logDir, env: { HOLDFAST_LEASE_TIMEOUT_MS: '300' } });
      const receiver = await startReceiver();
      try {
        await expectStatus(201, 'PUT', `${server.url}/api/webhooks/bench-receiver`, { body: { url: receiver.url, secret: RECEIVER_SECRET, events: ['line.released'] } });
        const beats = watchHeartbeats(kind, db.url, 'backorder', 5);
        const { run } = await runJob(server, 'backorder');
        const heartbeats = await beats.stop();
        expect(run.movedToFulfillment).toBeGreaterThan(700);
        // Every release is delivered once; the backlog may outlast the run.
        for (let waited = 0; receiver.between(0, Infinity).count < run.movedToFulfillment && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
        const all = receiver.between(0, Infinity);
        expect(all.count).toBe(run.movedToFulfillment);
        expect(receiver.unreadable).toBe(0);
        // Each delivery's latency (from its event's time to its arrival) is a number and not negative.
        expect(all.latenciesMs.filter((ms: number) => !(ms >= 0))).toEqual([]);
        const [start, end] = [Date.parse(run.startedAt), Date.parse(run.finishedAt)];
        expect(receiver.between(end + 1, Infinity).count + receiver.between(start, end).count).toBe(all.count);
        // The lease names the run from its start, with the time of its last beat.
        const seen = heartbeats.get(run.id) ?? [];
        expect(seen.length).toBeGreaterThan(0);
        expect(Math.min(...seen)).toBeGreaterThanOrEqual(start - 1_000);
        expect(Math.max(...seen)).toBeLessThanOrEqual(end + 1_000);
      } finally {
        await server.stop();
        await receiver.close();
        await db.drop();
      }
    },
    TIMEOUT,
  );

  it(
    'seeds a preorder world whose preorder run moves every line: about half to fulfillment, the rest to BackorderHold',
    async () => {
      const world = await h.worlds.world(kind, preorderWorld(2_000), 'test-preorder');
      expect(await checkInvariants(kind, world.db.url)).toEqual([]);
      expect(await runDoctor(world.db.url)).toMatchObject({ code: 0 });
      const seeded = await counts(
        kind,
        world.db.url,
        `select (select count(*) from order_lines where status_reason = 'PreorderHold' and launch_date is not null and backordered_at is null) as held,
          (select sum(held_preorder) from products where preorder_eligible = 1) as counted`,
      );
      expect(seeded).toEqual({ held: 2_000, counted: 2_000 });

      const db = await h.worlds.copy(world, 'preorder-run');
      const server = await startHoldfast({ databaseUrl: db.url, logDir: h.logDir });
      try {
        const first = await runJob(server, 'preorder');
        expect(first.run).toMatchObject({ status: 'succeeded', processed: 2_000, failedRecords: 0, stillOnHold: 0 });
        expect(first.run.movedToFulfillment).toBeGreaterThan(700);
        expect(first.run.movedToFulfillment).toBeLessThan(1_300);
        expect(first.run.movedToFulfillment + first.run.movedToBackorder).toBe(2_000);
        const rerun = await runJob(server, 'preorder', { countRecords: true });
        expect(rerun.run).toMatchObject({ status: 'succeeded', processed: 0, movedToFulfillment: 0, movedToBackorder: 0 });
        expect(rerun.changed).toBe(0);
      } finally {
        await server.stop();
      }
      const moved = await counts(
        kind,
        db.url,
        `select (select count(*) from order_lines where status_reason = 'PreorderHold') as preorder,
          (select count(*) from order_lines where status_reason = 'BackorderHold' and backordered_at is not null) as backorder,
          (select sum(held_backorder) from products) as counted`,
      );
      expect(moved.preorder).toBe(0);
      expect(moved.backorder).toBeGreaterThan(700);
      expect(moved.counted).toBe(moved.backorder);
      expect(await checkInvariants(kind, db.url)).toEqual([]);
      await db.drop();
    },
    TIMEOUT,
  );

  it(
    "the job floor writes a run's outcome: each held line released or re-dated with its event, and the data adds up",
    async () => {
      const world = await h.worlds.world(kind, spec, 'test');
      const db = await h.worlds.copy(world, 'job-floor');
      const floor = await jobFloor(kind, db.url);
      expect(floor).toMatchObject({ lines: 2_000, released: 1_000 });
      const written = await counts(
        kind,
        db.url,
        `select (select count(*) from line_events) as events,
          (select count(*) from order_lines where status_reason = 'AwaitingFulfillment') as released,
          (select count(*) from order_lines where status_reason = 'BackorderHold') as held,
          (select sum(held_backorder) from products) as counted`,
      );
      expect(written).toEqual({ events: 4_000, released: 1_000, held: 1_000, counted: 1_000 });
      // Reservations, promises, versions and status moves all match the lines. The floor releases without looking
      // at the stock, so only overselling may show.
      expect((await checkInvariants(kind, db.url)).filter((p) => p.kind !== 'oversold')).toEqual([]);
      await db.drop();
    },
    TIMEOUT,
  );

  it(
    "the preorder floor moves every line of a preorder world: half released, half to BackorderHold, and the data adds up",
    async () => {
      const world = await h.worlds.world(kind, preorderWorld(2_000), 'test-preorder');
      const db = await h.worlds.copy(world, 'preorder-floor');
      const floor = await jobFloor(kind, db.url, 'preorder');
      expect(floor).toMatchObject({ lines: 2_000, released: 1_000 });
      const written = await counts(
        kind,
        db.url,
        `select (select count(*) from line_events where type = 'line.backordered') as backordered,
          (select count(*) from line_events) as events,
          (select count(*) from order_lines where status_reason = 'AwaitingFulfillment') as released,
          (select count(*) from order_lines where status_reason = 'BackorderHold' and backordered_at is not null) as held,
          (select count(*) from order_lines where status_reason = 'PreorderHold') as preorder,
          (select sum(held_backorder) from products) as counted,
          (select sum(held_preorder) from products) as counted_preorder`,
      );
      expect(written).toEqual({
        backordered: 1_000,
        events: 4_000,
        released: 1_000,
        held: 1_000,
        preorder: 0,
        counted: 1_000,
        counted_preorder: 0,
      });
      // Status moves (status_seq), versions, promises and reservations all match the lines; only overselling may show.
      expect((await checkInvariants(kind, db.url)).filter((p) => p.kind !== 'oversold')).toEqual([]);
      await db.drop();
    },
    TIMEOUT,
  );

  it(
    'the ATP floor answers what Holdfast answers: the same days and the same earliest date',
    async () => {
      const world = await h.worlds.world(kind, spec, 'test');
      const hdb = await h.worlds.copy(world, 'atp-holdfast');
      const fdb = await h.worlds.copy(world, 'atp-floor');
      const holdfast = await startHoldfast({ databaseUrl: hdb.url, logDir: h.logDir });
      const floor = await startAtpFloor({ databaseUrl: fdb.url, logDir: h.logDir });
      const atpRoute = { method: 'GET', route: '/api/atp', status: 200 };
      try {
        const { result: dated, service: times } = await measureServiceTimes(holdfast.url, atpRoute, 0.002, async () => {
          let dated = 0;
          for (const [i, quantity] of [[0, 1], [3, 5], [7, 2], [12, 40], [19, 1]] as const) {
            for (const location of LOCATIONS) {
              const query = `/api/atp?sku=${skuName(spec.prefix, i)}&locationId=${location.id}&quantity=${quantity}`;
              const ours = await expectStatus(200, 'GET', `${holdfast.url}${query}`, { key: ADMIN_KEY });
              const theirs = await expectStatus(200, 'GET', `${floor.url}${query}`, { key: null });
              expect(theirs.days).toHaveLength(91);
              expect(theirs.days).toEqual(ours.days);
              expect(theirs.earliestDate).toBe(ours.earliestDate);
              if (ours.earliestDate !== null) dated++;
            }
          }
          return dated;
        });
        // The worlds hold stock, receipts and promises: most answers have a date, and a 40-unit one has none.
        expect(dated).toBeGreaterThan(5);
        // The service's duration histogram counted exactly these 15 answers (how fast they were is for bench/).
        expect(times.answers).toBe(15);
      } finally {
        await holdfast.stop();
        await floor.stop();
        await hdb.drop();
        await fdb.drop();
      }
    },
    TIMEOUT,
  );

  it(
    'the round-trip floor reads nothing of the world: the same table, with no supply and no date',
    async () => {
      const world = await h.worlds.world(kind, spec, 'test');
      const db = await h.worlds.copy(world, 'atp-round-trip');
      const server = await startAtpFloor({ databaseUrl: db.url, logDir: h.logDir, readsNothing: true });
      try {
        // The queries the test above dates (most of them, with stock and receipts): here none has supply or a date.
        for (const i of [0, 3, 7, 12, 19]) {
          for (const location of LOCATIONS) {
            const query = `/api/atp?sku=${skuName(spec.prefix, i)}&locationId=${location.id}&quantity=1`;
            const answer = await expectStatus(200, 'GET', `${server.url}${query}`, { key: null });
            expect(answer.days).toHaveLength(91);
            expect(answer.days.filter((d: { supply: number; demand: number }) => d.supply !== 0 || d.demand !== 0)).toEqual([]);
            expect(answer.earliestDate).toBeNull();
          }
        }
      } finally {
        await server.stop();
        await db.drop();
      }
    },
    TIMEOUT,
  );

  it(
    'the invariant check finds a reservation and a promise that do not add up',
    async () => {
      const world = await h.worlds.world(kind, spec, 'test');
      const db = await h.worlds.copy(world, 'corrupt');
      const sql = await openSql(kind, db.url);
      try {
        await sql.exec(`update stock set reserved = 1 where sku = '${'B-00000'}' and location_id = 'L1'`);
        await sql.exec(`update promised_quantities set quantity = quantity + 1 where sku = 'B-00001'`);
        await sql.exec(`update order_lines set estimated_shipment_date = null where id = (select min(id) from order_lines where inventory_availability_date is not null)`);
      } finally {
        await sql.close();
      }
      const kinds = (await checkInvariants(kind, db.url)).map((p) => p.kind);
      expect(kinds).toEqual(expect.arrayContaining(['reserved', 'promised', 'placement']));
      // holdfast doctor agrees.
      expect(await runDoctor(db.url)).toMatchObject({ code: 1 });
      await db.drop();
    },
    TIMEOUT,
  );
});

describe('the floor server', () => {
  const h = harness('floor');
  afterAll(() => h.scratch.dropAll());

  it(
    "answers an order with every write of an intake that releases it, on Holdfast's schema",
    async () => {
      const world = await h.worlds.world('sqlite', { ...INTAKE_WORLD, skus: 10 }, 'floor');
      const db = await h.worlds.copy(world, 'floor');
      const floor = await startFloor({ databaseUrl: db.url, logDir: h.logDir });
      let order: any;
      try {
        const lines = ['I-00001', 'I-00002', 'I-00003'].map((sku) => ({ sku, quantity: 2 }));
        order = await expectStatus(201, 'POST', `${floor.url}/api/orders`, { body: { externalId: 'floor-1', lines } });
      } finally {
        await floor.stop();
      }
      expect(order.lines).toHaveLength(3);
      expect(order.lines.every((l: any) => l.statusReason === 'AwaitingFulfillment' && l.locationId === 'L1')).toBe(true);
      const counts = await rows(
        'sqlite',
        db.url,
        `select (select count(*) from orders) as orders, (select count(*) from order_lines) as lines, (select count(*) from line_events) as events,
          (select sum(reserved) from stock) as reserved`,
      );
      expect(counts[0]).toEqual({ orders: 1, lines: 3, events: 3, reserved: 6 });
      expect(await checkInvariants('sqlite', db.url)).toEqual([]);
    },
    TIMEOUT,
  );
});

describe('CPU counters', () => {
  it('count the work of another process in the machine\'s busy time, and a sleeping one not in its own', async () => {
    const { spawn } = await import('node:child_process');
    // Both children say when they are up, so their start-up falls before the counters are read. Then the busy one
    // spins until it has used 400 ms of CPU of its own (however long that takes on a loaded machine) and exits:
    // the machine's counter must have seen that work (less a clock tick or two), the sleeper's none of it.
    const ready = (child: ReturnType<typeof spawn>) => new Promise((r) => child.stdout!.once('data', r));
    const busy = spawn(process.execPath, ['-e', "process.stdout.write('up'); process.stdin.once('data', () => { const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 400_000); process.exit(0); });"]);
    const sleeper = spawn(process.execPath, ['-e', "process.stdout.write('up'); setTimeout(() => {}, 60_000)"]);
    await Promise.all([ready(busy), ready(sleeper)]);
    const [machine0, sleeper0] = [machineCpuSeconds(), cpuSeconds(sleeper.pid!)];
    const exited = new Promise((r) => busy.on('exit', r));
    busy.stdin!.write('go');
    await exited;
    const machine = machineCpuSeconds() - machine0;
    const slept = cpuSeconds(sleeper.pid!) - sleeper0;
    sleeper.kill();
    expect(machine).toBeGreaterThanOrEqual(0.37);
    expect(slept).toBeLessThan(0.05);
  });
});

describe('the longest time without a heartbeat', () => {
  it('is taken between the start, the beats inside the span, and the end', () => {
    expect(longestGap([], 1_000, 4_000)).toBe(3_000);
    expect(longestGap([2_000, 2_500], 1_000, 4_000)).toBe(1_500);
    // Beats come in any order; one at the start (the lease taken) or outside the span adds nothing.
    expect(longestGap([3_900, 1_000, 1_200, 500, 9_000], 1_000, 4_000)).toBe(2_700);
  });
});

describe('service times from the duration histogram', () => {
  const scrape = (counts: number[]) =>
    [
      '# TYPE holdfast_http_request_duration_seconds histogram',
      ...[0.0005, 0.001, 0.002, 0.005].map((le, i) => `holdfast_http_request_duration_seconds_bucket{le="${le}",method="GET",route="/api/atp",status_code="200"} ${counts[i]}`),
      `holdfast_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/atp",status_code="200"} ${counts[4]}`,
      'holdfast_http_request_duration_seconds_bucket{le="0.002",method="GET",route="/health",status_code="200"} 999',
      'holdfast_http_request_duration_seconds_bucket{le="0.002",method="GET",route="/api/atp",status_code="404"} 999',
    ].join('\n');
  const atp = { method: 'GET', route: '/api/atp', status: 200 };

  it('reads one route and status, bounds in order, +Inf last', () => {
    expect(routeBuckets(scrape([1, 2, 3, 4, 5]), atp)).toEqual([[0.0005, 1], [0.001, 2], [0.002, 3], [0.005, 4], [Infinity, 5]]);
    expect(routeBuckets(scrape([1, 2, 3, 4, 5]), { ...atp, route: '/api/orders' })).toEqual([]);
  });

  it('counts what a load added: the share within a bound and the bound that holds p99', () => {
    const before = routeBuckets(scrape([10, 10, 10, 10, 10]), atp);
    // 1,000 answers: 900 under 0.5 ms, 985 under 1 ms, 995 under 2 ms, the rest under 5 ms.
    const after = routeBuckets(scrape([910, 995, 1005, 1010, 1010]), atp);
    expect(serviceTimes(bucketsSince(before, after), 0.002)).toEqual({ answers: 1000, withinShare: 0.995, p99AtMostSeconds: 0.002 });
    // A route first answered during the load has no buckets before it.
    expect(serviceTimes(bucketsSince([], after), 0.001).withinShare).toBeCloseTo(995 / 1010);
  });

  it('refuses a bound the histogram does not have', () => {
    expect(() => serviceTimes(routeBuckets(scrape([1, 2, 3, 4, 5]), atp), 0.003)).toThrow(/no bucket bound at 0.003 s/);
  });
});

describe('the progress bar', () => {
  it('keeps the ground a task has covered when the task names its next step', async () => {
    const progress = new Progress(100);
    try {
      await progress.task('a task', 10, async () => {
        await new Promise((r) => setTimeout(r, 1300));
        const moved = progress.value;
        expect(moved).toBeGreaterThan(0);
        progress.note('the next step');
        expect(progress.value).toBe(moved);
      });
      expect(progress.value).toBe(10);
    } finally {
      progress.stop();
    }
  });
});

describe('the report', () => {
  let text = '';
  beforeAll(() => {
    const section = (id: string, db: 'sqlite' | 'postgres', figures: any[], data?: Record<string, unknown>) => ({ id, title: id, db, method: 'how', figures, data });
    text = renderReport({
      machine: { cpu: 'cpu', cores: 2, memoryGiB: 8, loadAverage: [0.1, 0.2, 0.3], kernel: 'Linux', node: 'v20', sqlite: '3', postgres: null, holdfast: '0.1.0', commit: 'abc', branch: 'b', wrk: '4' },
      command: 'npm run bench',
      quick: false,
      runs: 3,
      started: new Date('2026-12-01T00:00:00Z'),
      finished: new Date('2026-12-01T00:30:00Z'),
      sections: [
        section('intake-floor', 'sqlite', [figure('Holdfast / floor', 'x', [0.6, 0.75, 0.8], { digits: 2, bar: atLeast(0.7, '>= 0.7x') })], {
          connections: [1, 4, 16, 50],
          floor: [500, 1500, 1700, 1650],
          holdfast: [400, 1100, 1300, 1200],
        }),
        section('backorder-1m', 'sqlite', [figure('run', 's', [40, 31, 35], { bar: below(30, '< 30 s') })], { lines: 1_000_000, seconds: [40, 31, 35], floorSeconds: [27, 25, 26] }),
        section('backorder-1m', 'postgres', [figure('run', 's', [20, 22, 21], { bar: below(30, '< 30 s') })], { lines: 1_000_000, seconds: [20, 22, 21] }),
      ],
      skipped: [],
      failed: [],
    });
  });

  it('judges each bar on the median of the runs', () => {
    expect(text).toContain('| intake-floor | SQLite | Holdfast / floor | 0.75 x | 0.60 - 0.80 | >= 0.7x | pass |');
    expect(text).toContain('| backorder-1m | SQLite | run | 35.0 s | 31.0 - 40.0 | < 30 s | **FAIL** |');
    expect(text).toContain('| backorder-1m | PostgreSQL | run | 21.0 s | 20.0 - 22.0 | < 30 s | pass |');
  });

  it('judges a count of failures on every run, and fails a bar a run gave no value', () => {
    expect(verdict(figure('failed requests', '', [0, 0, 0], { bar: exactly(0) }))).toBe(true);
    // The median is 0, but one run failed.
    expect(verdict(figure('failed requests', '', [0, 5_000, 0], { bar: exactly(0) }))).toBe(false);
    // A ratio over a floor that answered nothing, a p99 of no answers.
    expect(verdict(figure('Holdfast / floor', 'x', [1.5, Infinity, 1.6], { bar: atLeast(0.7) }))).toBe(false);
    expect(verdict(figure('p99', 'ms', [Number.NaN], { bar: below(2) }))).toBe(false);
    expect(verdict(figure('p99', 'ms', [], { bar: below(2) }))).toBe(false);
    // A figure without a bar has no verdict.
    expect(verdict(figure('p50', 'ms', [1, 2, 3]))).toBeNull();
  });

  it('draws intake by connections and job time by held lines as Mermaid xychart-beta blocks', () => {
    expect(text).toContain('x-axis "connections" ["1", "4", "16", "50"]');
    expect(text).toContain('  bar [500, 1500, 1700, 1650]\n  line [400, 1100, 1300, 1200]');
    expect(text).toContain('x-axis "held lines" ["1,000,000"]');
    expect(text).toContain('  bar [35]\n  line [21]');
    // The run against its floor, for the database that has one.
    expect(text).toContain('title "Backorder run and its floor, SQLite"');
    expect(text).toContain('  bar [26]\n  line [35]');
    expect(text).not.toContain('its floor, PostgreSQL');
    expect(text.match(/```mermaid\nxychart-beta/g)).toHaveLength(3);
  });
});
