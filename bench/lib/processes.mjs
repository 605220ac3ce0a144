/**
 * The processes the bench measures, started as a user would: `holdfast serve` (the package's binary, running the
 * compiled JavaScript in dist/) and the floor server, each on a port of its own with its output in a log file; and
 * what it reads of them from /proc (CPU time, peak resident memory).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HOLDFAST_BIN = path.join(ROOT, 'bin/holdfast.js');
export const FLOOR_SERVER = path.join(ROOT, 'bench/floor-server.mjs');
export const ATP_FLOOR_SERVER = path.join(ROOT, 'bench/atp-floor-server.mjs');
export const ADMIN_KEY = 'hf_bench_admin_key_5b0f1c7e2a9d4e83';

// ---------------------------------------------------------------- HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * A JSON request with no time limit (a job run may take minutes). Answers `{ status, body }`.
 * @param {string} method
 * @param {string} url
 * @param {{ body?: unknown, key?: string | null, timeoutMs?: number }} [o]
 * @returns {Promise<{ status: number, body: any }>}
 */
export function request(method, url, o = {}) {
  return new Promise((resolve, reject) => {
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers = {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const key = o.key === undefined ? ADMIN_KEY : o.key;
    if (key) headers.authorization = `Bearer ${key}`;
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    if (o.timeoutMs) req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Like `request`, but any status other than the expected one(s) is an error naming the answer.
 * @param {number | number[]} status
 */
export async function expectStatus(status, method, url, o = {}) {
  const r = await request(method, url, o);
  const ok = [status].flat();
  if (!ok.includes(r.status)) throw new Error(`${method} ${url} answered ${r.status}, expected ${ok.join(' or ')}: ${JSON.stringify(r.body).slice(0, 400)}`);
  return r.body;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- servers

/**
 * @typedef {object} Server
 * @property {number} pid
 * @property {string} url      http://127.0.0.1:<port>
 * @property {number} port
 * @property {string} log      its stdout and stderr
 * @property {() => Promise<void>} stop
 */

/** Processes still running, stopped on Ctrl-C. */
export const running = new Set();

/** Set on Ctrl-C: nothing new starts, and whatever is under way ends as soon as it can. */
export const shutdown = { requested: false };

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Throws once Ctrl-C was pressed. */
export function stopIfInterrupted() {
  if (shutdown.requested) throw new Interrupted();
}

/**
 * Starts a server process and waits until `GET /health` answers 200.
 * @param {string} label
 * @param {string[]} args      node arguments
 * @param {Record<string, string>} env
 * @param {string} logDir
 * @returns {Promise<Server>}
 */
async function startServer(label, args, env, logDir) {
  stopIfInterrupted();
  const port = await freePort();
  const log = path.join(logDir, `${label}-${port}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const server = {
    pid: child.pid,
    url,
    port,
    log,
    async stop() {
      running.delete(server);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(server);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (shutdown.requested) {
      await server.stop();
      throw new Interrupted();
    }
    if (exited) {
      running.delete(server);
      throw new Error(`${label} exited (${exited.code ?? exited.signal}) before answering; its log ${log} ends:\n${tail(log)}`);
    }
    try {
      const r = await request('GET', `${url}/health`, { key: null, timeoutMs: 2000 });
      if (r.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${label} did not answer /health within 120 s; its log ${log} ends:\n${tail(log)}`);
    }
    await sleep(100);
  }
}

/**
 * `holdfast serve` on a database, with an admin key and the request log off (LOG_LEVEL=warn, as for the floor).
 * @param {{ databaseUrl: string, logDir: string, env?: Record<string, string> }} o
 */
export function startHoldfast(o) {
  // HOLDFAST_BENCH_NODE_ARGS: node flags for the serve processes only (say `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const nodeArgs = (process.env.HOLDFAST_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startServer('holdfast', [...nodeArgs, HOLDFAST_BIN, 'serve'], {
    DATABASE_URL: o.databaseUrl,
    HOLDFAST_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'warn',
    HOLDFAST_CLOCK: '',
    ...o.env,
  }, o.logDir);
}

/** @param {{ databaseUrl: string, logDir: string }} o */
export function startFloor(o) {
  return startServer('floor', [FLOOR_SERVER], { DATABASE_URL: o.databaseUrl }, o.logDir);
}

/**
 * The logic-free floor of the ATP query (bench/atp-floor-server.mjs), on SQLite or PostgreSQL; with `readsNothing`,
 * the same server reading nothing (one `select $1` per answer on PostgreSQL); with `asksNothing`, not even that.
 * @param {{ databaseUrl: string, logDir: string, readsNothing?: boolean, asksNothing?: boolean }} o
 */
export function startAtpFloor(o) {
  const reads = o.asksNothing ? 'http' : o.readsNothing ? 'none' : '';
  const env = { DATABASE_URL: o.databaseUrl, ATP_FLOOR_READS: reads };
  return startServer(o.asksNothing ? 'atp-http' : o.readsNothing ? 'atp-round-trip' : 'atp-floor', [ATP_FLOOR_SERVER], env, o.logDir);
}

/**
 * Runs `holdfast <args>` to its end; answers its exit code and output.
 * @returns {Promise<{ code: number, output: string }>}
 */
export function holdfastCli(args, env) {
  return new Promise((resolve) => {
    execFile(process.execPath, [HOLDFAST_BIN, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

// ---------------------------------------------------------------- /proc

let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/**
 * CPU seconds the whole machine has been busy so far, summed over its cores (/proc/stat: every state but idle and
 * iowait), so a window's figure counts the database server, the client and the kernel as well as the service.
 */
export function machineCpuSeconds() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond();
}

/** Peak and current resident memory of a process, in bytes (VmHWM, VmRSS). */
export function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kb('VmHWM'), current: kb('VmRSS') };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * bench/prober.mjs against a server: `stop()` ends the probing and answers the latencies and failures of
 * `GET /health` and of a read.
 * @param {{ url: string }} server
 * @returns {{ stop: () => Promise<{ health: { latenciesMs: number[], failures: number, reasons: Record<string, number> }, read: { latenciesMs: number[], failures: number, reasons: Record<string, number> } }> }}
 */
export function startProber(server) {
  stopIfInterrupted();
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/prober.mjs')], {
    env: { ...process.env, PROBE_URL: server.url, PROBE_KEY: ADMIN_KEY },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const handle = { stop: () => child.kill('SIGKILL') };
  running.add(handle);
  const answer = new Promise((resolve, reject) => {
    child.on('message', resolve);
    child.on('exit', (code) => reject(new Error(`the prober exited (${code}) without its results`)));
  });
  answer.catch(() => undefined); // reported by stop()
  return {
    async stop() {
      child.send('stop');
      try {
        return await answer;
      } finally {
        running.delete(handle);
      }
    },
  };
}
