/**
 * The ATP chart's dates carry their year, on the axis and in the tooltip: a horizon of a year runs into the next
 * one, where a date without its year could be either.
 */
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { chartData, consoleSuite, navigate, openPage, signIn } from './harness.ts';

const kind = DATABASE_KINDS[0]!;

describe(`the ATP chart on ${kind}`, () => {
  const suite = consoleSuite(kind);

  it('dates every tick of its axis and its tooltip with the year, across a new year', async () => {
    expect((await suite.svc.t.api('PATCH', '/api/settings', { atpHorizonDays: 365 })).status).toBe(200);
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Inventory');
    await page.getByLabel('SKU', { exact: true }).selectOption('MN-270');
    const figure = page.getByRole('figure', { name: 'ATP' });
    // The figure's own table, read once it holds the year (it is drawn again as the page's queries settle).
    let dates: string[] = [];
    await expect
      .poll(async () => (dates = (await chartData(page, 'ATP')).map((r) => r[0]!)).length, { timeout: 15_000 })
      .toBe(366);
    const years = new Set(dates.map((d) => d.slice(0, 4)));
    expect(years.size).toBe(2);
    // Each day as the console writes a business date, "4 Jun 2028" (formatDate in web/src/format.ts), by the browser's
    // own Intl: its month names may differ from Node's ("Sept").
    const labels = await page.evaluate((ymds) => {
      const format = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
      return ymds.map((d) => format.format(Date.parse(`${d}T00:00:00Z`)));
    }, dates);

    const ticks = figure.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await ticks.first().waitFor();
    // The axis settles once the chart has its width and the year's data (a resize redraws the ticks): wait for ticks
    // of that data, then check them.
    await expect.poll(async () => (await ticks.allTextContents()).at(-1), { timeout: 10_000 }).toBe(labels.at(-1));
    const texts = await ticks.allTextContents();
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(labels, `tick "${text}"`).toContain(text);
    // Both years are on the axis, which starts on the first day and ends on the last.
    expect(new Set(texts.map((t) => t.slice(-4)))).toEqual(years);
    expect([texts[0], texts.at(-1)]).toEqual([labels[0], labels.at(-1)]);

    // The tooltip of a day in the second year.
    const grid = figure.locator('.recharts-cartesian-grid');
    await grid.scrollIntoViewIfNeeded();
    const plot = await grid.boundingBox();
    expect(plot).not.toBeNull();
    await page.mouse.move(plot!.x + plot!.width * 0.75, plot!.y + plot!.height / 2, { steps: 4 });
    const tooltip = figure.locator('.recharts-tooltip-label');
    await tooltip.waitFor();
    expect(labels).toContain(await tooltip.textContent());
    expect((await tooltip.textContent())?.slice(-4)).toBe(dates.at(-1)!.slice(0, 4));
    c.expectNoErrors();
    await c.close();
  });
});
