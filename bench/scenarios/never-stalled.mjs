/**
 * Never stalled (SPEC 10): while a `backorder` run over 1,000,000 held lines runs (the world of backorder-1m),
 *  - a separate process (bench/prober.mjs) sends `GET /health` and `GET /api/order-lines?limit=5` every 20 ms:
 *    bar p99 < 100 ms for both, no failures;
 *  - meanwhile the service delivers webhooks: a subscription to `line.released` sends each release to a receiver in
 *    the bench's process (bar: deliveries arrive during the run, in every run), and the run's lease heartbeat goes
 *    on (bar: never silent for the lease timeout, after which another process may take the run over);
 *  - on another fresh copy, wrk keeps an intake load (16 connections) going from before the run until it ends:
 *    the orders placed per second during the run against those placed before it (counted in the database by
 *    their orderedAt): bar >= 0.5x.
 */
import { figure, atLeast, below, exactly } from '../lib/figures.mjs';
import { percentile } from '../lib/stats.mjs';
import { openSql } from '../lib/databases.mjs';
import { runJob } from '../lib/jobs.mjs';
import { ADMIN_KEY, expectStatus, sleep, startHoldfast, startProber } from '../lib/processes.mjs';
import { longestGap, RECEIVER_SECRET, startReceiver, watchHeartbeats } from '../lib/side-work.mjs';
import { intakeArgs, startWrk } from '../lib/wrk.mjs';
import { backorderWorld, fmtLines, seedEstimate } from './backorder.mjs';

/** `serve`'s default lease timeout (HOLDFAST_LEASE_TIMEOUT_MS): a run silent this long may be taken over. */
const LEASE_TIMEOUT_S = 30;

