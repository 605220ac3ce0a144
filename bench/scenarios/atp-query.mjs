/**
 * The earliest date (SPEC 10): `GET /api/atp?sku=&locationId=&quantity=` with 1,000,000 held lines stored (the
 * world of backorder-1m, before any run), one request at a time from wrk (1 connection: the latency of one query,
 * not a queue), random sku, location and quantity. Bar: p99 < 2 ms. Each run measures, in turn on another copy, the
 * logic-free floor of the same query (bench/atp-floor-server.mjs): what HTTP, JSON and the reads alone cost here.
 */
import { figure, below, exactly } from '../lib/figures.mjs';
import { ADMIN_KEY, expectStatus, startAtpFloor, startHoldfast } from '../lib/processes.mjs';
import { atpArgs, runWrk } from '../lib/wrk.mjs';
import { LOCATIONS, skuName } from '../lib/world.mjs';
import { backorderWorld, fmtLines, seedEstimate } from './backorder.mjs';

export const atpQuery = {
  name: 'atp-query',
  kinds: ['sqlite', 'postgres'],
  estimate(ctx, kind) {
    const s = ctx.sizes.atp;
    return (ctx.plannedWorld(kind, backorderWorld(s.lines)) ? 0 : seedEstimate(kind, s.lines)) + ctx.runs * 2 * (2 + s.warmup + s.seconds);
  },
  async run(ctx, kind) {
    const s = ctx.sizes.atp;
    const spec = backorderWorld(s.lines);
    const world = await ctx.world(kind, spec, `backorder-${s.name}`);
    const runs = [];
    const floors = [];
    const notes = [];
    let holdfastDays = null;
    const args = atpArgs(ADMIN_KEY, spec.prefix, spec.skus, LOCATIONS.map((l) => l.id));
    /** Warms a server up, then answers wrk's figures for one connection. */
    const load = async (server, label, run) => {
      ctx.note(`run ${run}: ${label} warming up`);
      await runWrk({ url: server.url, connections: 1, seconds: s.warmup, args });
      ctx.note(`run ${run}: ${label}, one connection for ${s.seconds} s`);
      return runWrk({ url: server.url, connections: 1, seconds: s.seconds, args });
    };
    for (let run = 1; run <= ctx.runs; run++) {
      const db = await ctx.copy(world, 'atp');
      const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
      try {
        const sample = await expectStatus(200, 'GET', `${server.url}/api/atp?sku=${skuName(spec.prefix, 0)}&locationId=${LOCATIONS[0].id}&quantity=1`);
        if (!('earliestDate' in sample) || !Array.isArray(sample.days)) notes.push(`Run ${run}: the ATP answer lacks earliestDate or days: ${JSON.stringify(sample).slice(0, 200)}`);
        holdfastDays = sample.days?.length ?? null;
        runs.push(await load(server, 'Holdfast', run));
      } finally {
        await server.stop();
        await db.drop();
      }
      const fdb = await ctx.copy(world, 'atp-floor');
      const floor = await startAtpFloor({ databaseUrl: fdb.url, logDir: ctx.logDir });
      try {
        const sample = await expectStatus(200, 'GET', `${floor.url}/api/atp?sku=${skuName(spec.prefix, 0)}&locationId=${LOCATIONS[0].id}&quantity=1`);
        if (sample.days?.length !== holdfastDays) notes.push(`Run ${run}: the floor answers ${sample.days?.length} days, Holdfast ${holdfastDays}: the two answers differ in size.`);
        floors.push(await load(floor, 'the floor', run));
      } finally {
        await floor.stop();
        await fdb.drop();
      }
    }
    return {
      id: 'atp-query',
      title: `Earliest date with ${fmtLines(s.lines)} held lines stored`,
      db: kind,
      method: `wrk, 1 connection, ${s.seconds} s after a ${s.warmup} s warm-up: \`GET /api/atp?sku=&locationId=&quantity=\` for a random sku of ${fmtLines(spec.skus)}, location and quantity 1-5, on a fresh copy of the backorder world (${fmtLines(s.lines)} held lines, with their promises and a 30-day schedule). Each answer holds the whole horizon (91 days). Then the same load, on another fresh copy, against the floor (bench/atp-floor-server.mjs: Fastify reading only the (sku, location)'s stock, scheduled changes and promised quantities, one statement on PostgreSQL, and answering the same table; no key, settings, product or location check).`,
      figures: [
        figure('p50', 'ms', runs.map((r) => r.latencyMs.p50), { digits: 2 }),
        figure('p99', 'ms', runs.map((r) => r.latencyMs.p99), { digits: 2, bar: below(2, '< 2 ms') }),
        figure('max', 'ms', runs.map((r) => r.latencyMs.max), { digits: 1 }),
        figure('queries per second (one at a time)', 'queries/s', runs.map((r) => r.rate), { digits: 0 }),
        figure('failed requests', '', runs.map((r) => r.errors), { digits: 0, bar: exactly(0, '0') }),
        figure('floor p50', 'ms', floors.map((r) => r.latencyMs.p50), { digits: 2 }),
        figure('floor p99', 'ms', floors.map((r) => r.latencyMs.p99), { digits: 2 }),
        figure('p99 / floor p99', 'x', runs.map((r, i) => r.latencyMs.p99 / floors[i].latencyMs.p99), { digits: 2 }),
        figure('floor failed requests', '', floors.map((r) => r.errors), { digits: 0 }),
      ],
      notes,
    };
  },
};
