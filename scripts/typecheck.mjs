#!/usr/bin/env node
/**
 * `npm run typecheck`: the three TypeScript projects (the service and its tests, the browser tests, the console),
 * two at a time, since each tsc uses one core. Each project's errors are printed whole, after it ends; the exit
 * code is non-zero when any project has errors.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const PROJECTS = ['tsconfig.json', 'test/browser/tsconfig.json', 'web/tsconfig.json'];
const AT_ONCE = 2;

/** Runs tsc on one project; answers its exit code, with its output printed in one piece. */
function check(project) {
  return new Promise((resolve) => {
    const child = spawn(TSC, ['--noEmit', '-p', project], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => {
      process.stderr.write(`typecheck: cannot run tsc (${error.message}); run npm ci\n`);
      resolve(1);
    });
    child.on('close', (code) => {
      if (output) process.stdout.write(output);
      if (code !== 0) process.stderr.write(`typecheck: ${project} has errors\n`);
      resolve(code ?? 1);
    });
  });
}

const queue = [...PROJECTS];
const codes = [];
await Promise.all(
  Array.from({ length: AT_ONCE }, async () => {
    for (let project = queue.shift(); project !== undefined; project = queue.shift()) codes.push(await check(project));
  }),
);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
