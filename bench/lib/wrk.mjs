/**
 * Load from wrk (Debian's), one thread: on a 2-core machine the client shares the cores with the server, and one
 * wrk thread drives far more requests than the servers answer. bench/wrk/holdfast.lua makes the requests and
 * prints its summary as one JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, running, stopIfInterrupted } from './processes.mjs';

const SCRIPT = path.join(ROOT, 'bench/wrk/holdfast.lua');

export function wrkVersion() {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return null;
  return /wrk (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

/**
 * @typedef {object} WrkResult
 * @property {number} requests
 * @property {number} seconds
 * @property {number} rate        requests per second
 * @property {number} errors      connect, read, write, timeout and non-2xx answers
 * @property {{ p50: number, p90: number, p99: number, max: number, mean: number }} latencyMs
 */

/**
 * @param {{ url: string, connections: number, seconds: number, args: string[], timeoutSeconds?: number }} o
 * @returns {{ done: Promise<WrkResult>, stop: () => void }}  stop ends the load early (wrk still reports)
 */
export function startWrk(o) {
  stopIfInterrupted();
  const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, `--timeout`, `${o.timeoutSeconds ?? 10}s`, '-s', SCRIPT, o.url, '--', ...o.args];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = { stop: () => child.kill('SIGINT') };
  running.add(handle);
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const done = new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`wrk could not start (${e.message}); install it with apt-get install -y wrk`)));
    child.on('exit', (code, signal) => {
      running.delete(handle);
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (!line) {
        const how = signal ? `was ended by ${signal}` : `exited with code ${code}`;
        return reject(new Error(`wrk ${args.join(' ')} ${how} and printed no summary:\n${out.slice(-2000) || '(no output)'}`));
      }
      const j = JSON.parse(line.slice('WRK_JSON '.length));
      const e = j.errors;
      const ms = (us) => us / 1000;
      resolve({
        requests: j.requests,
        seconds: j.durationUs / 1e6,
        rate: j.requests / (j.durationUs / 1e6),
        errors: e.connect + e.read + e.write + e.status + e.timeout,
        errorDetail: e,
        latencyMs: { p50: ms(j.latencyUs.p50), p90: ms(j.latencyUs.p90), p99: ms(j.latencyUs.p99), max: ms(j.latencyUs.max), mean: ms(j.latencyUs.mean) },
      });
    });
  });
  return { done, stop: handle.stop };
}

export function runWrk(o) {
  return startWrk(o).done;
}

/** wrk arguments for intake orders of 3 lines over `skuCount` skus named `<prefix>-00000`.. */
export const intakeArgs = (key, prefix, skuCount, tag, hotSku = '') => ['intake', key, prefix, String(skuCount), tag, hotSku];
/** wrk arguments for ATP queries over the skus and locations. */
export const atpArgs = (key, prefix, skuCount, locations) => ['atp', key, prefix, String(skuCount), locations.join(',')];
