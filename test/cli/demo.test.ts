/**
 * The demo and the CLI on one database (issue 10.1-10.3 and 10.8, SPEC section 8), as a new user runs them in
 * a fresh folder: `holdfast demo` seeds ./data/holdfast.db with a 40-day history and prints working addresses
 * and an admin key; CLI commands run beside it act on the same data; a restart keeps the data and the key;
 * `--fresh` refuses while the demo runs and starts over once it has stopped. SQLite only: the demo is SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../jobs/child-process.ts';
import type { RunningCli } from '../jobs/child-process.ts';

const DAY = 86_400_000;

interface Demo {
  readonly cli: RunningCli;
  readonly url: string;
  readonly key: string;
  readonly banner: string;
  readonly startedInMs: number;
}

async function startDemo(cwd: string, args: string[] = []): Promise<Demo> {
  const started = Date.now();
  const cli = startCli(['demo', ...args], { PORT: '0', LOG_LEVEL: 'info' }, { cwd });
  const exitedEarly = cli.exited.then((r) => Promise.reject(new Error(`demo exited ${r.code}: ${r.stderr}`)));
  await Promise.race([cli.printed(/Ctrl-C stops the demo/), exitedEarly]);
  exitedEarly.catch(() => undefined);
  const text = cli.stdout();
  const url = /console\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1];
  const key = /admin key\s+(hf_\S+)/.exec(text)?.[1];
  if (!url || !key) throw new Error(`no address or key in the banner: ${text}`);
  return { cli, url, key, banner: text, startedInMs: Date.now() - started };
}

async function stop(demo: Demo): Promise<{ code: number | null; stdout: string }> {
  demo.cli.child.kill('SIGTERM');
  const r = await demo.cli.exited;
  return { code: r.code, stdout: r.stdout };
}

describe('holdfast demo and the CLI on one database (sqlite)', () => {
  let cwd: string;
  let demo: Demo;
  const get = async (p: string, key: string | null = demo.key) => {
    const r = await fetch(`${demo.url}${p}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const text = await r.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: r.status, body, text };
  };

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-demo-'));
    demo = await startDemo(cwd);
    console.log(`demo: seeded and listening ${demo.startedInMs} ms after start`);
  });
  afterAll(async () => {
    if (demo && demo.cli.child.exitCode === null) await stop(demo);
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('prints working addresses and an admin key kept beside the database, readable by its owner only', async () => {
    expect(demo.banner).toContain('seeded 38 orders over the last 40 days into data/holdfast.db');
    for (const p of ['/', '/health', '/api/openapi.json']) expect((await get(p, null)).status, p).toBe(200);
    expect(demo.banner).toContain(`${demo.url}/health`);
    expect(demo.banner).toContain(`${demo.url}/api/openapi.json`);
    expect(demo.banner).not.toMatch(/\/api\s/);
    expect((await get('/api/orders')).status).toBe(200);
    const keyFile = path.join(cwd, 'data/holdfast.db.admin-key');
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(demo.key);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    // `/` is the console; the start page with its pasteable absolute-URL examples shows only while it is not built.
    expect((await get('/', null)).text).toContain('<div id="root"></div>');
  });

  it('seeds a history that gives every screen something: every status, every backorder age, a launched preorder, schedules ahead, runs of every kind', async () => {
    const lines = (await get('/api/order-lines?limit=500')).body.items as any[];
    const reasons = new Set(lines.map((l) => l.statusReason));
    for (const r of ['AwaitingFulfillment', 'Shipped', 'BackorderHold', 'PreorderHold', 'CanceledByRequest', 'OutOfStock', 'BackorderSlaExpired']) expect(reasons, r).toContain(r);
    const now = Date.now();
    const ages = new Set(
      lines
        .filter((l) => l.statusReason === 'BackorderHold')
        .map((l) => {
          const days = (now - Date.parse(l.backorderedAt)) / DAY;
          return days <= 2 ? '0-2' : days <= 7 ? '3-7' : days <= 14 ? '8-14' : days <= 30 ? '15-30' : 'over 30';
        }),
    );
    expect([...ages].sort()).toEqual(['0-2', '15-30', '3-7', '8-14', 'over 30']);
    const today = new Date(now).toISOString().slice(0, 10);
    const launched = lines.filter((l) => l.statusReason === 'PreorderHold' && l.launchDate <= today);
    expect(launched.length, 'a launched preorder waits for the Pre-Order Job').toBeGreaterThan(0);
    expect(lines.some((l) => l.statusReason === 'PreorderHold' && l.launchDate > today)).toBe(true);
    const schedules = (await get('/api/inventory/schedules?limit=500')).body.items as any[];
    expect(schedules.some((e) => e.date > today)).toBe(true);
    const runs = (await get('/api/jobs/runs?limit=500')).body.items as any[];
    expect(new Set(runs.map((r) => `${r.jobType}/${r.trigger}`))).toEqual(new Set(['backorder/scheduled', 'backorder/event', 'backorder/manual', 'preorder/scheduled']));
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('lets CLI commands run beside the demo act on its data', async () => {
    const viewer = await runCli(['keys', 'create', '--role', 'viewer'], {}, { cwd });
    expect(viewer.code, viewer.stderr).toBe(0);
    expect((await get('/api/orders', viewer.stdout.trim())).status).toBe(200);

    const file = path.join(cwd, 'x.csv');
    fs.writeFileSync(file, 'sku,locationId,date,quantity,reference\nMN-270,WEST,2099-01-01,4,PO-CLI\n');
    const imported = await runCli(['import', 'schedules', file], {}, { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    expect((await get('/api/inventory/schedules?reference=PO-CLI')).body.items).toHaveLength(1);

    const atp = await runCli(['atp', 'MN-270'], {}, { cwd });
    expect(atp.code, atp.stderr).toBe(0);
    expect(atp.stdout).toMatch(/^location\s+available\s+ATP today\s+earliest for 1$/m);
    for (const l of ['EAST', 'WEST', 'NYC-STORE']) expect(atp.stdout).toMatch(new RegExp(`^${l}\\s+-?\\d+\\s+-?\\d+\\s+\\S`, 'm'));

    const run = await runCli(['jobs', 'run', 'backorder'], {}, { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^backorder run run_\w+: succeeded$/m);
  });

  it('logs one readable line per request, not JSON', async () => {
    await get('/health', null);
    await get('/api/orders/ord_NOPE');
    const r = await stopAndRestart();
    expect(r.previousOutput).toMatch(/^\d\d:\d\d:\d\d GET \/health 200 [\d.]+ ms$/m);
    expect(r.previousOutput).toMatch(/^\d\d:\d\d:\d\d GET \/api\/orders\/ord_NOPE 404 [\d.]+ ms not-found$/m);
    expect(r.previousOutput).not.toMatch(/^\{"level"/m);
    expect(r.exitCode).toBe(0);
  });

  /** Stops the demo (SIGTERM) and starts it again in the same folder. */
  async function stopAndRestart(): Promise<{ exitCode: number | null; previousOutput: string }> {
    const stopped = await stop(demo);
    expect(fs.readdirSync(path.join(cwd, 'data/holdfast.db.holders')), 'no holder left behind').toEqual([]);
    const key = demo.key;
    demo = await startDemo(cwd);
    expect(demo.key, 'the same admin key after a restart').toBe(key);
    return { exitCode: stopped.code, previousOutput: stopped.stdout };
  }

  it('keeps the data across a restart, refuses --fresh while the demo runs, and starts over with --fresh once stopped', async () => {
    expect(demo.banner).toContain('the data already in data/holdfast.db (npx holdfast demo --fresh starts over)');
    const orders = (await get('/api/orders?limit=500')).body.items.length;
    expect(orders).toBe(38);
    expect((await get('/api/inventory/schedules?reference=PO-CLI')).body.items).toHaveLength(1);

    const refused = await runCli(['demo', '--fresh'], {}, { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^holdfast: data\/holdfast\.db is in use by holdfast demo \(pid \d+\); stop it first, then run npx holdfast demo --fresh again$/);
    expect((await get('/api/inventory/schedules?reference=PO-CLI')).body.items, 'nothing wiped').toHaveLength(1);

    const key = demo.key;
    await stop(demo);
    demo = await startDemo(cwd, ['--fresh']);
    expect(demo.banner).toContain('seeded 38 orders');
    expect(demo.key).toBe(key);
    expect((await get('/api/inventory/schedules?reference=PO-CLI')).body.items, 'started over').toHaveLength(0);
  });
});
