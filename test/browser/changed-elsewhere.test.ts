/**
 * A refetch does not overwrite a form's edits: when the operator comes back to the tab and the product or settings
 * are fetched again, what was typed stays; if the same thing was saved elsewhere meanwhile the form says so and
 * offers the saved values, and saving replaces the other change. A form without edits simply shows the new values.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { consoleSuite, navigate, openPage, signIn } from './harness.ts';

const kind = DATABASE_KINDS[0]!;
const SKU = 'KB-100';
const PRODUCT = `/api/products/${SKU}`;

/**
 * The operator comes back to the tab after a while: the page's clock (installed by `openClocked`) jumps 6 s, past
 * the console's staleTime of 5 s, so TanStack Query refetches the screen's queries; the tab is shown again every
 * 250 ms until the screen's GET of `path` has answered.
 */
async function showTabAgain(page: Page, path: string): Promise<void> {
  await page.clock.fastForward(6_000);
  const answered = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === path && r.ok());
  let done = false;
  void answered.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await answered;
}

describe(`changes saved elsewhere on ${kind}`, () => {
  const suite = consoleSuite(kind);
  /** A page whose clock the test can move on (it runs at the real pace until then). */
  const openClocked = async () => {
    const c = await openPage(suite.browser, suite.svc);
    await c.page.clock.install();
    return c;
  };

  const changed = (page: Page) => page.getByRole('alert').filter({ hasText: 'Changed elsewhere' });
  const loadSaved = (page: Page) => changed(page).getByRole('button', { name: 'Load the saved values' });
  const question = (page: Page) => page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  const patch = async (path: string, body: object) => expect((await suite.svc.t.api('PATCH', path, body)).status).toBe(200);

  it('keeps the name typed on a product saved elsewhere meanwhile, says so, loads the saved values on request, and without edits shows the new values', async () => {
    const c = await openClocked();
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Products');
    await page.getByRole('table', { name: 'Products' }).getByRole('link', { name: SKU, exact: true }).click();
    const name = page.getByLabel('Name');
    const allow = page.getByRole('switch', { name: 'Allow backorder', exact: true });
    const heading = (text: string) => page.getByRole('heading', { name: text, level: 1 });
    await name.waitFor();

    await name.fill('Keyboard, mine');
    await patch(PRODUCT, { name: 'Keyboard, theirs' });
    await showTabAgain(page, PRODUCT);
    // The heading shows the saved product; the field keeps what was typed, and the form says what happened.
    await heading('Keyboard, theirs').waitFor();
    expect(await name.inputValue()).toBe('Keyboard, mine');
    await changed(page).waitFor();
    expect(await changed(page).textContent()).toContain('This product was changed elsewhere since you began editing. Saving replaces those changes with the values shown here.');
    await loadSaved(page).click();
    await changed(page).waitFor({ state: 'hidden' });
    expect(await name.inputValue()).toBe('Keyboard, theirs');

    // No edits: the new values simply show.
    await patch(PRODUCT, { name: 'Keyboard, theirs again' });
    await showTabAgain(page, PRODUCT);
    await heading('Keyboard, theirs again').waitFor();
    expect(await name.inputValue()).toBe('Keyboard, theirs again');
    expect(await changed(page).count()).toBe(0);

    // Edits to one field, another changed elsewhere: "Save" stores the values shown, and nothing is left unsaved.
    const allowed = await allow.isChecked();
    await name.fill('Keyboard, mine again');
    await patch(PRODUCT, { allowBackorder: !allowed });
    await showTabAgain(page, PRODUCT);
    await changed(page).waitFor();
    expect(await allow.isChecked()).toBe(allowed);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(`${SKU} saved`).waitFor();
    await changed(page).waitFor({ state: 'hidden' });
    expect((await suite.svc.t.api('GET', PRODUCT)).body).toMatchObject({ name: 'Keyboard, mine again', allowBackorder: allowed });
    await navigate(page, 'Orders');
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    expect(await question(page).count()).toBe(0);
    c.expectNoErrors();
    await c.close();
  });

  it('keeps the Cancellation SLA typed in the general settings saved elsewhere meanwhile, says so, loads the saved values on request, and without edits shows the new values', async () => {
    await patch('/api/settings', { backorders: true, cancellationSlaDays: 30 });
    const c = await openClocked();
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Settings');
    await page.getByRole('group', { name: 'App settings' }).getByRole('link', { name: 'General app settings' }).click();
    const sla = page.getByLabel('Cancellation SLA', { exact: true });
    await sla.waitFor();
    expect(await sla.inputValue()).toBe('30');

    await sla.fill('45');
    await patch('/api/settings', { cancellationSlaDays: 60 });
    await showTabAgain(page, '/api/settings');
    await changed(page).waitFor();
    expect(await changed(page).textContent()).toContain('These settings were changed elsewhere since you began editing. Saving replaces those changes with the values shown here.');
    expect(await sla.inputValue()).toBe('45');
    await loadSaved(page).click();
    await changed(page).waitFor({ state: 'hidden' });
    expect(await sla.inputValue()).toBe('60');

    // No edits: the new values simply show.
    await patch('/api/settings', { cancellationSlaDays: 61 });
    await showTabAgain(page, '/api/settings');
    await expect.poll(() => sla.inputValue()).toBe('61');
    expect(await changed(page).count()).toBe(0);
    await page.getByRole('link', { name: 'Job schedules' }).click();
    await page.getByLabel('Back-Order Job cron').waitFor();
    expect(await question(page).count()).toBe(0);
    c.expectNoErrors();
    await c.close();
  });
});
