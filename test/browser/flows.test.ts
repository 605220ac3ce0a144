/**
 * The operator's journeys of issue 13 in a real browser on the demo data: settings kept across a reload,
 * preorder setup through "Save & Close" and its field error, a schedule CSV with a bad row and then a good one,
 * "Run" > "Back-Order Job" and its records, cancelling a line, and what a viewer or operator key is offered.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { addDays } from '../fixtures/seed.ts';
import { chartData, consoleSuite, navigate, openPage, settle, signIn } from './harness.ts';
import type { ConsoleService } from './harness.ts';

const kind = DATABASE_KINDS[0]!;

describe(`console journeys on ${kind}`, () => {
  const suite = consoleSuite(kind);
  const settings = () => suite.svc.t.api('GET', '/api/settings').then((r) => r.body);
  /** The service's business date (the demo seed moves the clock). */
  const today = async (): Promise<string> => (await suite.svc.t.api('GET', '/api/overview')).body.today;

  it('keeps Backorders and the Cancellation SLA across a reload, and hides the SLA while Backorders is off', async () => {
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Settings');
    await page.getByRole('group', { name: 'App settings' }).getByRole('link', { name: 'General app settings' }).click();
    const backorders = page.getByRole('switch', { name: 'Backorders', exact: true });
    const sla = page.getByLabel('Cancellation SLA', { exact: true });

    // The demo has them on: switch off and save, so the journey starts where the article's does.
    await backorders.waitFor();
    await backorders.uncheck();
    expect(await sla.count()).toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved').waitFor();
    expect((await settings()).backorders).toBe(false);

    await backorders.check();
    await sla.waitFor();
    await sla.fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    // A refused value shows on its field.
    await page.locator('[aria-invalid="true"]').waitFor();
    expect(await sla.getAttribute('aria-invalid')).toBe('true');
    expect((await settings()).backorders).toBe(false);

    await sla.fill('14');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved').last().waitFor();
    expect(await settings()).toMatchObject({ backorders: true, cancellationSlaDays: 14 });

    await page.reload();
    await backorders.waitFor();
    expect(await backorders.isChecked()).toBe(true);
    expect(await sla.inputValue()).toBe('14');
    await backorders.uncheck();
    expect(await sla.count()).toBe(0);
    await backorders.check();
    expect(await sla.inputValue()).toBe('14');

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('table', { name: 'Settings changes' }).getByText('cancellationSlaDays').first().waitFor();
    // Who changed it: the key's label, with its id.
    const admin = (await suite.svc.t.api('GET', '/api/keys?limit=500')).body.items.find((k: { label: string | null }) => k.label === 'HOLDFAST_ADMIN_KEY');
    const who = page.getByRole('table', { name: 'Settings changes' }).locator('tbody tr').first().locator('td').nth(1);
    await expect.poll(() => who.textContent()).toBe(`HOLDFAST_ADMIN_KEY ${admin.id}`);
    c.expectNoErrors([400]);
    await c.close();
  });

  it('keeps the shell when a screen cannot be loaded (its code gone after an update), and loads it once it can', async () => {
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    // The Orders screen's chunk cannot be fetched, as after a deploy replaced it or while the service is down.
    let blocked = true;
    await page.route(/\/assets\/OrdersPage-[^/]*\.js$/, (route) => (blocked ? route.abort() : route.continue()));
    await navigate(page, 'Orders');
    await page.getByRole('heading', { name: 'This screen could not be shown' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Reload the page');
    // The header and navigation are still there: another screen opens, and sign-out is offered.
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await navigate(page, 'Products');
    await page.getByRole('heading', { name: 'Products', exact: true }).waitFor();
    // Once the code can be fetched, a reload shows the screen.
    blocked = false;
    await navigate(page, 'Orders');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { name: 'Orders', exact: true }).waitFor();
    await c.close();
  });

  it('marks a product Pre-order Eligible with a Launch Date through "Save & Close", after showing the missing date on its field', async () => {
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Products');
    await page.getByRole('link', { name: 'ST-050' }).click();
    const eligible = page.getByLabel('Pre-order Eligible');
    const launch = page.getByLabel('Launch Date');
    await launch.waitFor();
    expect(await eligible.inputValue()).toBe('No');

    await eligible.selectOption('Yes');
    await launch.fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('a preorder-eligible product needs a launchDate').waitFor();
    expect(await launch.getAttribute('aria-invalid')).toBe('true');
    expect(await launch.getAttribute('aria-describedby')).toBeTruthy();
    expect((await suite.svc.t.api('GET', '/api/products/ST-050')).body.preorderEligible).toBe(false);

    const date = addDays(await today(), 30);
    await launch.fill(date);
    await page.getByRole('button', { name: 'Save & Close' }).click();
    await page.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
    const row = page.getByRole('table', { name: 'Products' }).getByRole('row', { name: /ST-050/ });
    await row.waitFor();
    // SKU, Name, Pre-order Eligible, Launch Date, Allow backorder
    await page.waitForFunction(() => [...document.querySelectorAll('table[aria-label="Products"] tbody tr')].some((tr) => tr.textContent?.startsWith('ST-050') && tr.children[2]?.textContent === 'Yes'));
    expect((await row.locator('td').allTextContents())[3]).not.toBe('—');
    expect((await suite.svc.t.api('GET', '/api/products/ST-050')).body).toMatchObject({ preorderEligible: true, launchDate: date });
    c.expectNoErrors([400]);
    await c.close();
  });

  it('shows the reservations an on-hand edit leads to once the backorder run it started has released lines', async () => {
    const held = (await suite.svc.t.api('GET', '/api/order-lines?statusReason=BackorderHold&limit=500')).body.items as { sku: string; locationId: string | null }[];
    const line = held.find((l) => l.locationId !== null)!;
    expect(line, 'the demo has a dated backordered line').toBeDefined();
    const stockAt = async () => ((await suite.svc.t.api('GET', `/api/inventory/${line.sku}`)).body.locations as { locationId: string; onHand: number; reserved: number }[]).find((s) => s.locationId === line.locationId) ?? { onHand: 0, reserved: 0 };
    const before = await stockAt();

    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Inventory');
    await page.getByLabel('SKU', { exact: true }).selectOption(line.sku);
    const row = page.getByRole('table', { name: 'Stock' }).locator(`tr[data-location="${line.locationId}"]`);
    await row.waitFor();
    await page.getByRole('button', { name: `Edit on hand at ${line.locationId}` }).click();
    // A negative on hand is refused on the field, not set as its absolute value.
    const field = page.getByLabel(`On hand at ${line.locationId}`, { exact: true });
    // Typed once the editor has settled: a fill in the moment it opens can be overwritten by its first value.
    const type = async (text: string) => expect.poll(async () => (await field.fill(text), field.inputValue())).toBe(text);
    await expect.poll(() => field.inputValue()).toBe(String(before.onHand));
    await type('-5');
    const refused = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/inventory/on-hand'));
    await page.getByRole('button', { name: 'Set on hand' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => field.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    expect(await field.inputValue()).toBe('-5');
    expect((await stockAt()).onHand).toBe(before.onHand);
    await type(String(before.reserved + 1_000));
    await page.getByRole('button', { name: 'Set on hand' }).click();
    // The edit starts a backorder run for the sku, which reserves for the held lines at that location: the table
    // shows it without a reload.
    const reservedCell = row.locator('td').nth(2);
    await page.waitForFunction(
      ([cell, was]) => Number((cell as HTMLElement).textContent!.replace(/[^0-9]/g, '')) > (was as number),
      [await reservedCell.elementHandle(), before.reserved] as const,
      { timeout: 20_000 },
    );
    const after = await stockAt();
    // Said in full if it fails: it failed once (the first browser run on a new machine) and did not again in 13 runs.
    const seen = { line, before, after, cell: await reservedCell.textContent() };
    expect(after.reserved, JSON.stringify(seen)).toBeGreaterThan(before.reserved);
    expect(Number((await reservedCell.textContent())!.replace(/[^0-9]/g, ''))).toBe(after.reserved);
    c.expectNoErrors([400]);
    await c.close();
  });

  it('names the bad row of a schedule CSV, then takes a good one and the ATP chart changes', async () => {
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Inventory');
    await page.getByLabel('SKU', { exact: true }).selectOption('DK-300');
    await page.getByRole('figure', { name: 'ATP' }).waitFor();
    await page.locator('label', { hasText: /^WEST$/ }).click();
    expect(await page.getByRole('radio', { name: 'WEST' }).isChecked()).toBe(true);
    const day = addDays(await today(), 3);
    const supplyOn = async (date: string) => (await chartData(page, 'ATP')).find((r) => r[0] === date)?.[1];
    // The figure's table once it is WEST's (it is drawn again as the location's answer replaces the first one).
    await page.getByRole('figure', { name: 'ATP' }).getByText(/^DK-300 at WEST, /).waitFor();
    await expect.poll(() => supplyOn(day)).toBe('0');
    const before = await chartData(page, 'ATP');

    const upload = (name: string, text: string) => page.locator('input[type="file"]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    // Two bad rows, the second with two problems: the title counts the rows, the table lists each problem.
    await upload('po-bad.csv', `sku,locationId,date,quantity,reference\nDK-300,WEST,${day},40,PO-7001\nDK-300,WEST,${day},zero,PO-7001\nDK-300,NOWHERE,${day},x,PO-7001\n`);
    const bad = page.getByRole('table', { name: 'Bad rows' });
    await bad.waitFor();
    const rows = await bad.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['3', 'quantity', expect.any(String)],
      ['4', 'quantity', expect.any(String)],
      ['4', 'locationId', expect.any(String)],
    ]);
    expect(await page.getByText('po-bad.csv was not imported: 2 bad rows, 3 problems').count()).toBe(1);
    expect(await supplyOn(day)).toBe('0');

    await upload('po-good.csv', `sku,locationId,date,quantity,reference\nDK-300,WEST,${day},40,PO-7001\n`);
    await page.getByText('po-good.csv: 1 entries stored.').waitFor();
    await page.getByRole('table', { name: 'Schedule entries' }).getByRole('cell', { name: 'PO-7001', exact: true }).waitFor();
    await page.waitForFunction(
      ([d]) => [...document.querySelectorAll('figure table tbody tr')].some((tr) => tr.children[0]?.textContent === d && tr.children[1]?.textContent === '40'),
      [day],
    );
    expect(await chartData(page, 'ATP')).not.toEqual(before);
    c.expectNoErrors([400]);
    await c.close();
  });

  it('runs the Back-Order Job from "Run", lists the run with its counts, and its page links the released lines to their orders; a line is then canceled from its order', async () => {
    // Supply for the held MN-270 lines, without the event run that would release them first.
    expect((await suite.svc.t.api('PATCH', '/api/settings', { jobs: { backorder: { onSupplyChange: false } } })).status).toBe(200);
    expect((await suite.svc.t.api('PUT', '/api/inventory/on-hand', [{ sku: 'MN-270', locationId: 'WEST', onHand: 40 }])).status).toBe(200);
    await settle(suite.svc.t);
    const runIds = async (): Promise<string[]> => (await suite.svc.t.api('GET', '/api/jobs/runs?limit=500')).body.items.map((r: { id: string }) => r.id);
    const before = await runIds();

    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Background jobs', 'Monitoring');
    const log = page.getByRole('table', { name: 'Job log' });
    await log.locator('tbody tr').first().waitFor();
    expect(await log.locator('tbody tr').count()).toBe(Math.min(50, before.length));
    expect(await log.locator('tbody tr').first().getAttribute('data-run')).toBe(before[0]);

    // "Dry run" comes before "Run" and writes nothing, whatever the service answers.
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('menuitem', { name: 'Back-Order Job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Dry run: Back-Order Job' });
    await dialog.waitFor();
    const dry = (await suite.svc.t.api('POST', '/api/jobs/backorder/runs?dryRun=true', {})).body;
    await dialog.locator('[data-count="movedToFulfillment"]').getByText(String(dry.movedToFulfillment), { exact: true }).waitFor();
    expect(await dialog.locator('[data-count="processed"]').textContent()).toContain(String(dry.processed));
    expect(await dialog.getByRole('table', { name: 'Dry run records' }).locator('tbody tr').count()).toBe(dry.records.length);
    // The dialog holds the focus (its counts came after its answer, long after the menu closed), and gives it back
    // to "Dry run" when it closes.
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Dry run');
    expect(await runIds()).toEqual(before);

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Back-Order Job' }).click();
    // The log refreshes itself: the new run shows at its top.
    await page.waitForFunction((id) => document.querySelector('table[aria-label="Job log"] tbody tr')?.getAttribute('data-run') !== id, before[0]);
    const newest = (await suite.svc.t.api('GET', '/api/jobs/runs?limit=1')).body.items[0];
    expect(before).not.toContain(newest.id);
    expect(await log.locator('tbody tr').first().getAttribute('data-run')).toBe(newest.id);
    const row = log.locator(`tr[data-run="${newest.id}"]`);
    await row.getByText('succeeded').waitFor();
    const done = (await suite.svc.t.api('GET', `/api/jobs/runs/${newest.id}`)).body;
    expect(done).toMatchObject({ trigger: 'manual', status: 'succeeded' });
    expect(done.movedToFulfillment).toBeGreaterThan(0);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(5).map(Number)).toEqual([done.processed, done.movedToFulfillment, done.movedToBackorder, done.stillOnHold, done.canceled, done.failedRecords]);

    await row.getByRole('link', { name: 'Back-Order Job' }).click();
    const records = page.getByRole('table', { name: 'Run records' });
    await records.waitFor();
    const released = done.records.items.filter((r: { to: string }) => r.to === 'AwaitingFulfillment');
    expect(await records.getByText('Awaiting Fulfillment').count()).toBe(released.length);
    // A record names its line as the order's system does: the order's externalId and the line number.
    const target = released[0];
    const order = (await suite.svc.t.api('GET', `/api/orders/${target.orderId}`)).body;
    const lineNumber = order.lines.find((l: { id: string }) => l.id === target.lineId).lineNumber;
    const targetRow = records.locator('tbody tr').filter({ has: page.locator(`td[title="${target.lineId}"]`) });
    await targetRow.getByRole('link', { name: order.externalId, exact: true }).waitFor();
    expect((await targetRow.locator(`td[title="${target.lineId}"]`).textContent())?.trim()).toBe(String(lineNumber));
    expect(await records.getByText(target.orderId, { exact: true }).count()).toBe(0);
    await targetRow.getByRole('link', { name: order.externalId, exact: true }).click();
    // The line's history names the run that released it by the job's name, and links to it.
    await page.locator(`#line-${lineNumber} [data-history]`).getByRole('link', { name: 'Back-Order Job run' }).last().waitFor();
    await cancelLine(page, target.lineId, suite.svc);
    c.expectNoErrors();
    await c.close();
  });

  it('offers a viewer no "Run", no "Save" and no edits, and an operator only what an operator may do', async () => {
    const viewer = await openPage(suite.browser, suite.svc);
    const v = viewer.page;
    await signIn(v, await suite.svc.t.key('viewer'));
    const nav = v.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await navigate(v, 'Background jobs', 'Monitoring');
    await v.getByRole('table', { name: 'Job log' }).locator('tbody tr').first().waitFor();
    expect(await v.getByRole('button', { name: 'Run', exact: true }).count()).toBe(0);
    expect(await v.getByRole('button', { name: 'Dry run' }).count()).toBe(0);
    await navigate(v, 'Products');
    await v.getByRole('link', { name: 'KB-100' }).click();
    await v.getByLabel('Launch Date').waitFor();
    expect(await v.getByRole('button', { name: /^Save/ }).count()).toBe(0);
    expect(await v.getByLabel('Launch Date').isDisabled()).toBe(true);
    await navigate(v, 'Settings');
    await v.getByRole('switch', { name: 'OnHandChangeSchedule', exact: true }).waitFor();
    expect(await v.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await v.getByRole('switch', { name: 'OnHandChangeSchedule', exact: true }).isDisabled()).toBe(true);
    await navigate(v, 'Inventory');
    await v.getByRole('table', { name: 'Stock' }).locator('tbody tr').first().waitFor();
    expect(await v.getByRole('button', { name: /Edit on hand|Upload CSV|Add entry|Delete/ }).count()).toBe(0);
    await navigate(v, 'Orders');
    await v.getByRole('table', { name: 'Orders' }).getByRole('link').first().click();
    await v.getByRole('heading', { name: 'History' }).first().waitFor();
    expect(await v.getByRole('button', { name: /Cancel (line|order)/ }).count()).toBe(0);
    await v.goto('/keys');
    await v.getByRole('heading', { name: 'Page not found' }).waitFor();
    viewer.expectNoErrors();
    await viewer.close();

    const operator = await openPage(suite.browser, suite.svc);
    const o = operator.page;
    await signIn(o, await suite.svc.t.key('operator'));
    await navigate(o, 'Background jobs', 'Monitoring');
    await o.getByRole('button', { name: 'Run', exact: true }).waitFor();
    await navigate(o, 'Inventory');
    await o.getByRole('button', { name: 'Upload CSV' }).waitFor();
    await navigate(o, 'Settings');
    await o.getByRole('switch', { name: 'OnHandChangeSchedule', exact: true }).waitFor();
    expect(await o.getByRole('button', { name: 'Save' }).count()).toBe(0);
    operator.expectNoErrors();
    await operator.close();
  });
});

