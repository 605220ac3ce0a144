/**
 * What keeps going beside a job run (SPEC 10's never-stalled, issue 14): webhook deliveries, seen by a receiver in
 * the bench's process, and the run's lease heartbeat, read from the database.
 */
import http from 'node:http';
import { openSql } from './databases.mjs';
import { sleep } from './processes.mjs';

/** A subscription's secret for the bench's receiver (SPEC 7: 16-256 characters). */
export const RECEIVER_SECRET = 'hf_bench_receiver_secret_8c41d2';

/**
 * A webhook receiver on 127.0.0.1 that answers 200 at once and notes, per delivery, when it arrived and the time
 * from the event's `occurredAt` to then (the body is not parsed: `occurredAt` is found in its text).
 * @returns {Promise<{ url: string, between: (from: number, to: number) => { count: number, latenciesMs: number[] }, readonly unreadable: number, close: () => Promise<void> }>}
 */
export async function startReceiver() {
  /** @type {number[]} */
  const arrivedAt = [];
  /** @type {number[]} */
  const latencies = [];
  let unreadable = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const now = Date.now();
      const occurred = /"occurredAt":"([^"]+)"/.exec(body);
      const at = occurred ? Date.parse(occurred[1]) : NaN;
      if (Number.isFinite(at)) {
        arrivedAt.push(now);
        latencies.push(now - at);
      } else unreadable++;
      res.writeHead(200).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    /** Deliveries that arrived in [from, to] (ms since the epoch), with their latencies. */
    between(from, to) {
      const latenciesMs = [];
      for (let i = 0; i < arrivedAt.length; i++) if (arrivedAt[i] >= from && arrivedAt[i] <= to) latenciesMs.push(latencies[i]);
      return { count: latenciesMs.length, latenciesMs };
    },
    /** Bodies without a readable `occurredAt` (none, unless the payload changed shape). */
    get unreadable() {
      return unreadable;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/**
 * Reads a job type's lease every `everyMs` until stopped; answers every heartbeat seen, by run.
 * @param {'sqlite' | 'postgres'} kind
 * @param {string} url
 * @param {string} jobType
 * @returns {{ stop: () => Promise<Map<string, number[]>> }}
 */
export function watchHeartbeats(kind, url, jobType, everyMs = 250) {
  /** @type {Map<string, Set<number>>} */
  const seen = new Map();
  let stopping = false;
  const done = (async () => {
    const sql = await openSql(kind, url);
    try {
      while (!stopping) {
        const rows = await sql.all('select run_id, heartbeat_at from job_leases where job_type = $1', [jobType]);
        for (const r of rows) {
          if (r.run_id === null) continue;
          if (!seen.has(r.run_id)) seen.set(r.run_id, new Set());
          seen.get(r.run_id)?.add(Number(r.heartbeat_at));
        }
        await sleep(everyMs);
      }
    } finally {
      await sql.close();
    }
  })();
  return {
    async stop() {
      stopping = true;
      await done;
      return new Map([...seen].map(([run, beats]) => [run, [...beats].sort((a, b) => a - b)]));
    },
  };
}

/**
 * The longest time in [from, to] without a heartbeat: between the run's start, its beats and its end. A beat
 * outside the span does not count (a beat at the start is the lease taken).
 * @param {number[]} beats  heartbeat times, ms
 */
export function longestGap(beats, from, to) {
  const points = [from, ...beats.filter((b) => b > from && b < to).sort((a, b) => a - b), to];
  let longest = 0;
  for (let i = 1; i < points.length; i++) longest = Math.max(longest, points[i] - points[i - 1]);
  return longest;
}
