#!/usr/bin/env node
/**
 * How long `holdfast <command>` takes from start to exit (the CLI's start-up time), run from the project root
 * on the database DATABASE_URL names (default ./data/holdfast.db, e.g. after `npm start`):
 *
 *   node bench/cli-start.mjs [runs]
 *
 * Prints min / median / max per command for `node bin/holdfast.js` and for `npx holdfast`. npx adds npm's own
 * start-up: about 0.75 s with npm 11 on this machine (2026-12-06: `--help` 118-129 ms directly, 860-890 ms through
 * npx), most of it loading npm and reading the installed tree, and 0.1 s more whenever a new entry in node_modules
 * makes npm's record of that tree (node_modules/.package-lock.json) look out of date.
 */
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 10);
const commands = [['--help'], ['keys', 'list'], ['atp', 'MN-270']];

function time(cmd, args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (r.status !== 0) return `exit ${r.status}`;
  }
  samples.sort((a, b) => a - b);
  return `min ${samples[0].toFixed(0)} ms, median ${samples[Math.floor(runs / 2)].toFixed(0)} ms, max ${samples.at(-1).toFixed(0)} ms`;
}

for (const c of commands) {
  console.log(`node bin/holdfast.js ${c.join(' ').padEnd(12)} ${time(process.execPath, ['bin/holdfast.js', ...c])}`);
  console.log(`npx holdfast ${c.join(' ').padEnd(19)} ${time('npx', ['holdfast', ...c])}`);
}
