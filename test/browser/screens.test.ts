/**
 * Every screen of SPEC 9 on the demo data, at 1280x800 and 390x844, by mouse and by keyboard: sign-in, the data
 * each screen shows, and no error in the browser console. Prints how long each screen took to show its data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { DESKTOP, PHONE, chartData, launchBrowser, navigate, openPage, signIn, startConsole, timeUntil } from './harness.ts';
import type { ConsoleService } from './harness.ts';

describe.each(DATABASE_KINDS)('console screens on %s', (kind) => {
  let svc: ConsoleService;
  let browser: Browser;
  const timings: [string, number][] = [];
  beforeAll(async () => {
    [svc, browser] = await Promise.all([startConsole(kind), launchBrowser()]);
  });
  afterAll(async () => {
    if (timings.length) {
      console.log(`time to data on ${kind} (ms), client-side navigation at 1280x800:\n${timings.map(([s, ms]) => `  ${s.padEnd(28)} ${String(ms).padStart(5)}`).join('\n')}`);
    }
    await browser?.close();
    await svc?.close();
  });

  it('refuses an unknown key next to the field, signs in, and signs out', async () => {
    const c = await openPage(browser, svc);
    const { page } = c;
    await page.goto('/');
    await page.getByLabel('API key').fill('hf_wrong_key_000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const field = page.getByLabel('API key');
    const message = page.getByText('The service does not know this key (401)');
    await message.waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toContain(await message.getAttribute('id'));
    // One message: a key that was never accepted is not said to have been revoked.
    expect(await page.getByText('no longer accepts this API key').count()).toBe(0);

    await signIn(page);
    expect(await page.evaluate(() => sessionStorage.getItem('holdfast.apiKey'))).toBeTruthy();
    await page.reload();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('holdfast.apiKey'))).toBeNull();
    c.expectNoErrors([401]);
    await c.close();
  });

  it('shows the demo data on every screen at 1280x800', async () => {
    const c = await openPage(browser, svc, DESKTOP);
    const { page } = c;
    const api = (url: string) => svc.t.api('GET', url).then((r) => r.body);
    const overview = await api('/api/overview');
    const backorders = overview.statusReasons.find((s: { statusReason: string }) => s.statusReason === 'BackorderHold');
    expect(backorders.lines).toBeGreaterThan(0);

    const home = await timeUntil(() => signIn(page), page.getByRole('link', { name: `Backorder Hold: ${backorders.lines.toLocaleString('en-US')} line${backorders.lines === 1 ? '' : 's'}, ${backorders.units.toLocaleString('en-US')} unit${backorders.units === 1 ? '' : 's'}` }));
    timings.push(['Home (after sign-in)', home]);
    await page.getByRole('figure', { name: 'Backorder ageing' }).waitFor();
    expect((await chartData(page, 'Backorder ageing')).map((r) => r[0])).toEqual(['0-2', '3-7', '8-14', '15-30', 'over 30']);
    const demand = await chartData(page, 'Preorder demand');
    expect(demand.map((r) => r[0])).toEqual(overview.preorderDemand.map((p: { sku: string }) => p.sku));
    expect(demand.length).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Last runs' }).waitFor();
    expect(await page.locator('[data-last-run="backorder"]').textContent()).toContain('succeeded');

    // Home's count links to the filtered list of lines.
    timings.push([
      'Lines (from a Home count)',
      await timeUntil(() => page.getByRole('link', { name: /^Backorder Hold:/ }).click(), page.getByRole('table', { name: 'Lines' }).getByRole('row').nth(1)),
    ]);
    const lineRows = page.getByRole('table', { name: 'Lines' }).locator('tbody tr');
    expect(await lineRows.count()).toBe(backorders.lines);
    expect(await page.getByLabel('Status reason').inputValue()).toBe('BackorderHold');
    // Each line is named as the order's system names it: the order's externalId and the line number.
    const newestHeld = (await api('/api/order-lines?statusReason=BackorderHold&limit=1')).items[0];
    const itsOrder = await api(`/api/orders/${newestHeld.orderId}`);
    await lineRows.first().getByRole('link', { name: `${itsOrder.externalId} #${newestHeld.lineNumber}`, exact: true }).waitFor();
    // The list has the order page's line columns, State included.
    const lineHeaders = await page.getByRole('table', { name: 'Lines' }).getByRole('columnheader').allTextContents();
    expect(lineHeaders).toEqual(['Order', 'SKU', 'Quantity', 'State', 'Status Reason', 'Location', 'Inventory Availability Date', 'Estimated Shipment Date', 'Launch Date']);
    expect(await lineRows.first().locator('td').nth(3).textContent()).toBe('On Hold');

    const orders = await api('/api/orders?limit=500');
    timings.push(['Orders', await timeUntil(() => navigate(page, 'Orders'), page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: orders.items[0].externalId }))]);
    expect(await page.getByRole('table', { name: 'Orders' }).locator('tbody tr').count()).toBe(Math.min(50, orders.items.length));
    const held = orders.items.find((o: { lines: { statusReason: string }[] }) => o.lines.some((l) => l.statusReason === 'BackorderHold'));
    await page.getByLabel('External id').fill(held.externalId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Orders"] tbody tr').length === 1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Customer').fill(held.customerId);
    await page.getByRole('button', { name: 'Search' }).click();
    const ofCustomer = orders.items.filter((o: { customerId: string }) => o.customerId === held.customerId).length;
    await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Orders"] tbody tr').length === n, ofCustomer);
    await page.getByLabel('Status reason').selectOption('BackorderHold');
    const orderLink = page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: held.externalId });
    await orderLink.waitFor();
    timings.push(['Order page', await timeUntil(() => orderLink.click(), page.getByRole('heading', { name: 'History' }))]);
    await page.getByRole('heading', { name: `Order ${held.externalId}` }).waitFor();
    const lineTable = page.getByRole('table', { name: 'Lines' });
    for (const header of ['State', 'Status Reason', 'Location', 'Inventory Availability Date', 'Estimated Shipment Date', 'Launch Date']) {
      await lineTable.getByRole('columnheader', { name: header, exact: true }).waitFor();
    }
    expect(await lineTable.locator('tbody tr').count()).toBe(held.lines.length);
    await page.getByRole('heading', { name: 'Why these dates' }).first().waitFor();
    // Each held line's explanation and queue (SPEC 11), as the service gives them.
    const heldLine = held.lines.find((l: { statusReason: string }) => l.statusReason === 'BackorderHold');
    const why = (await svc.t.api('GET', `/api/order-lines/${heldLine.id}/promise`)).body;
    const panel = page.locator(`[data-promise="${heldLine.lineNumber}"]`);
    await panel.locator('[data-explanation]').getByText(why.explanation, { exact: true }).waitFor();
    expect(await panel.locator('[data-queue]').textContent()).toContain(`${why.queue.ahead.lines} line`);
    // SPEC 11's table at each candidate location, day by day: the earliest date's row as the service computed it.
    const first = why.locations[0];
    await panel.getByText(`Day by day at ${first.locationId}`).click();
    const days = panel.getByRole('table', { name: `Day by day for line ${heldLine.lineNumber} at ${first.locationId}` });
    await days.waitFor();
    const today = days.locator('tbody tr').first();
    const day0 = first.days[0];
    expect(await today.locator('td').allTextContents()).toEqual([expect.any(String), String(day0.supply), String(day0.promisedAhead), String(day0.projected), String(day0.atp)]);
    const row = first.days.find((d: { date: string }) => d.date === first.earliestDate);
    // The earliest date's row is marked (none when it is past the horizon).
    const marked = days.locator('tr[data-earliest]');
    expect(await marked.count()).toBe(row ? 1 : 0);
    if (row) expect(await marked.locator('td').allTextContents()).toEqual([expect.any(String), String(row.supply), String(row.promisedAhead), String(row.projected), String(row.atp)]);

    timings.push(['Products', await timeUntil(() => navigate(page, 'Products'), page.getByRole('table', { name: 'Products' }).getByRole('link', { name: 'HS-900' }))]);
    const hs = page.getByRole('row', { name: /HS-900/ });
    expect(await hs.textContent()).toContain('Yes');
    timings.push(['Product page', await timeUntil(() => page.getByRole('link', { name: 'HS-900' }).click(), page.getByLabel('Launch Date'))]);
    expect(await page.getByLabel('Pre-order Eligible').inputValue()).toBe('Yes');
    expect(await page.getByLabel('Launch Date').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByRole('switch', { name: 'Allow backorder', exact: true }).isChecked()).toBe(true);

    timings.push(['Inventory', await timeUntil(() => navigate(page, 'Inventory'), page.getByRole('table', { name: 'Stock' }).locator('tbody tr'))]);
    await page.getByLabel('SKU').selectOption('MN-270');
    const stock = await api('/api/inventory/MN-270');
    const west = stock.locations.find((l: { locationId: string }) => l.locationId === 'WEST');
    await page.getByRole('table', { name: 'Stock' }).getByRole('row', { name: new RegExp(`^WEST ${west.onHand} ${west.reserved}`) }).waitFor();
    await page.getByRole('table', { name: 'Schedule entries' }).getByRole('cell', { name: 'PO-1002', exact: true }).waitFor();
    await page.getByRole('figure', { name: 'ATP' }).waitFor();
    await page.locator('[data-earliest]').getByText(/Earliest date for 1:/).waitFor();
    const settings = await api('/api/settings');
    expect((await chartData(page, 'ATP')).length).toBe(settings.atpHorizonDays + 1);

    timings.push(['Background jobs', await timeUntil(() => navigate(page, 'Background jobs', 'Monitoring'), page.getByRole('table', { name: 'Job log' }).locator('tbody tr'))]);
    const runs = await api('/api/jobs/runs?limit=50');
    expect(await page.getByRole('table', { name: 'Job log' }).locator('tbody tr').count()).toBe(runs.items.length);
    expect(await page.getByRole('table', { name: 'Job log' }).locator('tbody tr').first().getAttribute('data-run')).toBe(runs.items[0].id);
    const firstRun = page.getByRole('table', { name: 'Job log' }).getByRole('link').first();
    timings.push(['Run page', await timeUntil(() => firstRun.click(), page.getByRole('heading', { name: 'Records' }))]);
    await page.getByRole('heading', { name: /Job run$/ }).waitFor();

    timings.push(['Settings', await timeUntil(() => navigate(page, 'Settings'), page.getByRole('switch', { name: 'OnHandChangeSchedule', exact: true }))]);
    expect(await page.getByRole('switch', { name: 'OnHandChangeSchedule', exact: true }).isChecked()).toBe(settings.onHandChangeSchedule);
    await page.getByRole('group', { name: 'App settings' }).getByRole('link', { name: 'General app settings' }).click();
    await page.getByText('Order handling preferences').waitFor();
    expect(await page.getByRole('switch', { name: 'Backorders', exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Cancellation SLA', { exact: true }).inputValue()).toBe(String(settings.cancellationSlaDays));
    await page.getByRole('link', { name: 'Job schedules' }).click();
    expect(await page.getByLabel('Back-Order Job cron').inputValue()).toBe(settings.jobs.backorder.cron);
    timings.push(['Settings audit', await timeUntil(() => page.getByRole('link', { name: 'Audit' }).click(), page.getByRole('table', { name: 'Settings changes' }).locator('tbody tr'))]);

    for (const [screen, heading, empty] of [
      ['Webhooks', 'Webhooks', 'No subscriptions yet.'],
      ['API keys', 'API keys', 'No keys.'],
    ] as const) {
      await navigate(page, screen);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      // The list loaded: its table, or the words for an empty one; not an error.
      await page.getByRole('table', { name: heading }).or(page.getByText(empty, { exact: true })).first().waitFor();
      expect(await page.getByRole('alert').count(), `an alert on ${screen}`).toBe(0);
    }
    c.expectNoErrors();
    await c.close();
  });

  it('works at 390x844 through the menu, without a page wider than the phone', async () => {
    const c = await openPage(browser, svc, PHONE);
    const { page } = c;
    await signIn(page);
    // The closed menu is off screen and inert: not reachable by Tab or a screen reader.
    expect(await page.getByRole('link', { name: 'Orders', exact: true }).count()).toBe(0);
    const screens: [string, string | undefined, () => Promise<unknown>][] = [
      ['Orders', undefined, () => page.getByRole('table', { name: 'Orders' }).locator('tbody tr').first().waitFor()],
      ['Products', undefined, () => page.getByRole('table', { name: 'Products' }).locator('tbody tr').first().waitFor()],
      ['Inventory', undefined, () => page.getByRole('figure', { name: 'ATP' }).locator('svg').first().waitFor()],
      ['Background jobs', 'Monitoring', () => page.getByRole('table', { name: 'Job log' }).locator('tbody tr').first().waitFor()],
      ['Settings', undefined, () => page.getByRole('switch', { name: 'OnHandChangeSchedule', exact: true }).waitFor()],
      ['Home', undefined, () => page.getByRole('figure', { name: 'Preorder demand' }).locator('svg').first().waitFor()],
    ];
    for (const [name, group, ready] of screens) {
      await navigate(page, name, group);
      await ready();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} is wider than the phone`).toBeLessThanOrEqual(0);
    }
    c.expectNoErrors();
    await c.close();
  });

  it('is usable by keyboard alone', async () => {
    const c = await openPage(browser, svc, DESKTOP);
    const { page } = c;
    await page.goto('/');
    await page.getByLabel('API key').waitFor();
    await page.keyboard.type(svc.t.service.config.adminKey!);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await tabTo(page, 'Inventory');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    await tabTo(page, 'Orders');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    // An order from the list, then the Run menu of Background jobs, opened and closed without a mouse.
    const newest = (await svc.t.api('GET', '/api/orders?limit=1')).body.items[0].externalId;
    await tabTo(page, newest);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Order ${newest}` }).waitFor();
    await tabTo(page, 'Background jobs');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Background jobs', level: 1 }).waitFor();
    await tabTo(page, 'Run');
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Back-Order Job' }).waitFor();
    // Arrow keys move through the items (the menu may still be opening at the first press).
    let focused = '';
    for (let i = 0; i < 10 && !['Back-Order Job', 'Pre-Order Job'].includes(focused); i++) {
      await page.keyboard.press('ArrowDown');
      await page.waitForTimeout(50);
      focused = await page.evaluate(() => (document.activeElement?.getAttribute('role') === 'menuitem' ? (document.activeElement.textContent ?? '') : ''));
    }
    expect(['Back-Order Job', 'Pre-Order Job']).toContain(focused);
    await page.keyboard.press('Escape');
    await page.getByRole('menuitem', { name: 'Back-Order Job' }).waitFor({ state: 'hidden' });
    c.expectNoErrors();
    await c.close();
  });
});

/** Presses Tab until the focused element's accessible text is `name` (fails after 60 presses). */
export async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return (el?.getAttribute('aria-label') ?? el?.innerText ?? '').trim();
    });
    if (text === name) return;
  }
  throw new Error(`no focusable "${name}" within 60 tabs`);
}
