/**
 * Scale-out on PostgreSQL (SPEC 10: two `serve` processes on one database take more intake than one). On one copy
 * of the intake world: one process under 16 connections; then a second process on the same database and 8
 * connections to each (two wrk processes at once); then the same with one sku in every order (per-sku lock
 * contention). Also the WAL the server writes per order and the connections the processes hold, for
 * docs/scaling.md. On a 2-core machine the client, both servers and PostgreSQL share the cores: the figure says
 * what this machine allows, not what two machines would.
 */
import { figure, exactly } from '../lib/figures.mjs';
import { ADMIN_KEY, cpuSeconds, startHoldfast } from '../lib/processes.mjs';
import { intakeArgs, runWrk } from '../lib/wrk.mjs';
import { skuName } from '../lib/world.mjs';
import { INTAKE_WORLD } from './intake.mjs';
import { walMark, walSince } from './backorder.mjs';

export const scaleOut = {
  name: 'scale-out',
  kinds: ['postgres'],
  estimate(ctx) {
    const s = ctx.sizes.scaleOut;
    return 2 + ctx.runs * (4 + 2 * s.warmup + 3 * s.seconds);
  },
  async run(ctx, kind) {
    const s = ctx.sizes.scaleOut;
    const world = await ctx.world(kind, INTAKE_WORLD, 'intake');
    const w = { prefix: INTAKE_WORLD.prefix, skus: INTAKE_WORLD.skus };
    const load = (server, connections, tag, hot = '') =>
      runWrk({ url: server.url, connections, seconds: s.seconds, args: intakeArgs(ADMIN_KEY, w.prefix, w.skus, tag, hot) });
    const out = { one: [], two: [], hot: [], walPerOrder: [], connections: [], cpuOne: [], cpuTwo: [], p99One: [], p99Two: [], p99Hot: [], errors: [], walOthers: [] };
    for (let run = 1; run <= ctx.runs; run++) {
      const db = await ctx.copy(world, 'scale-out');
      const a = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
      let b = null;
      try {
        ctx.note(`run ${run}: one process`);
        await runWrk({ url: a.url, connections: 16, seconds: s.warmup, args: intakeArgs(ADMIN_KEY, w.prefix, w.skus, `warm${run}a`) });
        const wal0 = await walMark(ctx, db.name);
        const cpu0 = cpuSeconds(a.pid);
        const one = await load(a, 16, `r${run}one`);
        out.cpuOne.push(((cpuSeconds(a.pid) - cpu0) * 1000) / one.requests);
        const wal = await walSince(ctx, wal0, db.name);
        out.walPerOrder.push(wal.bytes / one.requests);
        out.walOthers.push(wal.others);
        out.one.push(one.rate);
        out.p99One.push(one.latencyMs.p99);

        ctx.note(`run ${run}: two processes`);
        b = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
        await runWrk({ url: b.url, connections: 16, seconds: s.warmup, args: intakeArgs(ADMIN_KEY, w.prefix, w.skus, `warm${run}b`) });
        const cpuA = cpuSeconds(a.pid);
        const cpuB = cpuSeconds(b.pid);
        const two = await Promise.all([load(a, 8, `r${run}twoA`), load(b, 8, `r${run}twoB`)]);
        const twoOrders = two[0].requests + two[1].requests;
        out.cpuTwo.push(((cpuSeconds(a.pid) - cpuA + cpuSeconds(b.pid) - cpuB) * 1000) / twoOrders);
        out.two.push(two[0].rate + two[1].rate);
        out.p99Two.push(Math.max(two[0].latencyMs.p99, two[1].latencyMs.p99));
        const held = await ctx.scratch.adminRows(`select count(*)::int as n from pg_stat_activity where datname = '${db.name}'`);
        out.connections.push(held[0].n);

        ctx.note(`run ${run}: two processes, one sku in every order`);
        const hotSku = skuName(w.prefix, 0);
        const hot = await Promise.all([load(a, 8, `r${run}hotA`, hotSku), load(b, 8, `r${run}hotB`, hotSku)]);
        out.hot.push(hot[0].rate + hot[1].rate);
        out.p99Hot.push(Math.max(hot[0].latencyMs.p99, hot[1].latencyMs.p99));
        out.errors.push([one, ...two, ...hot].reduce((n, r) => n + r.errors, 0));
      } finally {
        await a.stop();
        if (b) await b.stop();
        await db.drop();
      }
    }
    return {
      id: 'scale-out',
      title: 'Intake with one and two serve processes on one PostgreSQL',
      db: kind,
      method: `The intake load of intake-floor (3-line orders over ${w.skus.toLocaleString('en-US')} skus, every line released) for ${s.seconds} s: one \`holdfast serve\` at 16 connections; then two on the same database, one wrk at 8 connections against each, at once; then the same two with one sku (${skuName(w.prefix, 0)}) in every order, which serializes every intake on that sku's lock. WAL is pg_current_wal_lsn() before and after the one-process load (the whole server's WAL). Connections: pg_stat_activity rows on the database after the two-process load. Client, both servers and PostgreSQL share the machine's ${ctx.machine.cores} cores.`,
      figures: [
        figure('one process', 'orders/s', out.one, { digits: 0 }),
        figure('two processes', 'orders/s', out.two, { digits: 0 }),
        figure('two / one', 'x', out.two.map((t, i) => t / out.one[i]), { digits: 2, bar: { text: '> 1x', ok: (v) => v > 1 } }),
        figure('p99 latency, one process', 'ms', out.p99One, { digits: 1 }),
        figure('p99 latency, two processes (the worse)', 'ms', out.p99Two, { digits: 1 }),
        figure('CPU per order, one process', 'ms', out.cpuOne, { digits: 2 }),
        figure('CPU per order, two processes (both)', 'ms', out.cpuTwo, { digits: 2 }),
        figure('two processes, one sku in every order', 'orders/s', out.hot, { digits: 0 }),
        figure('one hot sku / spread', 'x', out.hot.map((h, i) => h / out.two[i]), { digits: 2 }),
        figure('p99 latency, one hot sku', 'ms', out.p99Hot, { digits: 1 }),
        figure('WAL per order (whole server)', 'bytes', out.walPerOrder, { digits: 0 }),
        figure("other databases' transactions meanwhile (0: the WAL is intake's alone)", '', out.walOthers, { digits: 0 }),
        figure('database connections held by two processes', '', out.connections, { digits: 0 }),
        figure('failed requests', '', out.errors, { digits: 0, bar: exactly(0) }),
      ],
      notes: [],
    };
  },
};
