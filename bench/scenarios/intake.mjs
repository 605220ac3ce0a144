/**
 * Intake over HTTP on SQLite (SPEC 10):
 *  - intake-floor: Holdfast against the logic-free floor (bench/floor-server.mjs) on copies of one database, loaded
 *    by the same wrk script (3-line orders over 1,000 skus with ample stock, so every line is released) at 1, 4, 16
 *    and 50 connections, the two servers taking turns at each count. Bar at 16 connections: >= 0.7x the floor's
 *    orders/s, p99 < 20 ms.
 *  - intake-hot-skus: the same load on 20 skus with nothing on hand and a 30-day schedule, so every new line goes on
 *    Backorder Hold with dates; once with no held lines, once with 10,000 held lines per sku. Bar: >= 0.8x.
 */
import { figure, atLeast, below, exactly } from '../lib/figures.mjs';
import { median } from '../lib/stats.mjs';
import { openSql } from '../lib/databases.mjs';
import { checkInvariants } from '../lib/invariants.mjs';
import { ADMIN_KEY, cpuSeconds, startFloor, startHoldfast } from '../lib/processes.mjs';
import { measureServiceTimes } from '../lib/service-time.mjs';
import { intakeArgs, runWrk } from '../lib/wrk.mjs';

/** 1,000 skus with ample stock at every location: every line of every order is released. */
export const INTAKE_WORLD = { prefix: 'I', skus: 1000, linesPerSku: 0, onHandUnits: 1_000_000_000, seed: 11 };

/** The answers to new orders, whose time inside Holdfast the scenario reads from its duration histogram. */
const ORDERS_ROUTE = { method: 'POST', route: '/api/orders', status: 201 };

/**
 * One wrk load on a server, with the server's CPU time per answered order; with `inside` (Holdfast), also how long
 * the same answers took inside the service (within SPEC 10's 20 ms, and the bound that holds their p99).
 */
async function measure(server, o) {
  const load = async () => {
    const cpu0 = cpuSeconds(server.pid);
    const r = await runWrk({ url: server.url, connections: o.connections, seconds: o.seconds, args: intakeArgs(ADMIN_KEY, o.prefix, o.skus, o.tag) });
    const cpu = cpuSeconds(server.pid) - cpu0;
    return { ...r, cpuMsPerOrder: r.requests > 0 ? (cpu * 1000) / r.requests : NaN };
  };
  if (!o.inside) return { ...(await load()), service: null };
  const { result, service } = await measureServiceTimes(server.url, ORDERS_ROUTE, 0.02, load);
  return { ...result, service };
}

const warm = (server, o, seconds) => runWrk({ url: server.url, connections: 16, seconds, args: intakeArgs(ADMIN_KEY, o.prefix, o.skus, `warm${o.run}`) });

