/**
 * The earliest date (SPEC 10): `GET /api/atp?sku=&locationId=&quantity=` with 1,000,000 held lines stored (the
 * world of backorder-1m, before any run), one request at a time from wrk (1 connection: the latency of one query,
 * not a queue), random sku, location and quantity. Bar: p99 < 2 ms. Each run measures, in turn on another copy, the
 * logic-free floor of the same query (bench/atp-floor-server.mjs): what HTTP, JSON and the reads alone cost here;
 * and that server reading nothing (one `select $1` per answer on PostgreSQL): what HTTP and one round trip cost; on
 * PostgreSQL, last, that server asking the database nothing: what HTTP and the answer alone cost here, the floor of a
 * server that answers from memory.
 */
import { figure, below, exactly } from '../lib/figures.mjs';
import { ADMIN_KEY, expectStatus, startAtpFloor, startHoldfast } from '../lib/processes.mjs';
import { measureServiceTimes } from '../lib/service-time.mjs';
import { atpArgs, runWrk } from '../lib/wrk.mjs';
import { LOCATIONS, skuName } from '../lib/world.mjs';
import { backorderWorld, fmtLines, seedEstimate } from './backorder.mjs';

/** The answers whose time inside the service the scenario reads from its duration histogram. */
const ATP_ROUTE = { method: 'GET', route: '/api/atp', status: 200 };

