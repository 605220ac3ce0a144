/**
 * The admin screens: "API keys" (create, shown once, revoke; a revoked key is signed out at once) and "Webhooks"
 * (a subscription added in the form, "Ping", its delivery log, and a line event delivered, signed).
 */
import http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { launchBrowser, navigate, openPage, signIn, startConsole } from './harness.ts';
import type { ConsoleService } from './harness.ts';

const kind = DATABASE_KINDS[0]!;

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

describe(`admin screens on ${kind}`, () => {
  let svc: ConsoleService;
  let browser: Browser;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    [svc, browser] = await Promise.all([startConsole(kind), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('creates a key shown once, lists it without the key, and revokes it; a session on a revoked key ends', async () => {
    const c = await openPage(browser, svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'API keys');
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create key' });
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByLabel('Label').fill('wall screen');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const shown = page.locator('[data-new-key]');
    await shown.waitFor();
    const key = (await shown.textContent())!.trim();
    expect(key.length).toBeGreaterThan(16);
    expect((await svc.t.api('GET', '/api/session', undefined, { key })).body.role).toBe('viewer');
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /wall screen/ });
    await row.waitFor();
    expect(await page.getByText(key).count()).toBe(0);

    // A second browser signed in with the new key, revoked meanwhile: its next call signs it out.
    const other = await openPage(browser, svc);
    await signIn(other.page, key);

    await row.getByRole('button', { name: 'Revoke key wall screen' }).click();
    await page.getByRole('dialog', { name: 'Revoke key wall screen?' }).getByRole('button', { name: 'Yes, revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await svc.t.api('GET', '/api/session', undefined, { key })).status).toBe(401);

    await navigate(other.page, 'Orders');
    await other.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await other.page.getByText('no longer accepts this API key').waitFor();
    other.expectNoErrors([401]);
    await other.close();
    c.expectNoErrors();
    await c.close();
  });

  it('adds a webhook, pings it, shows its deliveries, and delivers a signed line event', async () => {
    const c = await openPage(browser, svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const form = page.getByRole('dialog', { name: 'Add webhook' });
    await form.getByLabel(/^Id/).fill('warehouse-east');
    await form.getByLabel(/^URL/).fill('ftp://example.com/nope');
    const secret = 'a-secret-of-thirty-two-characters';
    await form.getByLabel(/^Secret/).fill(secret);
    await form.getByRole('button', { name: 'Save webhook' }).click();
    // A url that is not http(s) is refused on its field.
    await form.locator('[aria-invalid="true"]').first().waitFor();
    expect(await form.getByLabel(/^URL/).getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel(/^URL/).fill(receiverUrl);
    await form.getByRole('button', { name: 'Save webhook' }).click();
    await form.waitFor({ state: 'hidden' });
    const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row', { name: /warehouse-east/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(receiverUrl);
    expect(await page.getByText(secret).count()).toBe(0);

    await row.getByRole('button', { name: 'Ping warehouse-east' }).click();
    const deliveries = page.getByRole('table', { name: 'Deliveries' });
    await deliveries.getByRole('row', { name: /ping .*delivered/ }).waitFor();

    // A line event: a cancel through the API reaches the receiver signed, and shows in the log.
    const line = (await svc.t.api('GET', '/api/order-lines?statusReason=BackorderHold&limit=1')).body.items[0];
    const order = (await svc.t.api('GET', `/api/orders/${line.orderId}`)).body;
    expect((await svc.t.api('POST', `/api/orders/${line.orderId}/lines/${line.lineNumber}/cancel`, {})).status).toBe(200);
    await deliveries.getByRole('row', { name: /line\.canceled .*delivered/ }).waitFor();
    const event = received.find((r) => JSON.parse(r.body).type === 'line.canceled');
    expect(event).toBeDefined();
    const signature = createHmac('sha256', secret).update(`${event!.headers['holdfast-timestamp']}.${event!.body}`).digest('hex');
    expect(event!.headers['holdfast-signature']).toBe(`sha256=${signature}`);
    expect(JSON.parse(event!.body).data).toMatchObject({ id: line.id, statusReason: 'CanceledByRequest', externalId: order.externalId });

    await deliveries.getByRole('row', { name: /ping/ }).getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText('Redelivery queued').waitFor();
    c.expectNoErrors([400]);
    await c.close();
  });
});