export const intakeFloor = {
  name: 'intake-floor',
  kinds: ['sqlite'],
  estimate(ctx) {
    const s = ctx.sizes.intake;
    return 3 + ctx.runs * (3 + 2 * s.warmup + s.connections.length * 2 * (s.seconds + 0.3));
  },
  /** @returns {Promise<import('../lib/figures.mjs').Section>} */
  async run(ctx, kind) {
    const s = ctx.sizes.intake;
    const world = await ctx.world(kind, INTAKE_WORLD, 'intake');
    /** @type {Record<number, { floor: any[], holdfast: any[] }>} */
    const byConnections = Object.fromEntries(s.connections.map((c) => [c, { floor: [], holdfast: [] }]));
    const notes = [];
    for (let run = 1; run <= ctx.runs; run++) {
      const hdb = await ctx.copy(world, 'intake-holdfast');
      const fdb = await ctx.copy(world, 'intake-floor');
      ctx.note(`run ${run}: starting the floor and Holdfast`);
      const floor = await startFloor({ databaseUrl: fdb.url, logDir: ctx.logDir });
      const holdfast = await startHoldfast({ databaseUrl: hdb.url, logDir: ctx.logDir });
      try {
        const load = { prefix: INTAKE_WORLD.prefix, skus: INTAKE_WORLD.skus, run };
        ctx.note(`run ${run}: warming up`);
        await warm(floor, load, s.warmup);
        await warm(holdfast, load, s.warmup);
        for (const connections of s.connections) {
          for (const [name, server] of [['floor', floor], ['holdfast', holdfast]]) {
            ctx.note(`run ${run}: ${name} at ${connections} connections`);
            byConnections[connections][name].push(await measure(server, { ...load, connections, seconds: s.seconds, tag: `r${run}c${connections}`, inside: server === holdfast }));
          }
        }
      } finally {
        await floor.stop();
        await holdfast.stop();
      }
      if (run === ctx.runs) {
        const problems = await checkInvariants(kind, hdb.url);
        if (problems.length) notes.push(`After the load Holdfast's database breaks invariants: ${problems.map((p) => `${p.count} ${p.detail}`).join('; ')}.`);
      }
      await hdb.drop();
      await fdb.drop();
    }

    const atConnections = byConnections[16] ? 16 : s.connections.at(-1);
    const at = byConnections[atConnections];
    at.holdfast.forEach((h, i) => {
      // At most one answer per connection is in flight when wrk stops.
      if (Math.abs(h.service.answers - h.requests) > atConnections) notes.push(`Run ${i + 1}: the service counted ${h.service.answers} new orders in the measured load, wrk ${h.requests}.`);
    });
    const ratios = at.holdfast.map((h, i) => h.rate / at.floor[i].rate);
    const rows = s.connections.map((c) => {
      const { floor, holdfast } = byConnections[c];
      const m = (xs, f) => median(xs.map(f));
      const ratio = median(holdfast.map((h, i) => h.rate / floor[i].rate));
      return `| ${c} | ${m(floor, (x) => x.rate).toFixed(0)} | ${m(holdfast, (x) => x.rate).toFixed(0)} | ${ratio.toFixed(2)}x | ${m(floor, (x) => x.latencyMs.p99).toFixed(1)} | ${m(holdfast, (x) => x.latencyMs.p99).toFixed(1)} | ${m(floor, (x) => x.cpuMsPerOrder).toFixed(2)} | ${m(holdfast, (x) => x.cpuMsPerOrder).toFixed(2)} | ${m(holdfast, (x) => x.errors)} |`;
    });
    return {
      id: 'intake-floor',
      title: 'Intake against its floor',
      db: kind,
      method: `wrk (1 thread) posts 3-line orders (quantity 1, three distinct skus of ${INTAKE_WORLD.skus.toLocaleString('en-US')}, ample stock: every line is released at the first location) for ${s.seconds} s per connection count, to Holdfast and to the floor (bench/floor-server.mjs: Fastify + better-sqlite3 writing the order, its lines, their events and the stock reservations, one transaction per order) on copies of one database made by \`holdfast migrate\`; the two take turns at each count, after a ${s.warmup} s warm-up each. CPU per order is the server process's user + system time (/proc/<pid>/stat) over the answered orders. Holdfast's own time for the same orders comes from its duration histogram (\`GET /metrics\` before and after each load: onRequest to the response written), so a tail can be told apart from the machine's.`,
      figures: [
        figure('Holdfast at 16 connections', 'orders/s', at.holdfast.map((x) => x.rate), { digits: 0 }),
        figure('floor at 16 connections', 'orders/s', at.floor.map((x) => x.rate), { digits: 0 }),
        figure('Holdfast / floor', 'x', ratios, { digits: 2, bar: atLeast(0.7, '>= 0.7x') }),
        figure('Holdfast p50 latency', 'ms', at.holdfast.map((x) => x.latencyMs.p50), { digits: 1 }),
        figure('Holdfast p99 latency', 'ms', at.holdfast.map((x) => x.latencyMs.p99), { digits: 1, bar: below(20, '< 20 ms') }),
        figure('Holdfast orders answered within 20 ms inside the service (its duration histogram)', '%', at.holdfast.map((x) => 100 * x.service.withinShare), { digits: 2 }),
        figure('Holdfast service time p99, at most (histogram bound)', 'ms', at.holdfast.map((x) => 1000 * x.service.p99AtMostSeconds), { digits: 0 }),
        figure('floor p99 latency', 'ms', at.floor.map((x) => x.latencyMs.p99), { digits: 1 }),
        figure('Holdfast CPU per order', 'ms', at.holdfast.map((x) => x.cpuMsPerOrder), { digits: 2 }),
        figure('floor CPU per order', 'ms', at.floor.map((x) => x.cpuMsPerOrder), { digits: 2 }),
        figure('Holdfast failed requests (socket errors, timeouts, non-2xx)', '', at.holdfast.map((x) => x.errors), { digits: 0, bar: exactly(0) }),
      ],
      tables: [
        [
          'By connections (medians of the runs):',
          '',
          '| connections | floor orders/s | Holdfast orders/s | ratio | floor p99 ms | Holdfast p99 ms | floor CPU ms/order | Holdfast CPU ms/order | Holdfast failed |',
          '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
          ...rows,
        ].join('\n'),
      ],
      notes,
      data: {
        connections: s.connections,
        floor: s.connections.map((c) => median(byConnections[c].floor.map((x) => x.rate))),
        holdfast: s.connections.map((c) => median(byConnections[c].holdfast.map((x) => x.rate))),
      },
    };
  },
};

