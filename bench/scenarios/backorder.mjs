/**
 * A `backorder` run over many held lines (SPEC 10): 100 held lines per sku over 3 locations (10,000 skus for
 * 1,000,000 lines), 5 receipts per sku and location within the next 30 days covering 80% of the demand, and stock
 * on hand for half of it, so the run releases about half the lines and re-dates nearly all the others. Run in a
 * `holdfast serve` process on a fresh copy of the seeded database, then run again with nothing left to change.
 * Bars at 1,000,000 lines, on both databases: under 30 s, under 1 GiB peak resident memory, rerun under 5 s.
 *
 * A `preorder` run over the same world with every line on PreorderHold, its product launched today: the run moves
 * every line, about half to fulfillment and the others to BackorderHold with their dates. Held to the same bars.
 */
import { figure, below, exactly, MiB } from '../lib/figures.mjs';
import { checkInvariants } from '../lib/invariants.mjs';
import { runJob } from '../lib/jobs.mjs';
import { jobFloor } from '../lib/job-floor.mjs';
import { cpuSeconds, machineCpuSeconds, memory, startHoldfast } from '../lib/processes.mjs';

export const MILLION = 1_000_000;

/** The world of a backorder run over `lines` held lines. */
export const backorderWorld = (lines) => ({
  prefix: 'B',
  skus: Math.max(1, Math.round(lines / 100)),
  linesPerSku: 100,
  receiptsPerLocation: 5,
  receiptDays: 30,
  scheduledShare: 0.8,
  onHandShare: 0.5,
  seed: 17,
});

/** The same world with every line on PreorderHold, its product launching today (in scope of a `preorder` run). */
export const preorderWorld = (lines) => ({ ...backorderWorld(lines), prefix: 'P', hold: /** @type {'preorder'} */ ('preorder') });

export const fmtLines = (n) => n.toLocaleString('en-US');

/** Seconds the planner allows for seeding a world of `lines` lines (used for the progress bar only). */
export const seedEstimate = (kind, lines) => 1 + lines / (kind === 'sqlite' ? 10_000 : 8_000);

/**
 * A point in PostgreSQL's WAL, with the transactions the server's other databases had ended by then: WAL is written
 * for the whole server, so `walSince` also says how much else was going on (0 on a quiet server).
 */
export async function walMark(ctx, dbName) {
  const rows = await ctx.scratch.adminRows(
    `select pg_current_wal_lsn()::text as lsn,
       (select coalesce(sum(xact_commit + xact_rollback), 0) from pg_stat_database where datname is distinct from '${dbName}')::bigint as others`,
  );
  return { lsn: rows[0].lsn, others: Number(rows[0].others) };
}

/** WAL bytes written since a mark, and the transactions other databases ended meanwhile. */
export async function walSince(ctx, mark, dbName) {
  const now = await walMark(ctx, dbName);
  const rows = await ctx.scratch.adminRows(`select pg_wal_lsn_diff('${now.lsn}', '${mark.lsn}')::bigint as bytes`);
  return { bytes: Number(rows[0].bytes), others: now.others - mark.others };
}

/**
 * One job scenario per size: backorder-100k, backorder-300k, backorder-1m, and preorder-1m (`job` 'preorder': its
 * own world, and a floor that moves every line as a preorder run does).
 */
