/**
 * A dry run answers every record at once; the console shows them 200 at a time ("Load more"), each named by its
 * order's externalId and line number, so a run over many lines neither floods the page nor asks for every label.
 * And a line's "why these dates" says what the next run does to it, as the dry run's record does.
 */
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { SCENARIO_SETTINGS, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';
import { consoleSuite, navigate, openPage, signIn } from './harness.ts';

const kind = DATABASE_KINDS[0]!;
const LINES = 250;

describe(`a large dry run on ${kind}`, () => {
  const suite = consoleSuite(kind, 'empty');

  it('shows the first 200 records, then the rest on "Load more", each line by its order and line number', async () => {
    const t = suite.svc.t;
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'DR-1': {} });
    await patchSettings(t, SCENARIO_SETTINGS);
    const order = await placeOrder(t, 'BIG-1', Array.from({ length: LINES }, () => ['DR-1', 1] as const));
    expect(order.lines.every((l: { statusReason: string }) => l.statusReason === 'BackorderHold')).toBe(true);
    // Supply for every line; supply-change runs are off, so only a run would release them.
    await seedOnHand(t, [['DR-1', 'EAST', LINES]]);
    const dry = (await t.api('POST', '/api/jobs/backorder/runs?dryRun=true', {})).body;
    expect(dry.records).toHaveLength(LINES);

    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Background jobs', 'Monitoring');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('menuitem', { name: 'Back-Order Job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Dry run: Back-Order Job' });
    const rows = dialog.getByRole('table', { name: 'Dry run records' }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(200);
    await dialog.getByText(`200 of ${LINES} records shown`).waitFor();
    // Named as the shop names them: the first record's line, by the order's externalId and its line number.
    const first = order.lines.find((l: { id: string }) => l.id === dry.records[0].lineId);
    await rows.first().getByRole('link', { name: 'BIG-1', exact: true }).waitFor();
    expect((await rows.first().locator('td').nth(1).textContent())?.trim()).toBe(String(first.lineNumber));

    await dialog.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Dry run records"] tbody tr').length === n, LINES);
    expect(await dialog.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await dialog.getByText('records shown').count()).toBe(0);
    await rows.last().getByRole('link', { name: 'BIG-1', exact: true }).waitFor();
    c.expectNoErrors();
    await c.close();
  });

  it('says on the order page what the next run does to a line, as its dry run does: a launched preorder moves to Backorder Hold', async () => {
    const t = suite.svc.t;
    // A preorder launching tomorrow, with nothing in stock; then the day after the launch, before the Pre-Order Job.
    await seedProducts(t, { 'PO-1': { preorderEligible: true, launchDate: '2028-06-02' } });
    const order = await placeOrder(t, 'PRE-1', [['PO-1', 2]]);
    expect(order.lines[0].statusReason).toBe('PreorderHold');
    await t.setClock('2028-06-03T09:00:00Z');
    const dry = (await t.api('POST', '/api/jobs/preorder/runs?dryRun=true', {})).body;
    expect(dry.records.find((r: { lineId: string }) => r.lineId === order.lines[0].id)).toMatchObject({ from: 'PreorderHold', to: 'BackorderHold' });

    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await page.goto(`${suite.svc.url}/orders/${order.id}`);
    const next = page.locator('[data-promise="1"] [data-next]');
    await next.waitFor();
    expect(await next.textContent()).toMatch(/^The next Pre-Order Job moves it to Backorder Hold\b/);
    c.expectNoErrors();
    await c.close();
  });
});
