/**
 * `holdfast` as a child process (bin/holdfast.js, running the compiled dist/), for the CLI and crash suites.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HOLDFAST_BIN = path.join(PROJECT_ROOT, 'bin/holdfast.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves when stderr or stdout has printed text matching `pattern`; rejects if the child ends first. */
  printed(pattern: RegExp): Promise<void>;
  /** What it printed on stderr so far. */
  stderr(): string;
  /** What it printed on stdout so far. */
  stdout(): string;
  readonly exited: Promise<CliResult>;
}

/** The environment a child gets: the parent's, without the test runner's HOLDFAST_* and DATABASE_URL, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HOLDFAST_') && k !== 'DATABASE_URL') base[k] = v;
  return { ...base, LOG_LEVEL: 'silent', ...env };
}

export function startCli(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [HOLDFAST_BIN, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Once the child has ended: the error for a pattern it never printed. */
  let ended: ((pattern: RegExp) => Error) | null = null;
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    check();
  });
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      ended = (pattern) => new Error(`holdfast ${args.join(' ')} ended (${signal ?? code}) before printing ${pattern}; stderr: ${stderr.slice(-2_000)}`);
      for (const w of waiters.splice(0)) w.reject(ended(w.pattern));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    printed(pattern) {
      return new Promise<void>((resolve, reject) => {
        if (ended !== null && !(pattern.test(stdout) || pattern.test(stderr))) return reject(ended(pattern));
        waiters.push({ pattern, resolve, reject });
        check();
      });
    },
  };
}

export function runCli(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, env, options).exited;
}

/** The counts `holdfast jobs run` prints: `<type> run <id>: <status>` then `  <name>  <n>` lines. */
export function parseRunOutput(stdout: string): { id: string; status: string; counts: Record<string, number> } | null {
  const head = /^(\w+) run (\S+): (\w+)$/m.exec(stdout);
  if (!head) return null;
  const counts: Record<string, number> = {};
  for (const m of stdout.matchAll(/^\s+(\w+)\s+(\d+)$/gm)) counts[m[1]!] = Number(m[2]);
  return { id: head[2]!, status: head[3]!, counts };
}