export function backorderScenario(size, job = 'backorder') {
  const name = `${job}-${size}`;
  const worldOf = job === 'preorder' ? preorderWorld : backorderWorld;
  return {
    name,
    kinds: ['sqlite', 'postgres'],
    lines: (ctx) => ctx.sizes.backorder[size],
    estimate(ctx, kind) {
      const lines = ctx.sizes.backorder[size];
      // The run and its rerun, then the floor on another copy.
      const floor = ctx.quick && size !== '1m' ? 0 : kind === 'sqlite' ? 1 + lines / 40_000 : 2 + lines / 12_500;
      const perRun = (kind === 'sqlite' ? 2 + lines / 30_000 : 3 + lines / 25_000) + floor;
      return (ctx.plannedWorld(kind, worldOf(lines)) ? 0 : seedEstimate(kind, lines)) + ctx.runs * perRun;
    },
    async run(ctx, kind) {
      const lines = ctx.sizes.backorder[size];
      const world = await ctx.world(kind, worldOf(lines), name);
      const atScale = lines >= MILLION;
      const barIfScale = (bar) => (atScale ? bar : null);
      const out = { seconds: [], floor: [], ratio: [], rerun: [], peak: [], rate: [], released: [], backordered: [], changedByRerun: [], failed: [], unfinished: [], wal: [], walOthers: [], cpu: [], serveCpu: [], floorCpu: [], notes: [] };
      for (let run = 1; run <= ctx.runs; run++) {
        const db = await ctx.copy(world, name);
        const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
        try {
          ctx.note(`run ${run}: ${job} run over ${fmtLines(lines)} held lines`);
          const wal0 = kind === 'postgres' ? await walMark(ctx, db.name) : null;
          const [machine0, serve0] = [machineCpuSeconds(), cpuSeconds(server.pid)];
          const first = await runJob(server, job);
          out.cpu.push(machineCpuSeconds() - machine0);
          out.serveCpu.push(cpuSeconds(server.pid) - serve0);
          const peak = memory(server.pid).peak;
          if (wal0) {
            const wal = await walSince(ctx, wal0, db.name);
            out.wal.push(wal.bytes / first.run.processed);
            out.walOthers.push(wal.others);
          }
          ctx.note(`run ${run}: the rerun`);
          const second = await runJob(server, job, { countRecords: true });
          for (const r of [first, second]) if (r.run.status !== 'succeeded') out.notes.push(`Run ${run}: a run ended ${r.run.status}: ${r.run.error}`);
          out.seconds.push(first.seconds);
          out.rerun.push(second.seconds);
          out.peak.push(Math.max(peak, memory(server.pid).peak) / MiB);
          out.rate.push(first.run.processed / first.seconds);
          out.released.push(first.run.movedToFulfillment);
          out.backordered.push(first.run.movedToBackorder);
          out.failed.push(first.run.failedRecords + second.run.failedRecords);
          out.changedByRerun.push(second.changed);
          if (first.run.processed !== lines) out.notes.push(`Run ${run}: the run processed ${first.run.processed} lines, not ${lines}.`);
          // A run that failed, or left seeded lines out, is not a fast run: its times must not pass a bar.
          out.unfinished.push([first, second].filter((r) => r.run.status !== 'succeeded').length + (first.run.processed !== lines ? 1 : 0));
        } finally {
          await server.stop();
        }
        if (run === 1) {
          const problems = await checkInvariants(kind, db.url);
          if (problems.length) out.notes.push(`After run 1 the database breaks invariants: ${problems.map((p) => `${p.count} ${p.detail}`).join('; ')}.`);
        }
        await db.drop();
        // The floor on a fresh copy of the same world, right after the run it is compared with (--quick: at the
        // largest size only, to stay within its two minutes).
        if (ctx.quick && size !== '1m') continue;
        const floorDb = await ctx.copy(world, `${name}-floor`);
        try {
          ctx.note(`run ${run}: the floor (the run's writes alone)`);
          const machine0 = machineCpuSeconds();
          const floor = await jobFloor(kind, floorDb.url, job);
          out.floorCpu.push(machineCpuSeconds() - machine0);
          out.floor.push(floor.seconds);
          out.ratio.push(out.seconds.at(-1) / floor.seconds);
          if (floor.lines !== lines) out.notes.push(`Run ${run}: the floor wrote ${floor.lines} lines, not ${lines}.`);
        } finally {
          await floorDb.drop();
        }
      }
      const figures = [
        figure('run', 's', out.seconds, { digits: 1, bar: barIfScale(below(30, '< 30 s')) }),
        figure('held lines per second', 'lines/s', out.rate, { digits: 0 }),
        figure('peak resident memory of the serve process (VmHWM)', 'MiB', out.peak, { digits: 0, bar: barIfScale(below(1024, '< 1 GiB')) }),
        figure('rerun with nothing to change', 's', out.rerun, { digits: 2, bar: barIfScale(below(5, '< 5 s')) }),
        figure('lines released by the run', 'lines', out.released, { digits: 0 }),
        ...(job === 'preorder' ? [figure('lines moved to BackorderHold by the run', 'lines', out.backordered, { digits: 0 })] : []),
        figure('lines the rerun moved or re-dated', 'lines', out.changedByRerun, { digits: 0, bar: exactly(0) }),
        figure('failed records', 'lines', out.failed, { digits: 0, bar: exactly(0) }),
        figure('runs that failed or left seeded lines out (run and rerun)', '', out.unfinished, { digits: 0, bar: exactly(0) }),
      ];
      if (out.floor.length) {
        figures.splice(1, 0, figure("floor: the run's writes alone, one connection (bench/lib/job-floor.mjs)", 's', out.floor, { digits: 1 }));
        figures.splice(2, 0, figure('run / floor (of each run and the floor after it)', 'x', out.ratio, { digits: 2 }));
      }
      // What the run costs the machine: with every core busy, CPU per line, not waiting, sets how fast it can go.
      const cores = ctx.machine?.cores;
      figures.push(
        figure(`CPU of the whole machine during the run (core-seconds${cores ? `; ${cores} cores` : ''})`, 's', out.cpu, { digits: 1 }),
        figure('of it, the serve process', 's', out.serveCpu, { digits: 1 }),
        figure('CPU per held line, whole machine', 'us', out.cpu.map((c) => (c * 1e6) / lines), { digits: 0 }),
      );
      if (out.floorCpu.length) figures.push(figure('CPU of the whole machine during the floor', 's', out.floorCpu, { digits: 1 }));
      if (kind === 'postgres') {
        figures.push(figure('WAL written per held line (whole server)', 'bytes', out.wal, { digits: 0 }));
        figures.push(figure("other databases' transactions meanwhile (0: the WAL is the run's alone)", '', out.walOthers, { digits: 0 }));
      }
      const floorMethod = out.floor.length
        ? ` After each run, the floor (bench/lib/job-floor.mjs) on another fresh copy: one connection making only the writes of a run (every other held line released, the others ${job === 'preorder' ? 'moved to BackorderHold' : 're-dated'}, each with its event, the reservations and the held counts), about 2,000 lines to a transaction, with nothing decided.`
        : '';
      const what =
        job === 'preorder'
          ? `every line on PreorderHold, its product launched today, so the run moves every line: to fulfillment where stock on hand covers it, else to BackorderHold with its dates. \`POST /api/jobs/preorder/runs\``
          : '`POST /api/jobs/backorder/runs`';
      return {
        id: name,
        title: `${job === 'preorder' ? 'Preorder' : 'Backorder'} run over ${fmtLines(lines)} held lines`,
        db: kind,
        method: `${fmtLines(world.spec.skus)} skus x 3 locations, 100 held lines per sku (quantities 1-3) seeded in the state intake leaves, 5 receipts per sku and location in the next 30 days (80% of the demand), stock on hand for half the demand; ${what} on a \`holdfast serve\` started on a fresh copy; the duration is the run's finishedAt - startedAt; then the same again (the rerun).${floorMethod} CPU is the whole machine's busy time (/proc/stat, every core, the database server and the bench included) from the request that starts the run until the bench sees it has ended (it asks every 250 ms)${out.floorCpu.length ? ', and over the floor' : ''}.${atScale ? '' : ' The bars of SPEC 10 are for 1,000,000 lines; this size is for the chart.'}`,
        figures,
        notes: out.notes,
        data: { lines, seconds: out.seconds, floorSeconds: out.floor },
      };
    },
  };
}
