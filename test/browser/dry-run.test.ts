/**
 * A dry run answers every record at once; the console shows them 200 at a time ("Load more"), each named by its
 * order's externalId and line number, so a run over many lines neither floods the page nor asks for every label.
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
});
