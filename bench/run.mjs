#!/usr/bin/env node
/**
 * `npm run bench`: every scenario of SPEC 10 in one command, with a progress bar on stderr, written to
 * BENCHMARKS.md. It treats Holdfast as a black box: the `holdfast` binary (dist/) and its HTTP API, plus the
 * databases it seeds in SQL.
 *
 *   npm run bench                          everything, 3 runs per figure, both databases -> BENCHMARKS.md
 *   npm run bench -- --quick               smaller sizes, 1 run each (under 2 minutes) -> bench/out/BENCHMARKS-quick.md
 *   npm run bench -- --only backorder-1m   one scenario (a prefix picks several: --only backorder,intake)
 *   npm run bench -- --pg | --sqlite       one database only
 *   npm run bench -- --runs 5 --out FILE   more runs; another output file
 *   npm run bench -- --keep-logs           keeps the servers' logs (say with HOLDFAST_BENCH_NODE_ARGS=--trace-gc-nvp)
 *
 * PostgreSQL scenarios use HOLDFAST_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test), on which they
 * create and drop scratch databases. Needs wrk (apt-get install -y wrk). HOLDFAST_BENCH_NODE_ARGS passes node flags
 * to the `holdfast serve` processes only, for example `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a scenario.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PG_URL, pgReachable, Scratch } from './lib/databases.mjs';
import { describeMachine } from './lib/machine.mjs';
import { Progress } from './lib/progress.mjs';
import { ROOT, running, shutdown } from './lib/processes.mjs';
import { renderReport, formatNumber } from './lib/report.mjs';
import { Worlds } from './lib/seed.mjs';
import { summary } from './lib/stats.mjs';
import { verdict } from './lib/figures.mjs';
import { wrkVersion } from './lib/wrk.mjs';
import { intakeFloor, intakeHotSkus } from './scenarios/intake.mjs';
import { backorderScenario } from './scenarios/backorder.mjs';
import { neverStalled } from './scenarios/never-stalled.mjs';
import { atpQuery } from './scenarios/atp-query.mjs';
import { scaleOut } from './scenarios/scale-out.mjs';

const SCENARIOS = [
  intakeFloor,
  intakeHotSkus,
  backorderScenario('100k'),
  backorderScenario('300k'),
  backorderScenario('1m'),
  backorderScenario('1m', 'preorder'),
  neverStalled,
  atpQuery,
  scaleOut,
];

/** Sizes and durations: the full bench (SPEC 10's sizes) and --quick. */
const SIZES = {
  full: {
    runs: 3,
    intake: { connections: [1, 4, 16, 50], seconds: 10, warmup: 3 },
    hot: { heldPerSku: 10_000, seconds: 10, warmup: 3 },
    backorder: { '100k': 100_000, '300k': 300_000, '1m': 1_000_000 },
    stalled: { name: '1m', lines: 1_000_000, idleSeconds: 8 },
    atp: { name: '1m', lines: 1_000_000, seconds: 10, warmup: 2 },
    scaleOut: { seconds: 10, warmup: 3 },
  },
  quick: {
    runs: 1,
    intake: { connections: [1, 4, 16, 50], seconds: 1, warmup: 1 },
    hot: { heldPerSku: 1_000, seconds: 1, warmup: 1 },
    backorder: { '100k': 3_000, '300k': 10_000, '1m': 30_000 },
    // The world of backorder-300k: a run under intake takes several times its idle time.
    stalled: { name: '300k', lines: 10_000, idleSeconds: 2 },
    atp: { name: '1m', lines: 30_000, seconds: 1, warmup: 1 },
    scaleOut: { seconds: 1, warmup: 1 },
  },
};

