/**
 * Webhook delivery under a job run (issue 12): delivery latency (event to receiver answered, p50/p99) and the
 * outbox lag while a `backorder` run releases N held lines (default 100,000), each release one `line.released`
 * event for one subscription.
 *
 *   npx tsx bench/webhook-delivery.bench.ts [--pg] [--lines 100000] [--skus 1000] [--no-subscription] [--profile DIR]
 *
 * The service is a black box: `holdfast serve` as a child process on a fresh database (a temporary SQLite file,
 * or with --pg a new PostgreSQL database on HOLDFAST_BENCH_PG_URL / HOLDFAST_TEST_PG_URL, dropped after), seeded
 * through the HTTP API only, so the figures stay comparable whatever the runner looks like inside. The receiver
 * is a node:http server in this process, answering 200 at once.
 *
 * Latency is measured from the event's `occurredAt` (the service's time when the job batch made the change,
 * just before it commits) to the moment the receiver answers. The outbox lag is what GET /health reports, polled
 * every 250 ms from the start of the run until the last event is delivered. --profile writes a CPU profile of
 * the service (node --cpu-prof) into DIR. --no-subscription runs the same job with nobody subscribed: what fanning
 * the outbox out costs the run when nothing is sent.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LINES = option('lines', 100_000);
const SKUS = option('skus', 1_000);
const LINES_PER_ORDER = 500;
const KEY = `hf_bench_${randomBytes(12).toString('hex')}`;
const usePg = flag('pg');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: readonly number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN);
const fmt = (ms: number) => (Number.isNaN(ms) ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

async function scratch(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `holdfast_bench_${randomBytes(5).toString('hex')}`;
  if (!usePg) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-'));
    return { url: path.join(dir, `${name}.db`), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.HOLDFAST_BENCH_PG_URL ?? process.env.HOLDFAST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`create database "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists "${name}" with (force)`) };
}

async function main(): Promise<void> {
  // `holdfast` runs the compiled dist/: bring it up to date with the sources first (a no-op when it is).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const db = await scratch();
  const profileAt = args.indexOf('--profile');
  const profile = profileAt >= 0 ? ['--cpu-prof', `--cpu-prof-dir=${args[profileAt + 1]}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'bin/holdfast.js'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', HOLDFAST_ADMIN_KEY: KEY, LOG_LEVEL: 'warn', HOLDFAST_CLOCK: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let base = '';
  try {
    base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening`)));
    });
    await run(base);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  }
}

async function call(base: string, method: string, p: string, body?: unknown): Promise<any> {
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 400) throw new Error(`${method} ${p} -> ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function run(base: string): Promise<void> {
  const skus = Array.from({ length: SKUS }, (_, i) => `BW-${String(i).padStart(5, '0')}`);
  const seedStart = Date.now();
  await call(base, 'PUT', '/api/locations/EAST', { name: 'East', priority: 1 });
  for (let i = 0; i < skus.length; i += 50) await Promise.all(skus.slice(i, i + 50).map((sku) => call(base, 'PUT', `/api/products/${sku}`, { name: sku })));
  await call(base, 'PATCH', '/api/settings', { backorders: true, jobs: { backorder: { enabled: false, onSupplyChange: false }, preorder: { enabled: false } } });
  const orders = Math.ceil(LINES / LINES_PER_ORDER);
  let next = 0;
  const place = async () => {
    for (let o = next++; o < orders; o = next++) {
      const count = Math.min(LINES_PER_ORDER, LINES - o * LINES_PER_ORDER);
      const lines = Array.from({ length: count }, (_, k) => ({ sku: skus[(o * LINES_PER_ORDER + k) % skus.length]!, quantity: 1 }));
      await call(base, 'POST', '/api/orders', { externalId: `BW-${o}`, lines });
    }
  };
  await Promise.all([place(), place(), place(), place()]);
  process.stdout.write(`seeded ${LINES} BackorderHold lines over ${SKUS} skus in ${orders} orders in ${((Date.now() - seedStart) / 1000).toFixed(1)} s\n`);

  // The receiver, subscribed once the intake events have gone (they were fanned out to nobody).
  const latencies: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let lastAnswer = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end();
      lastAnswer = Date.now();
      if (seen.has(body.id)) duplicates++;
      else {
        seen.add(body.id);
        latencies.push(lastAnswer - Date.parse(body.occurredAt));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  while ((await call(base, 'GET', '/health')).webhooks.outboxLagSeconds > 0) await sleep(200);
  const subscribed = !flag('no-subscription');
  if (subscribed) await call(base, 'PUT', '/api/webhooks/bench', { url, secret: 'whsec_bench_0123456789abcdef', events: ['line.released'] });

  // Stock for every line, then one manual backorder run releases them all.
  await call(base, 'PUT', '/api/inventory/on-hand', skus.map((sku) => ({ sku, locationId: 'EAST', onHand: LINES })));
  const lags: number[] = [];
  const healthMs: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now();
      const h = await call(base, 'GET', '/health');
      healthMs.push(performance.now() - t0);
      lags.push(h.webhooks.outboxLagSeconds * 1000);
      await sleep(250);
    }
  })();
  const runStart = Date.now();
  const started = await call(base, 'POST', '/api/jobs/backorder/runs');
  let runEnd = 0;
  let finished: any;
  for (;;) {
    if (!runEnd) {
      finished = await call(base, 'GET', `/api/jobs/runs/${started.id}?limit=1`);
      if (finished.status !== 'running') runEnd = Date.now();
    }
    if (runEnd && subscribed && seen.size >= finished.movedToFulfillment) break;
    if (runEnd && !subscribed && lags.length > 0 && lags[lags.length - 1] === 0) {
      lastAnswer = Date.now();
      break;
    }
    if (Date.now() - runStart > 30 * 60_000) throw new Error('gave up after 30 minutes');
    await sleep(100);
  }
  polling = false;
  await poller;
  server.close();

  const sorted = [...latencies].sort((a, b) => a - b);
  const lagSorted = [...lags].sort((a, b) => a - b);
  const healthSorted = [...healthMs].sort((a, b) => a - b);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const rss = /^process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1];
  const lines = [
    `database            ${usePg ? 'PostgreSQL' : 'SQLite'}; node ${process.version}; ${os.cpus().length} cores`,
    `job run             ${finished.status}: ${finished.movedToFulfillment} released in ${fmt(runEnd - runStart)}`,
    `delivered           ${seen.size} events (${duplicates} repeats) by ${fmt(lastAnswer - runStart)} after the run started, ${fmt(Math.max(0, lastAnswer - runEnd))} after it ended; ${Math.round(seen.size / ((lastAnswer - runStart) / 1000))} events/s`,
    `latency             p50 ${fmt(quantile(sorted, 0.5))}, p90 ${fmt(quantile(sorted, 0.9))}, p99 ${fmt(quantile(sorted, 0.99))}, max ${fmt(sorted.at(-1) ?? Number.NaN)} (event to receiver answered)`,
    `outbox lag         p50 ${fmt(quantile(lagSorted, 0.5))}, p99 ${fmt(quantile(lagSorted, 0.99))}, max ${fmt(lagSorted.at(-1) ?? Number.NaN)} (GET /health every 250 ms, ${lags.length} samples)`,
    `GET /health         p50 ${fmt(quantile(healthSorted, 0.5))}, p99 ${fmt(quantile(healthSorted, 0.99))}, max ${fmt(healthSorted.at(-1) ?? Number.NaN)}`,
    `service memory      ${rss ? `${Math.round(Number(rss) / 2 ** 20)} MiB resident at the end` : 'n/a'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