export const intakeHotSkus = {
  name: 'intake-hot-skus',
  kinds: ['sqlite'],
  estimate(ctx) {
    const s = ctx.sizes.hot;
    return 2 + (s.heldPerSku * 20) / 20_000 + ctx.runs * 2 * (2 + s.warmup + s.seconds);
  },
  async run(ctx, kind) {
    const s = ctx.sizes.hot;
    // The same schedule in both worlds, enough for the held lines and for what the load adds.
    const base = { prefix: 'H', skus: 20, receiptsPerLocation: 30, scheduledUnits: s.heldPerSku * 3 + 20_000, onHandUnits: 0, seed: 13 };
    const none = await ctx.world(kind, { ...base, linesPerSku: 0 }, 'hot-none');
    const held = await ctx.world(kind, { ...base, linesPerSku: s.heldPerSku }, 'hot-held');
    const results = { none: [], held: [] };
    for (let run = 1; run <= ctx.runs; run++) {
      // Taking turns in both orders cancels a drift of the machine between the two.
      const order = run % 2 ? [['none', none], ['held', held]] : [['held', held], ['none', none]];
      for (const [name, world] of order) {
        const db = await ctx.copy(world, `hot-${name}`);
        ctx.note(`run ${run}: ${name === 'none' ? 'no held lines' : `${s.heldPerSku.toLocaleString('en-US')} held lines per sku`}`);
        const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
        const since = Date.now();
        const load = { prefix: base.prefix, skus: base.skus, run };
        try {
          await warm(server, load, s.warmup);
          const r = await measure(server, { ...load, connections: 16, seconds: s.seconds, tag: `r${run}` });
          results[name].push({ ...r, ...(await newLines(kind, db.url, since)) });
        } finally {
          await server.stop();
          await db.drop();
        }
      }
    }
    const ratios = results.held.map((h, i) => h.rate / results.none[i].rate);
    const heldLabel = `${s.heldPerSku.toLocaleString('en-US')} held lines per sku`;
    return {
      id: 'intake-hot-skus',
      title: 'Intake on skus with many held lines',
      db: kind,
      method: `The intake load of intake-floor (3-line orders, 16 connections, ${s.seconds} s after a ${s.warmup} s warm-up) on 20 skus with nothing on hand and receipts every day of the next 30, so every new line goes on Backorder Hold with dates after the held lines: once with no held lines, once with ${heldLabel} (${(s.heldPerSku * 20).toLocaleString('en-US')} in all, seeded in the state intake leaves). Each on a fresh copy of its database.`,
      figures: [
        figure('no held lines', 'orders/s', results.none.map((x) => x.rate), { digits: 0 }),
        figure(heldLabel, 'orders/s', results.held.map((x) => x.rate), { digits: 0 }),
        figure('with held lines / without', 'x', ratios, { digits: 2, bar: atLeast(0.8, '>= 0.8x') }),
        figure('p99 latency, no held lines', 'ms', results.none.map((x) => x.latencyMs.p99), { digits: 1 }),
        figure(`p99 latency, ${heldLabel}`, 'ms', results.held.map((x) => x.latencyMs.p99), { digits: 1 }),
        figure('CPU per order, no held lines', 'ms', results.none.map((x) => x.cpuMsPerOrder), { digits: 2 }),
        figure(`CPU per order, ${heldLabel}`, 'ms', results.held.map((x) => x.cpuMsPerOrder), { digits: 2 }),
        figure('new lines given a date, no held lines', '%', results.none.map((x) => x.datedShare * 100), { digits: 0 }),
        figure(`new lines given a date, ${heldLabel}`, '%', results.held.map((x) => x.datedShare * 100), { digits: 0 }),
        figure('failed requests', '', [...results.none, ...results.held].map((x) => x.errors), { digits: 0, bar: exactly(0) }),
      ],
      notes: [],
    };
  },
};

/** The lines intake made since `since`: how many, and the share that went on hold with a date. */
async function newLines(kind, url, since) {
  const sql = await openSql(kind, url);
  try {
    const rows = await sql.all(
      `select count(*) as n, sum(case when status_reason = 'BackorderHold' and inventory_availability_date is not null then 1 else 0 end) as dated
       from order_lines where ordered_at >= $1`,
      [since],
    );
    const n = Number(rows[0].n);
    return { newLines: n, datedShare: n ? Number(rows[0].dated) / n : NaN };
  } finally {
    await sql.close();
  }
}