export const atpQuery = {
  name: 'atp-query',
  kinds: ['sqlite', 'postgres'],
  estimate(ctx, kind) {
    const s = ctx.sizes.atp;
    return (ctx.plannedWorld(kind, backorderWorld(s.lines)) ? 0 : seedEstimate(kind, s.lines)) + ctx.runs * (kind === 'postgres' ? 4 : 3) * (2 + s.warmup + s.seconds);
  },
  async run(ctx, kind) {
    const s = ctx.sizes.atp;
    const spec = backorderWorld(s.lines);
    const world = await ctx.world(kind, spec, `backorder-${s.name}`);
    const runs = [];
    const floors = [];
    const roundTrips = [];
    const httpFloors = [];
    const services = [];
    const notes = [];
    const args = atpArgs(ADMIN_KEY, spec.prefix, spec.skus, LOCATIONS.map((l) => l.id));
    const first = `/api/atp?sku=${skuName(spec.prefix, 0)}&locationId=${LOCATIONS[0].id}&quantity=1`;
    /**
     * On a fresh copy of the world: starts a server, takes one answer, warms it up and answers wrk's figures; with
     * `inside`, also how long the measured answers took inside the service (its duration histogram).
     */
    const measure = async (label, start, run, inside = false) => {
      const db = await ctx.copy(world, label);
      const server = await start({ databaseUrl: db.url, logDir: ctx.logDir });
      try {
        const sample = await expectStatus(200, 'GET', `${server.url}${first}`);
        ctx.note(`run ${run}: ${label} warming up`);
        await runWrk({ url: server.url, connections: 1, seconds: s.warmup, args });
        ctx.note(`run ${run}: ${label}, one connection for ${s.seconds} s`);
        const load = () => runWrk({ url: server.url, connections: 1, seconds: s.seconds, args });
        if (!inside) return { sample, result: await load(), service: null };
        return { sample, ...(await measureServiceTimes(server.url, ATP_ROUTE, 0.002, load)) };
      } finally {
        await server.stop();
        await db.drop();
      }
    };
    for (let run = 1; run <= ctx.runs; run++) {
      const ours = await measure('atp', startHoldfast, run, true);
      services.push(ours.service);
      // With one connection at most one answer is in flight when wrk stops.
      if (Math.abs(ours.service.answers - ours.result.requests) > 1) notes.push(`Run ${run}: the service counted ${ours.service.answers} ATP answers in the measured load, wrk ${ours.result.requests}.`);
      if (!('earliestDate' in ours.sample) || !Array.isArray(ours.sample.days)) notes.push(`Run ${run}: the ATP answer lacks earliestDate or days: ${JSON.stringify(ours.sample).slice(0, 200)}`);
      runs.push(ours.result);
      const floor = await measure('atp-floor', startAtpFloor, run);
      if (floor.sample.days?.length !== ours.sample.days?.length) notes.push(`Run ${run}: the floor answers ${floor.sample.days?.length} days, Holdfast ${ours.sample.days?.length}: the two answers differ in size.`);
      floors.push(floor.result);
      const roundTrip = await measure('atp-round-trip', (o) => startAtpFloor({ ...o, readsNothing: true }), run);
      roundTrips.push(roundTrip.result);
      if (kind === 'postgres') httpFloors.push((await measure('atp-http', (o) => startAtpFloor({ ...o, asksNothing: true }), run)).result);
    }
    return {
      id: 'atp-query',
      title: `Earliest date with ${fmtLines(s.lines)} held lines stored`,
      db: kind,
      method: `wrk, 1 connection, ${s.seconds} s after a ${s.warmup} s warm-up: \`GET /api/atp?sku=&locationId=&quantity=\` for a random sku of ${fmtLines(spec.skus)}, location and quantity 1-5, on a fresh copy of the backorder world (${fmtLines(s.lines)} held lines, with their promises and a 30-day schedule). Each answer holds the whole horizon (91 days). Then the same load, on another fresh copy, against the floor (bench/atp-floor-server.mjs: Fastify reading only the (sku, location)'s stock, scheduled changes and promised quantities, one statement on PostgreSQL, and answering the same table; no key, settings, product or location check). Then the same server reading nothing of the world: on PostgreSQL each answer waits for one \`select $1\` (HTTP and one round trip, the least any server that asks the database per answer pays), on SQLite for no statement. On PostgreSQL, last, that server asking the database nothing (HTTP and the answer alone: the least a server answering from memory pays here). Holdfast's own time for the same answers comes from its duration histogram (\`GET /metrics\` before and after the load: onRequest to the response written), so a tail can be told apart from the machine's.`,
      figures: [
        figure('p50', 'ms', runs.map((r) => r.latencyMs.p50), { digits: 2 }),
        figure('p99', 'ms', runs.map((r) => r.latencyMs.p99), { digits: 2, bar: below(2, '< 2 ms') }),
        figure('max', 'ms', runs.map((r) => r.latencyMs.max), { digits: 1 }),
        figure('queries per second (one at a time)', 'queries/s', runs.map((r) => r.rate), { digits: 0 }),
        figure('failed requests', '', runs.map((r) => r.errors), { digits: 0, bar: exactly(0) }),
        figure('answered within 2 ms inside the service (its duration histogram)', '%', services.map((x) => 100 * x.withinShare), { digits: 2 }),
        figure('service time p99, at most (histogram bound)', 'ms', services.map((x) => 1000 * x.p99AtMostSeconds), { digits: 1 }),
        figure('floor p50', 'ms', floors.map((r) => r.latencyMs.p50), { digits: 2 }),
        figure('floor p99', 'ms', floors.map((r) => r.latencyMs.p99), { digits: 2 }),
        figure('p99 / floor p99', 'x', runs.map((r, i) => r.latencyMs.p99 / floors[i].latencyMs.p99), { digits: 2 }),
        figure('floor failed requests', '', floors.map((r) => r.errors), { digits: 0 }),
        figure(kind === 'postgres' ? 'round-trip floor p99 (one `select $1` per answer)' : 'HTTP floor p99 (no statement)', 'ms', roundTrips.map((r) => r.latencyMs.p99), { digits: 2 }),
        figure('no-read floor failed requests', '', roundTrips.map((r) => r.errors), { digits: 0 }),
        ...(kind === 'postgres'
          ? [
              figure('HTTP floor p99 (no statement)', 'ms', httpFloors.map((r) => r.latencyMs.p99), { digits: 2 }),
              figure('p99 / HTTP floor p99', 'x', runs.map((r, i) => r.latencyMs.p99 / httpFloors[i].latencyMs.p99), { digits: 2 }),
            ]
          : []),
      ],
      notes,
    };
  },
};