const USAGE = `usage: npm run bench -- [--quick] [--only name[,name...]] [--sqlite | --pg] [--runs N] [--out FILE] [--plan] [--keep-logs]
  --keep-logs keeps the servers' logs (else kept only when a scenario failed)
  --plan prints the scenarios it would run with their planned minutes, and runs nothing
scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        sqlite: { type: 'boolean', default: false },
        pg: { type: 'boolean', default: false },
        runs: { type: 'string' },
        out: { type: 'string' },
        plan: { type: 'boolean', default: false },
        'keep-logs': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail(`${error.message}\n${USAGE}`);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = parsed.only ? parsed.only.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const picked = only ? SCENARIOS.filter((s) => only.some((o) => s.name.startsWith(o))) : SCENARIOS;
  if (only && picked.length === 0) fail(`--only ${parsed.only} names no scenario\n${USAGE}`);
  if (parsed.sqlite && parsed.pg) fail('--sqlite and --pg together mean both: leave both out');
  const runs = parsed.runs === undefined ? undefined : Number(parsed.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) fail(`--runs must be a whole number of at least 1, got "${parsed.runs}"`);
  const partial = parsed.quick || only !== null || parsed.sqlite || parsed.pg;
  const out = parsed.out ?? (partial ? path.join('bench/out', `BENCHMARKS-${parsed.quick ? 'quick' : 'partial'}.md`) : 'BENCHMARKS.md');
  return {
    quick: parsed.quick,
    scenarios: picked,
    kinds: parsed.sqlite ? ['sqlite'] : parsed.pg ? ['postgres'] : ['sqlite', 'postgres'],
    pgRequired: parsed.pg,
    runs,
    keepLogs: parsed['keep-logs'],
    plan: parsed.plan,
    out: path.resolve(ROOT, out),
  };
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

async function main() {
  const o = options();
  const sizes = SIZES[o.quick ? 'quick' : 'full'];
  const runs = o.runs ?? sizes.runs;
  if (!wrkVersion()) fail('wrk is not installed: apt-get install -y wrk');
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) fail('dist/ is not built: run npm run build');

  const pgUrl = process.env.HOLDFAST_BENCH_PG_URL || DEFAULT_PG_URL;
  const skipped = [];
  let kinds = o.kinds;
  if (kinds.includes('postgres')) {
    const reach = await pgReachable(pgUrl);
    if (!reach.ok) {
      if (o.pgRequired) fail(`PostgreSQL at ${pgUrl} does not answer (${reach.reason})`);
      skipped.push(`every PostgreSQL scenario: ${pgUrl} does not answer (${reach.reason}); set HOLDFAST_BENCH_PG_URL`);
      kinds = kinds.filter((k) => k !== 'postgres');
    }
  }

  const started = new Date();
  const work = path.join(os.tmpdir(), `holdfast-bench-${process.pid}`);
  const logDir = path.join(work, 'logs');
  const scratch = new Scratch({ dir: path.join(work, 'db'), pgUrl });
  fs.mkdirSync(logDir, { recursive: true });

  const planned = new Set();
  const key = (kind, spec) => `${kind}:${JSON.stringify(spec)}`;
  const ctx = {
    sizes,
    runs,
    quick: o.quick,
    scratch,
    logDir,
    machine: null,
    note: (step) => progress.note(step),
    plannedWorld(kind, spec) {
      const k = key(kind, spec);
      const seen = planned.has(k);
      planned.add(k);
      return seen;
    },
    world: (kind, spec, label) => worlds.world(kind, spec, label),
    copy: (world, label) => worlds.copy(world, label),
  };
  const worlds = new Worlds(ctx);

  const tasks = o.scenarios.flatMap((scenario) => scenario.kinds.filter((k) => kinds.includes(k)).map((kind) => ({ scenario, kind })));
  const estimates = tasks.map((t) => t.scenario.estimate(ctx, t.kind));
  // The first task of each database also builds its base (migrate, then a server to configure it).
  for (const kind of kinds) {
    const first = tasks.findIndex((t) => t.kind === kind);
    if (first >= 0) estimates[first] += 3;
  }
  const total = estimates.reduce((a, b) => a + b, 0);
  if (o.plan) {
    for (const [i, t] of tasks.entries()) process.stdout.write(`${`${t.scenario.name} (${t.kind})`.padEnd(32)} ${(estimates[i] / 60).toFixed(1)} min\n`);
    process.stdout.write(`${'in all'.padEnd(32)} ${(total / 60).toFixed(1)} min (planned for a quiet 2-core machine; the progress bar corrects it as it goes)\n`);
    fs.rmSync(work, { recursive: true, force: true });
    return;
  }
  const machine = await describeMachine({ pgUrl: kinds.includes('postgres') ? pgUrl : null });
  ctx.machine = machine;
  const progress = new Progress(total);

  const cleanUp = async () => {
    for (const p of [...running]) await p.stop();
    await scratch.dropAll();
  };
  // Ctrl-C: the servers and loads stop now; the scenario under way then fails, and cleans up on its way out. A
  // second Ctrl-C exits at once (scratch databases may be left behind).
  const interrupt = () => {
    if (shutdown.requested) process.exit(130);
    shutdown.requested = true;
    progress.stop();
    process.stderr.write('\nbench: interrupted; stopping servers and dropping scratch databases (Ctrl-C again to leave now)\n');
    for (const p of [...running]) void p.stop();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const sections = [];
  const failed = [];
  try {
    for (const [i, t] of tasks.entries()) {
      if (shutdown.requested) break;
      const label = `${t.scenario.name} (${t.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`;
      const began = Date.now();
      try {
        const section = await progress.task(label, estimates[i], () => t.scenario.run(ctx, t.kind));
        sections.push({ ...section, seconds: (Date.now() - began) / 1000, plannedSeconds: estimates[i] });
      } catch (error) {
        failed.push(`${label} (after ${Math.round((Date.now() - began) / 1000)} s): ${error.message}`);
        progress.log(`bench: ${label} failed: ${error.stack ?? error.message}`);
      }
    }
  } finally {
    progress.stop();
    await cleanUp();
  }
  if (shutdown.requested) {
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(130);
  }

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const report = renderReport({ machine, command, quick: o.quick, runs, started, finished: new Date(), sections, skipped, failed });
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, report);
  fs.writeFileSync(o.out.replace(/\.md$/, '') + '.json', `${JSON.stringify({ machine, command, runs, quick: o.quick, started, sections, skipped, failed }, null, 1)}\n`);

  // Server logs are kept when something failed, or when asked.
  const keep = failed.length > 0 || o.keepLogs;
  const logs = keep ? `; the servers' logs are in ${logDir}` : '';
  process.stdout.write(`${summaryText(sections, failed)}\nWritten to ${path.relative(process.cwd(), o.out) || o.out}${logs}.\n`);
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  process.exitCode = failed.length ? 1 : 0;
}

/** The bars and their verdicts, one line each, for the terminal. */
function summaryText(sections, failed) {
  const lines = [];
  for (const s of sections) {
    for (const f of s.figures) {
      if (!f.bar) continue;
      const v = verdict(f);
      lines.push(`${v === null ? '    ' : v ? 'pass' : 'FAIL'}  ${s.id} (${s.db}) ${f.label}: ${formatNumber(summary(f.samples).median, f.digits)}${f.unit ? ` ${f.unit}` : ''} (bar ${f.bar.text})`);
    }
  }
  for (const f of failed) lines.push(`FAIL  ${f}`);
  return lines.join('\n');
}

await main();