/** On an order page: "Cancel line" on the line, confirm, and see it canceled by request (and in the API). */
async function cancelLine(page: Page, lineId: string, svc: ConsoleService): Promise<void> {
  const line = (await svc.t.api('GET', `/api/order-lines?limit=500`)).body.items.find((l: { id: string }) => l.id === lineId);
  await page.getByRole('heading', { name: /^Order / }).waitFor();
  const row = page.getByRole('table', { name: 'Lines' }).locator(`tr[data-line="${line.lineNumber}"]`);
  await row.getByRole('button', { name: 'Cancel line' }).click();
  const dialog = page.getByRole('dialog', { name: `Cancel line ${line.lineNumber}?` });
  await dialog.getByRole('button', { name: 'Yes, cancel line' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByText('Canceled by request').waitFor();
  expect(await row.getByRole('button', { name: 'Cancel line' }).count()).toBe(0);
  const order = (await svc.t.api('GET', `/api/orders/${line.orderId}`)).body;
  expect(order.lines.find((l: { id: string }) => l.id === lineId)).toMatchObject({ statusReason: 'CanceledByRequest', state: 'Canceled' });
  await page.locator(`#line-${line.lineNumber} [data-history]`).getByText('Awaiting Fulfillment → Canceled by request').waitFor();
  // Why it has its dates now: the move that ended it.
  await page.locator(`#line-${line.lineNumber} [data-promise]`).getByText(/Awaiting Fulfillment → Canceled by request by key/).waitFor();
}
