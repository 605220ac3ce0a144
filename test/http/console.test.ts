/**
 * What the console needs from the service besides the resources: who a key is (`GET /api/session`), the Home
 * screen's aggregates (`GET /api/overview`), and the built console served at `/` without shadowing the API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, TODAY, addDays, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules } from '../fixtures/seed.ts';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();

describe.each(DATABASE_KINDS)('console reads on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
  });
  afterAll(async () => t?.close());

  it('GET /api/session names the calling key and its role', async () => {
    const admin = await t.api('GET', '/api/session');
    expectStatus(admin, 200);
    expect(admin.body).toEqual({ keyId: expect.any(String), role: 'admin' });
    for (const role of ['viewer', 'operator', 'integration'] as const) {
      const r = await t.api('GET', '/api/session', undefined, { key: await t.key(role) });
      expectStatus(r, 200);
      expect(r.body.role).toBe(role);
      expect(r.body.keyId).not.toBe(admin.body.keyId);
    }
    expectProblem(await t.api('GET', '/api/session', undefined, { key: null }), 401);
    expectProblem(await t.api('GET', '/api/session', undefined, { key: 'hf_not_a_key_at_all_000000' }), 401);
  });

  it('GET /api/overview counts lines per status reason, ages backorders and sets preorder demand against receipts', async () => {
    await patchSettings(t, { onHandChangeSchedule: true, backorders: true, jobs: { backorder: { onSupplyChange: false } } });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 } });
    await seedProducts(t, {
      A: {},
      NOBO: { allowBackorder: false },
      VR: { preorderEligible: true, launchDate: addDays(TODAY, 45) },
      GC: { preorderEligible: true, launchDate: addDays(TODAY, 60) },
    });
    await seedOnHand(t, [['A', 'EAST', 3]]);
    await seedSchedules(t, [
      { sku: 'VR', locationId: 'EAST', date: addDays(TODAY, 30), quantity: 5, reference: 'PO-1' },
      { sku: 'VR', locationId: 'WEST', date: addDays(TODAY, 40), quantity: 2, reference: 'PO-2' },
      { sku: 'VR', locationId: 'EAST', date: addDays(TODAY, 50), quantity: 7, reference: 'PO-3' },
      { sku: 'VR', locationId: 'EAST', date: addDays(TODAY, 42), quantity: 3, reference: 'PO-4' },
      { sku: 'VR', locationId: 'EAST', date: addDays(TODAY, 45), quantity: -4, reference: 'TR-1' },
    ]);

    await placeOrder(t, 'released', [['A', 3]]); // AwaitingFulfillment, 3 units
    // Backorders placed 40, 20, 10, 5 and 0 days before "now", so each lands in its own age bucket.
    for (const [i, daysAgo] of [40, 20, 10, 5, 0].entries()) {
      await t.setClock(at(40 - daysAgo));
      await placeOrder(t, `bo-${i}`, [['A', i + 1]]);
    }
    await placeOrder(t, 'oos', [['NOBO', 2]]); // OutOfStock
    await placeOrder(t, 'pre-1', [['VR', 2]]);
    await placeOrder(t, 'pre-2', [['VR', 1], ['GC', 4]]);

    const r = await t.api('GET', '/api/overview');
    expectStatus(r, 200);
    const o = r.body;
    expect(o.today).toBe(addDays(TODAY, 40));
    const reasons = Object.fromEntries(o.statusReasons.map((s: any) => [s.statusReason, [s.lines, s.units]]));
    expect(reasons).toEqual({
      New: [0, 0],
      PreorderHold: [3, 7],
      BackorderHold: [5, 15],
      AwaitingFulfillment: [1, 3],
      Shipped: [0, 0],
      CanceledByRequest: [0, 0],
      BackorderSlaExpired: [0, 0],
      OutOfStock: [1, 2],
    });
    expect(o.backorderAgeing).toEqual([
      { bucket: '0-2', lines: 1, units: 5 },
      { bucket: '3-7', lines: 1, units: 4 },
      { bucket: '8-14', lines: 1, units: 3 },
      { bucket: '15-30', lines: 1, units: 2 },
      { bucket: 'over 30', lines: 1, units: 1 },
    ]);
    // Today is day 40 and VR launches on day 45: of the receipts after today, 3 arrive by launch (day 42) and 7
    // after it (day 50); the issue of -4 is no receipt, and days 30 and 40 are not after today. GC has none.
    expect(o.preorderDemand).toEqual([
      { sku: 'VR', name: 'VR', launchDate: addDays(TODAY, 45), onHold: 3, heldLines: 2, receiptsByLaunch: 3, receiptsAfterLaunch: 7 },
      { sku: 'GC', name: 'GC', launchDate: addDays(TODAY, 60), onHold: 4, heldLines: 1, receiptsByLaunch: 0, receiptsAfterLaunch: 0 },
    ]);

    await t.setClock(at(20));
    const earlier = (await t.api('GET', '/api/overview')).body;
    const vr = earlier.preorderDemand.find((p: any) => p.sku === 'VR');
    expect(vr).toMatchObject({ receiptsByLaunch: 10, receiptsAfterLaunch: 7 });
  });

  it('GET /api/overview is a read every role may make', async () => {
    expectStatus(await t.api('GET', '/api/overview', undefined, { key: await t.key('viewer') }), 200);
    expectProblem(await t.api('GET', '/api/overview', undefined, { key: null }), 401);
  });
});

describe('the console at /', () => {
  let dir: string;
  let t: TestService;
  let bare: TestService;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-console-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1a2b.js"></script>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("console")');
    // The build writes these two beside each asset; their bytes here tell which file was sent.
    fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js.br'), zlib.brotliCompressSync('console.log("br")'));
    fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js.gz'), zlib.gzipSync('console.log("gz")'));
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await startTestService('sqlite', { now: T0, config: { consoleDir: dir } });
    bare = await startTestService('sqlite', { now: T0, config: { consoleDir: path.join(dir, 'missing') } });
  });
  afterAll(async () => {
    await t?.close();
    await bare?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and at every client route, without a key', async () => {
    for (const url of ['/', '/orders', '/orders/o_123', '/monitoring/jobs/runs/r_1', '/settings/general?x=1']) {
      const r = await t.api('GET', url, undefined, { key: null });
      expect(r.status, url).toBe(200);
      expect(String(r.headers['content-type']), url).toMatch(/^text\/html/);
      expect(r.text, url).toContain('<div id="root"></div>');
      expect(r.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves index.html at every route the console declares (web/src/App.tsx)', async () => {
    const app = fs.readFileSync(path.resolve(import.meta.dirname, '../../web/src/App.tsx'), 'utf8');
    const routes = [...app.matchAll(/<Route path="([^"*]+)"/g)].map((m) => m[1]!.replace(/:[A-Za-z]+/g, 'x.1'));
    expect(routes.length).toBeGreaterThan(10);
    for (const url of routes) {
      const r = await t.api('GET', url, undefined, { key: null });
      expect(r.status, url).toBe(200);
      expect(r.text, url).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets as immutable and the other files as revalidated', async () => {
    const js = await t.api('GET', '/assets/app-1a2b.js', undefined, { key: null });
    expect(js.status).toBe(200);
    expect(String(js.headers['content-type'])).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    const icon = await t.api('GET', '/favicon.svg', undefined, { key: null });
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('sends an asset Brotli- or gzip-compressed to a client that accepts it, and as it is to one that does not', async () => {
    const get = (acceptEncoding?: string) =>
      t.service.app.inject({ method: 'GET', url: '/assets/app-1a2b.js', headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });
    const cases = [
      ['gzip, deflate, br', 'br', (b: Buffer) => zlib.brotliDecompressSync(b), 'console.log("br")'],
      ['gzip', 'gzip', (b: Buffer) => zlib.gunzipSync(b), 'console.log("gz")'],
      [undefined, undefined, (b: Buffer) => b, 'console.log("console")'],
      ['identity', undefined, (b: Buffer) => b, 'console.log("console")'],
    ] as const;
    for (const [accept, encoding, decode, text] of cases) {
      const r = await get(accept);
      expect(r.statusCode, String(accept)).toBe(200);
      expect(r.headers['content-encoding'], String(accept)).toBe(encoding);
      expect(String(r.headers['content-type']), String(accept)).toMatch(/javascript/);
      expect(r.headers.vary, String(accept)).toBe('accept-encoding');
      expect(r.headers['cache-control'], String(accept)).toContain('immutable');
      expect(decode(r.rawPayload).toString(), String(accept)).toBe(text);
    }
  });

  it('the build leaves a Brotli and a gzip copy of every script and style sheet of the console, each the same bytes', () => {
    const assets = path.resolve(import.meta.dirname, '../../dist/console/assets');
    const files = fs.readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    expect(files.some((f) => f.endsWith('.js')) && files.some((f) => f.endsWith('.css'))).toBe(true);
    for (const f of files) {
      const original = fs.readFileSync(path.join(assets, f));
      const br = fs.readFileSync(path.join(assets, `${f}.br`));
      expect(zlib.brotliDecompressSync(br).equals(original), f).toBe(true);
      expect(zlib.gunzipSync(fs.readFileSync(path.join(assets, `${f}.gz`))).equals(original), f).toBe(true);
      if (original.length > 10_000) expect(br.length, f).toBeLessThan(original.length / 2);
    }
  });

  it('never shadows the API: unknown API paths and missing files stay problem+json 404s', async () => {
    for (const url of ['/api', '/health/x', '/metrics/x', '/docs/x', '/assets/missing.js', '/favicon.ico', '/nowhere', '/orders.json']) {
      expectProblem(await t.api('GET', url, undefined, { key: null }), 404);
    }
    // Under /api/ the key comes first, as before the console was served.
    expectProblem(await t.api('GET', '/api/nope', undefined, { key: null }), 401);
    expectProblem(await t.api('GET', '/api/nope'), 404);
    const health = await t.api('GET', '/health', undefined, { key: null });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expectStatus(await t.api('GET', '/api/openapi.json', undefined, { key: null }), 200);
    expectProblem(await t.api('GET', '/api/orders', undefined, { key: null }), 401);
    expectProblem(await t.api('POST', '/orders', {}, { key: null }), 404);
  });

  it('answers a browser at an address the console does not have with the console and a 404, and anything else with the problem', async () => {
    const html = { key: null, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } };
    const page = await t.api('GET', '/nowhere/deeper', undefined, html);
    expect(page.status).toBe(404);
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="root">');
    for (const url of ['/api/nope', '/health/x', '/docs/x', '/assets/missing.js', '/favicon.ico']) {
      const r = await t.api('GET', url, undefined, html);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(String(r.headers['content-type']), url).toMatch(/^application\/problem\+json/);
    }
  });

  it('without a built console, / says how to build it', async () => {
    const r = await bare.api('GET', '/', undefined, { key: null });
    expect(r.status).toBe(200);
    expect(r.text).toContain('npm run build');
    // Its examples carry the service's own address, so they paste as they are.
    expect(r.text).toMatch(/curl -H "Authorization: Bearer \$KEY" "http:\/\/[^/"]+\/api\/order-lines\?statusReason=BackorderHold"/);
    expectProblem(await bare.api('GET', '/orders', undefined, { key: null }), 404);
  });
});
