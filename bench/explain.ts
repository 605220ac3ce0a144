/**
 * Dry run, explanation and doctor at scale (issue 15): on a database of N held lines (default 1,000,000: 10,000
 * skus x 100 lines, EAST and WEST, 30 days of receipts), measures
 *   - a backorder dry run over HTTP: time to the first byte and to the last, the bytes and records streamed, the
 *     service's peak RSS meanwhile, and the latency of GET /health probed every 20 ms while it streams;
 *   - GET /api/order-lines/{id}/promise for random held lines (100 lines per sku): p50 / p99;
 *   - the doctor's check (GET /api/admin/integrity): time and peak RSS.
 *
 *   npx tsx bench/explain.ts [--pg] [--lines 1000000]
 *
 * Seeding runs in a child process of its own, so the measured process holds only what the service holds.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { createService } from '../src/service.ts';
import { seedBackorders } from '../test/jobs/seed.ts';

const ADMIN = 'hf_bench_admin_key_0123456789abcdef';
const NOW = '2028-06-01T09:00:00.000Z';
const self = fileURLToPath(import.meta.url);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function open(url: string) {
  const config = loadConfig({}, { databaseUrl: url, adminKey: ADMIN, manualClock: true, logLevel: 'silent' });
  const service = await createService(config);
  const api = async (method: string, u: string, body?: unknown) => {
    const r = await service.app.inject({ method: method as 'GET', url: u, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body ? JSON.stringify(body) : undefined });
    if (r.statusCode >= 300) throw new Error(`${method} ${u}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  return { service, api };
}

async function seed(url: string, lines: number): Promise<void> {
  const { service, api } = await open(url);
  await api('PUT', '/api/admin/clock', { now: NOW });
  await api('PUT', '/api/locations/EAST', { name: 'East', priority: 1, handlingDays: 1, active: true });
  await api('PUT', '/api/locations/WEST', { name: 'West', priority: 2, handlingDays: 2, active: true });
  await api('PATCH', '/api/settings', { onHandChangeSchedule: true, backorders: true, atpHorizonDays: 30, jobs: { backorder: { onSupplyChange: false, enabled: false }, preorder: { enabled: false } } });
  const skus = Math.max(1, Math.round(lines / 100));
  const started = Date.now();
  for (let part = 0; part < skus; part += 1000) {
    await seedBackorders(service.database.db, { prefix: `B${String(part / 1000).padStart(3, '0')}`, skus: Math.min(1000, skus - part), linesPerSku: 100, now: Date.parse(NOW) - 60_000, seed: part + 1, receiptsPerSku: 30, onHandShare: 0.3 });
    process.stderr.write(`seeded ${Math.min(skus, part + 1000) * 100} lines (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await service.close();
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function measure(url: string): Promise<void> {
  const { service, api } = await open(url);
  let peak = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const rss = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  const address = await service.app.listen({ port: 0, host: '127.0.0.1' });
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  const baseline = process.memoryUsage().rss;

  // 1. The dry run, streamed, with /health probed meanwhile.
  peak = baseline;
  const baseHeap = process.memoryUsage().heapUsed;
  peakHeap = baseHeap;
  const health: number[] = [];
  let streaming = true;
  const probe = (async () => {
    while (streaming) {
      const t0 = performance.now();
      await fetch(`${address}/health`).then((r) => r.arrayBuffer());
      health.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t0 = performance.now();
  const res = await fetch(`${address}/api/jobs/backorder/runs?dryRun=true`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
  const reader = res.body!.getReader();
  let bytes = 0;
  let firstByte = 0;
  let tail = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    if (bytes === 0) firstByte = performance.now() - t0;
    bytes += r.value.length;
    tail = (tail + Buffer.from(r.value.subarray(Math.max(0, r.value.length - 400))).toString('latin1')).slice(-400);
  }
  const total = performance.now() - t0;
  streaming = false;
  await probe;
  const counts = JSON.parse(`{${tail.slice(tail.lastIndexOf('],"processed"') + 2)}`);
  console.log(`dry run: first byte ${firstByte.toFixed(0)} ms, all ${(total / 1000).toFixed(1)} s, ${mb(bytes)} streamed; counts ${JSON.stringify(counts)}`);
  console.log(`  service RSS: ${mb(baseline)} before, peak ${mb(peak)} during; JS heap ${mb(baseHeap)} before, peak ${mb(peakHeap)} during`);
  console.log(`  GET /health while streaming: ${health.length} probes, p50 ${percentile(health, 50).toFixed(1)} ms, p99 ${percentile(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`);

  // 2. Explanations of random held lines.
  const ids = (await service.database.db.selectFrom('order_lines').select('id').where('status_reason', '=', 'BackorderHold').limit(20_000).execute()).map((r) => r.id);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    const s = performance.now();
    await api('GET', `/api/order-lines/${id}/promise`);
    times.push(performance.now() - s);
  }
  console.log(`explanations: 200 random held lines (100 per sku), p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`);

  // 3. The doctor.
  peak = process.memoryUsage().rss;
  const d0 = performance.now();
  const report = await api('GET', '/api/admin/integrity');
  console.log(`doctor: ${((performance.now() - d0) / 1000).toFixed(1)} s, ok=${report.ok}, ${report.problems.length} problems; peak RSS ${mb(peak)}`);
  clearInterval(rss);
  await service.close();
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'seed' || mode === 'measure') {
    const url = process.argv[3]!;
    if (mode === 'seed') await seed(url, Number(process.argv[4]));
    else await measure(url);
    return;
  }
  const lines = Number(arg('lines', '1000000'));
  const usePg = process.argv.includes('--pg');
  let url: string;
  let drop: () => Promise<void>;
  if (usePg) {
    const name = `holdfast_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    url = `postgres://postgres@127.0.0.1:5432/${name}`;
    drop = async () => {
      const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-bench-'));
    url = path.join(dir, 'bench.db');
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  try {
    console.log(`${usePg ? 'PostgreSQL' : 'SQLite'}, ${lines} held lines; ${os.cpus().length} cores, Node ${process.version}`);
    const tsx = ['--import', 'tsx'];
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [...tsx, self, ...args], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`${args[0]} failed (${r.status})`);
    };
    run(['seed', url, String(lines)]);
    run(['measure', url]);
  } finally {
    await drop();
  }
}

await main();