export const neverStalled = {
  name: 'never-stalled',
  kinds: ['sqlite', 'postgres'],
  estimate(ctx, kind) {
    const s = ctx.sizes.stalled;
    const perRun = 2 * (3 + s.lines / (kind === 'sqlite' ? 25_000 : 20_000)) + s.idleSeconds;
    return (ctx.plannedWorld(kind, backorderWorld(s.lines)) ? 0 : seedEstimate(kind, s.lines)) + ctx.runs * perRun;
  },
  async run(ctx, kind) {
    const s = ctx.sizes.stalled;
    const spec = backorderWorld(s.lines);
    const world = await ctx.world(kind, spec, `backorder-${s.name}`);
    const out = { health: [], read: [], runSeconds: [], delivered: [], deliveryMs: [], beatGap: [], idle: [], during: [], intakeRunSeconds: [], wrkErrors: [], unfinished: [] };
    const notes = [];
    for (let run = 1; run <= ctx.runs; run++) {
      // Of this run's two job runs (probed, under intake), those that did not succeed.
      let unfinished = 0;
      // Probes alone.
      {
        const db = await ctx.copy(world, 'stalled-probes');
        const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
        const receiver = await startReceiver();
        try {
          ctx.note(`run ${run}: probing during a run over ${fmtLines(s.lines)} lines`);
          await expectStatus([200, 201], 'PUT', `${server.url}/api/webhooks/bench-receiver`, {
            body: { url: receiver.url, secret: RECEIVER_SECRET, events: ['line.released'], description: 'the bench receiver' },
          });
          const beats = watchHeartbeats(kind, db.url, 'backorder');
          const prober = startProber(server);
          await sleep(200);
          const job = await runJob(server);
          const probes = await prober.stop();
          const heartbeats = await beats.stop();
          const [runStart, runEnd] = [Date.parse(job.run.startedAt), Date.parse(job.run.finishedAt)];
          const deliveries = receiver.between(runStart, runEnd);
          out.delivered.push(deliveries.count);
          out.deliveryMs.push(deliveries.latenciesMs);
          out.beatGap.push(longestGap(heartbeats.get(job.run.id) ?? [], runStart, runEnd) / 1000);
          if (receiver.unreadable > 0) notes.push(`Run ${run}: ${receiver.unreadable} deliveries had no readable occurredAt.`);
          if (job.run.status !== 'succeeded') {
            notes.push(`Run ${run}: the probed run ended ${job.run.status}: ${job.run.error}`);
            unfinished++;
          }
          out.health.push(probes.health);
          out.read.push(probes.read);
          for (const [name, r] of Object.entries(probes)) {
            for (const [reason, n] of Object.entries(r.reasons ?? {})) notes.push(`Run ${run}: ${n} ${name} probe(s) failed: ${reason}`);
          }
          out.runSeconds.push(job.seconds);
        } finally {
          await server.stop();
          await receiver.close();
          await db.drop();
        }
      }
      // Intake before and during a run.
      {
        const db = await ctx.copy(world, 'stalled-intake');
        const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
        try {
          ctx.note(`run ${run}: intake before and during a run`);
          const loadFrom = Date.now();
          const wrk = startWrk({ url: server.url, connections: 16, seconds: 3600, args: intakeArgs(ADMIN_KEY, spec.prefix, spec.skus, `r${run}`) });
          await sleep(s.idleSeconds * 1000);
          const job = await runJob(server);
          wrk.stop();
          const w = await wrk.done;
          out.wrkErrors.push(w.errors);
          if (job.run.status !== 'succeeded') {
            notes.push(`Run ${run}: the run under intake ended ${job.run.status}: ${job.run.error}`);
            unfinished++;
          }
          const runStart = Date.parse(job.run.startedAt);
          const runEnd = Date.parse(job.run.finishedAt);
          // The first second of load is its warm-up.
          const idleFrom = loadFrom + 1000;
          out.idle.push((await ordersBetween(kind, db.url, idleFrom, runStart)) / ((runStart - idleFrom) / 1000));
          out.during.push((await ordersBetween(kind, db.url, runStart, runEnd)) / ((runEnd - runStart) / 1000));
          out.intakeRunSeconds.push(job.seconds);
        } finally {
          await server.stop();
          await db.drop();
        }
      }
      out.unfinished.push(unfinished);
    }
    const p = (list, q) => list.map((x) => percentile(x.latenciesMs, q));
    const max = (list) => list.map((x) => Math.max(...x.latenciesMs));
    const failures = (list) => list.map((x) => x.failures);
    return {
      id: 'never-stalled',
      title: `Answers during a run over ${fmtLines(s.lines)} held lines`,
      db: kind,
      method: `On a fresh copy of the backorder world (${fmtLines(s.lines)} held lines), bench/prober.mjs (its own process) sends \`GET /health\` and \`GET /api/order-lines?limit=5\` every 20 ms from 200 ms before a \`backorder\` run starts until the bench sees it has ended (it asks every 250 ms), never waiting for an earlier probe (a probe without an answer within 10 s fails). Meanwhile the service has a webhook subscription to \`line.released\` whose receiver (a node:http server in the bench's process, answering 200 at once) notes each delivery's arrival and its time since the event's \`occurredAt\`; the deliveries counted are those that arrived between the run's \`startedAt\` and \`finishedAt\` (the rest of the backlog goes out after the run). The bench reads the run's lease every 250 ms: the longest time without a heartbeat is taken between the run's start, its heartbeats and its end. On another fresh copy wrk posts 3-line orders at 16 connections from ${s.idleSeconds} s before a run until it ends; the orders per second are counted in the database by orderedAt, before the run (after a 1 s warm-up) and during it.`,
      figures: [
        figure('/health p50', 'ms', p(out.health, 50), { digits: 1 }),
        figure('/health p99', 'ms', p(out.health, 99), { digits: 1, bar: below(100, '< 100 ms') }),
        figure('/health max', 'ms', max(out.health), { digits: 0 }),
        figure('/health failures', '', failures(out.health), { digits: 0, bar: exactly(0) }),
        figure('read p50', 'ms', p(out.read, 50), { digits: 1 }),
        figure('read p99', 'ms', p(out.read, 99), { digits: 1, bar: below(100, '< 100 ms') }),
        figure('read max', 'ms', max(out.read), { digits: 0 }),
        figure('read failures', '', failures(out.read), { digits: 0, bar: exactly(0) }),
        figure('probes per run', '', out.health.map((x) => x.latenciesMs.length + x.failures), { digits: 0 }),
        figure('the probed run', 's', out.runSeconds, { digits: 1 }),
        figure('webhook deliveries received during the probed run', '', out.delivered, { digits: 0, bar: { text: '> 0 in every run', ok: (v) => v > 0, every: true } }),
        figure('deliveries per second during the run', '/s', out.delivered.map((n, i) => n / out.runSeconds[i]), { digits: 0 }),
        figure('delivery p50 (event to receiver)', 'ms', out.deliveryMs.map((l) => percentile(l, 50)), { digits: 0 }),
        figure('delivery p99 (event to receiver)', 'ms', out.deliveryMs.map((l) => percentile(l, 99)), { digits: 0 }),
        figure('longest time without a lease heartbeat', 's', out.beatGap, {
          digits: 1,
          bar: { text: `< ${LEASE_TIMEOUT_S} s (the lease timeout) in every run`, ok: (v) => v < LEASE_TIMEOUT_S, every: true },
        }),
        figure('intake before the run', 'orders/s', out.idle, { digits: 0 }),
        figure('intake during the run', 'orders/s', out.during, { digits: 0 }),
        figure('during / before', 'x', out.during.map((d, i) => d / out.idle[i]), { digits: 2, bar: atLeast(0.5, '>= 0.5x') }),
        figure('the run under intake', 's', out.intakeRunSeconds, { digits: 1 }),
        figure('intake failed requests', '', out.wrkErrors, { digits: 0 }),
        // Probes and rates taken during a run that failed early would pass their bars without a run to stand up to.
        figure('runs that failed (probed, under intake)', '', out.unfinished, { digits: 0, bar: exactly(0) }),
      ],
      notes,
    };
  },
};

async function ordersBetween(kind, url, from, to) {
  const sql = await openSql(kind, url);
  try {
    const rows = await sql.all('select count(*) as n from orders where ordered_at >= $1 and ordered_at < $2', [from, to]);
    return Number(rows[0].n);
  } finally {
    await sql.close();
  }
}
