#!/usr/bin/env node
/**
 * The build: each step names its inputs and its output, and runs only when an input is newer than the output's
 * stamp (or the output is missing), so `npm start` and `npm test` can call it every time at no cost.
 *
 *   node scripts/build.mjs            build what is out of date
 *   node scripts/build.mjs --force    build every step
 *
 * Run by `prepare` (so `npm ci` leaves a runnable checkout), `prestart` and `pretest`. A new step is one more
 * entry in STEPS.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

/** @type {{ name: string, inputs: string[], output: string, run: () => void }[]} */
const STEPS = [
  {
    name: 'server (TypeScript -> dist/)',
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    output: 'dist',
    run() {
      // dist/console is the console step's: it has its own inputs and stamp.
      for (const entry of fs.existsSync(path.join(ROOT, 'dist')) ? fs.readdirSync(path.join(ROOT, 'dist')) : []) {
        if (entry !== 'console') fs.rmSync(path.join(ROOT, 'dist', entry), { recursive: true, force: true });
      }
      exec(bin('tsc'), ['-p', 'tsconfig.build.json']);
      // holdfast/client: its declarations beside the compiled client, for projects that import it.
      exec(bin('tsc'), ['-p', 'tsconfig.client.json', '--emitDeclarationOnly']);
    },
  },
  {
    name: 'console (web/ -> dist/console/)',
    inputs: ['web', 'src/client', 'package-lock.json'],
    output: 'dist/console',
    run() {
      // The runner loads the config without writing a bundled copy into node_modules/.vite-temp (vitest.config.ts).
      exec(bin('vite'), ['build', '--config', 'web/vite.config.ts', '--configLoader', 'runner', '--logLevel', 'warn']);
      precompress(path.join(ROOT, 'dist/console/assets'));
    },
  },
];

const STAMP = '.build-stamp';

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside each script, style sheet and SVG of the console, which the
 * service sends to a browser that accepts them (with Brotli, an eighth to a quarter of the bytes), compressed once
 * here rather than on every request.
 */
function precompress(dir) {
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(js|css|svg)$/.test(name)) continue;
    const file = path.join(dir, name);
    const data = fs.readFileSync(file);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
  }
}

/** The newest modification time under a file or folder (0 when it does not exist). */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

function stampTime(output) {
  try {
    return fs.statSync(path.join(ROOT, output, STAMP)).mtimeMs;
  } catch {
    return 0;
  }
}

function exec(command, args) {
  if (!fs.existsSync(command)) {
    process.stderr.write(`build: ${path.relative(ROOT, command)} is missing; run npm ci (it installs the dev dependencies the build needs)\n`);
    process.exit(1);
  }
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    process.stderr.write(`build: ${path.basename(command)} ${args.join(' ')} failed (exit ${r.status})\n`);
    process.exit(r.status ?? 1);
  }
}

const force = process.argv.includes('--force');
for (const step of STEPS) {
  const built = stampTime(step.output);
  const changed = Math.max(...step.inputs.map((i) => newest(path.join(ROOT, i))));
  if (!force && built > 0 && built >= changed) continue;
  const started = Date.now();
  step.run();
  fs.mkdirSync(path.join(ROOT, step.output), { recursive: true });
  const stamp = path.join(ROOT, step.output, STAMP);
  fs.writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  // The stamp carries the time the step started: a source saved during the build is newer, so it builds again.
  fs.utimesSync(stamp, started / 1000, started / 1000);
  process.stderr.write(`build: ${step.name} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
