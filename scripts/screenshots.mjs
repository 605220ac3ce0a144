#!/usr/bin/env node
// Screenshots of every console screen at 1280x800 and 390x844 into docs/screenshots/ (`npm run screenshots`):
// a service on a scratch SQLite file with the demo data (its 40-day history on a manual clock), Debian's Chromium, the admin key.
// Build first (npm run build); re-run after UI work lands.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { register } from 'tsx/esm/api';
import { chromium } from 'playwright-core';

register();
const { loadConfig } = await import('../src/config/config.ts');
const { createService } = await import('../src/service.ts');
const { seedDemo } = await import('../src/cli/demo-seed.ts');

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const ADMIN_KEY = 'hf_screenshots_admin_key_0123456789';
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-screens-'));
const config = loadConfig({}, { databaseUrl: path.join(dir, 'demo.db'), adminKey: ADMIN_KEY, manualClock: true, logLevel: 'silent', eventDebounceMs: 20 });
const service = await createService(config, { dispatcher: true });
// A warehouse endpoint that takes every webhook, so the delivery log has deliveries to show.
const receiver = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: process.env.HOLDFAST_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'],
});
try {
  if (!fs.existsSync(path.join(config.consoleDir, 'index.html'))) throw new Error('the console is not built: run npm run build');
  await seedDemo({ ...service, setLog: () => undefined });
  // A manual run; when an event-triggered one of the type is going (409), wait for it to end first.
  const runJob = async (job) => {
    for (;;) {
      try {
        return await (await service.jobs.run(job, 'manual')).done;
      } catch (error) {
        if (error?.code !== 'job_running') throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  for (const job of ['preorder', 'backorder']) await runJob(job);
  // A delivery of monitors and docks, then a Back-Order Job that releases lines: a run page with records.
  const call = async (method, url, payload) => {
    const r = await service.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.body}`);
  };
  await call('PUT', '/api/webhooks/warehouse-east', {
    url: `http://127.0.0.1:${receiver.address().port}/holdfast`,
    secret: 'screenshots-secret-0123456789',
    events: ['line.released', 'line.canceled', 'line.promise_changed'],
    description: 'East DC warehouse system',
  });
  await call('POST', '/api/keys', { role: 'viewer', label: 'wall screen' });
  await call('POST', '/api/keys', { role: 'integration', label: 'shop' });
  await call('PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: false } } });
  await call('PUT', '/api/inventory/on-hand', [{ sku: 'MN-270', locationId: 'WEST', onHand: 12 }, { sku: 'DK-300', locationId: 'EAST', onHand: 9 }]);
  await runJob('backorder');
  await call('PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: true } } });
  await call('POST', '/api/webhooks/warehouse-east/ping');
  const url = await service.app.listen({ host: '127.0.0.1', port: 0 });
  const get = async (p) => (await service.app.inject({ url: p, headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json();
  const held = (await get('/api/order-lines?statusReason=BackorderHold&limit=1')).items[0];
  const run = (await get('/api/jobs/runs?jobType=backorder&limit=1')).items[0];

  const screens = [
    ['sign-in', null],
    ['home', '/'],
    ['orders', '/orders'],
    ['order-lines', '/orders?view=lines&statusReason=BackorderHold'],
    ['order', `/orders/${held.orderId}`],
    ['products', '/products'],
    ['product', '/products/HS-900'],
    ['inventory', '/inventory?sku=MN-270'],
    ['inventory-atp', '/inventory?sku=MN-270', (page) => page.getByRole('figure', { name: 'ATP' }).scrollIntoViewIfNeeded()],
    ['background-jobs', '/monitoring/jobs'],
    ['job-run', `/monitoring/jobs/runs/${run.id}`],
    ['integrity', '/monitoring/integrity', (page) => page.locator('[data-integrity]').waitFor()],
    ['settings-index-and-reservation', '/settings/index-and-reservation'],
    ['settings-general', '/settings/general'],
    ['settings-job-schedules', '/settings/jobs'],
    ['settings-audit', '/settings/audit'],
    ['webhooks', '/webhooks?id=warehouse-east', (page) => page.getByRole('table', { name: 'Deliveries' }).waitFor()],
    ['api-keys', '/keys'],
  ];
  fs.mkdirSync(OUT, { recursive: true });
  for (const size of SIZES) {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, baseURL: url, deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const [name, route, after] of screens) {
      if (route === null) {
        await page.goto('/');
        await page.getByLabel('API key').waitFor();
      } else {
        if (!(await page.evaluate(() => sessionStorage.getItem('holdfast.apiKey')))) {
          await page.getByLabel('API key').fill(ADMIN_KEY);
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByRole('button', { name: 'Sign out' }).waitFor();
        }
        await page.goto(route);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
        await page.waitForTimeout(300); // charts lay out after their chunk loads
        if (after) await after(page);
      }
      const file = path.join(OUT, `${name}-${size.width}x${size.height}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await service.close();
  receiver.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
