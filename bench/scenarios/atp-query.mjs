/**
 * The earliest date (SPEC 10): `GET /api/atp?sku=&locationId=&quantity=` with 1,000,000 held lines stored (the
 * world of backorder-1m, before any run), one request at a time from wrk (1 connection: the latency of one query,
 * not a queue), random sku, location and quantity. Bar: p99 < 2 ms.
 */
import { figure, below, exactly } from '../lib/figures.mjs';
import { ADMIN_KEY, expectStatus, startHoldfast } from '../lib/processes.mjs';
import { atpArgs, runWrk } from '../lib/wrk.mjs';
import { LOCATIONS, skuName } from '../lib/world.mjs';
import { backorderWorld, fmtLines, seedEstimate } from './backorder.mjs';

export const atpQuery = {
  name: 'atp-query',
  kinds: ['sqlite', 'postgres'],
  estimate(ctx, kind) {
    const s = ctx.sizes.atp;
    return (ctx.plannedWorld(kind, backorderWorld(s.lines)) ? 0 : seedEstimate(kind, s.lines)) + ctx.runs * (2 + s.warmup + s.seconds);
  },
  async run(ctx, kind) {
    const s = ctx.sizes.atp;
    const spec = backorderWorld(s.lines);
    const world = await ctx.world(kind, spec, `backorder-${s.name}`);
    const runs = [];
    const notes = [];
    for (let run = 1; run <= ctx.runs; run++) {
      const db = await ctx.copy(world, 'atp');
      const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
      try {
        const sample = await expectStatus(200, 'GET', `${server.url}/api/atp?sku=${skuName(spec.prefix, 0)}&locationId=${LOCATIONS[0].id}&quantity=1`);
        if (!('earliestDate' in sample) || !Array.isArray(sample.days)) notes.push(`Run ${run}: the ATP answer lacks earliestDate or days: ${JSON.stringify(sample).slice(0, 200)}`);
        const args = atpArgs(ADMIN_KEY, spec.prefix, spec.skus, LOCATIONS.map((l) => l.id));
        ctx.note(`run ${run}: warming up`);
        await runWrk({ url: server.url, connections: 1, seconds: s.warmup, args });
        ctx.note(`run ${run}: one connection for ${s.seconds} s`);
        runs.push(await runWrk({ url: server.url, connections: 1, seconds: s.seconds, args }));
      } finally {
        await server.stop();
        await db.drop();
      }
    }
    return {
      id: 'atp-query',
      title: `Earliest date with ${fmtLines(s.lines)} held lines stored`,
      db: kind,
      method: `wrk, 1 connection, ${s.seconds} s after a ${s.warmup} s warm-up: \`GET /api/atp?sku=&locationId=&quantity=\` for a random sku of ${fmtLines(spec.skus)}, location and quantity 1-5, on a fresh copy of the backorder world (${fmtLines(s.lines)} held lines, with their promises and a 30-day schedule). Each answer holds the whole horizon (91 days).`,
      figures: [
        figure('p50', 'ms', runs.map((r) => r.latencyMs.p50), { digits: 2 }),
        figure('p99', 'ms', runs.map((r) => r.latencyMs.p99), { digits: 2, bar: below(2, '< 2 ms') }),
        figure('max', 'ms', runs.map((r) => r.latencyMs.max), { digits: 1 }),
        figure('queries per second (one at a time)', 'queries/s', runs.map((r) => r.rate), { digits: 0 }),
        figure('failed requests', '', runs.map((r) => r.errors), { digits: 0, bar: exactly(0, '0') }),
      ],
      notes,
    };
  },
};
