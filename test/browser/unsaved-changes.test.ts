/**
 * Unsaved edits are not lost without a word: leaving a form with changes inside the console (a link, the browser's
 * back, "Sign out", closing a form's dialog) asks "Discard unsaved changes?", closing the tab gets the browser's
 * prompt, and nothing asks when there are no changes or they were just saved.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { consoleSuite, navigate, openPage, signIn } from './harness.ts';

const kind = DATABASE_KINDS[0]!;
const SKU = 'KB-100';

describe(`unsaved changes on ${kind}`, () => {
  const suite = consoleSuite(kind);

  const question = (page: Page) => page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  const ordersHeading = (page: Page) => page.getByRole('heading', { name: 'Orders', level: 1 });
  const product = async () => (await suite.svc.t.api('GET', `/api/products/${SKU}`)).body;
  const openProduct = async (page: Page) => {
    await navigate(page, 'Products');
    await page.getByRole('table', { name: 'Products' }).getByRole('link', { name: SKU, exact: true }).click();
    await page.getByLabel('Name').waitFor();
  };

  it('asks before a product with changes is left by a link or the browser back, keeps or discards them, and not once they are saved', async () => {
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    const saved = await product();
    await signIn(page);
    await openProduct(page);
    const name = page.getByLabel('Name');
    const allow = page.getByRole('switch', { name: 'Allow backorder', exact: true });

    // No changes: nothing asks.
    await navigate(page, 'Orders');
    await ordersHeading(page).waitFor();
    await page.goBack();
    await name.waitFor();
    expect(await name.inputValue()).toBe(saved.name);

    await allow.click();
    await name.fill('Keyboard, renamed');
    await navigate(page, 'Orders');
    await question(page).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/products/${SKU}`);
    await question(page).getByRole('button', { name: 'Keep editing' }).click();
    await question(page).waitFor({ state: 'hidden' });
    expect(await name.inputValue()).toBe('Keyboard, renamed');
    expect(await allow.isChecked()).toBe(!saved.allowBackorder);

    // The browser's back (to the product list) asks as well, and keeping the edits stays on the product.
    await page.goBack();
    await question(page).waitFor();
    await question(page).getByRole('button', { name: 'Keep editing' }).click();
    await question(page).waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe(`/products/${SKU}`);
    expect(await name.inputValue()).toBe('Keyboard, renamed');

    // Closing the tab: the browser's own prompt; dismissing it keeps the page and the edits.
    const prompt = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const unload = await prompt;
    expect(unload.type()).toBe('beforeunload');
    await unload.dismiss();
    expect(page.isClosed()).toBe(false);
    expect(await name.inputValue()).toBe('Keyboard, renamed');

    // Discard: the link is followed and nothing was saved.
    await navigate(page, 'Orders');
    await question(page).getByRole('button', { name: 'Discard' }).click();
    await ordersHeading(page).waitFor();
    await question(page).waitFor({ state: 'hidden' });
    expect(await product()).toMatchObject({ name: saved.name, allowBackorder: saved.allowBackorder });

    // Saved: neither a link, a reload nor "Save & Close" asks.
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.type());
      void d.dismiss();
    });
    await openProduct(page);
    await name.fill('Keyboard, saved');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(`${SKU} saved`).waitFor();
    await page.reload();
    await name.waitFor();
    expect(await name.inputValue()).toBe('Keyboard, saved');
    await name.fill('Keyboard, saved and closed');
    await page.getByRole('button', { name: 'Save & Close' }).click();
    await page.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
    expect((await product()).name).toBe('Keyboard, saved and closed');
    await page.getByRole('table', { name: 'Products' }).getByRole('link', { name: SKU, exact: true }).click();
    await name.waitFor();
    await navigate(page, 'Orders');
    await ordersHeading(page).waitFor();
    expect(await question(page).count()).toBe(0);
    expect(prompts).toEqual([]);
    c.expectNoErrors();
    await c.close();
  });

  it('asks the same on the settings forms, before "Sign out", and before a changed webhook dialog is closed', async () => {
    const c = await openPage(suite.browser, suite.svc);
    const { page } = c;
    await signIn(page);
    await navigate(page, 'Settings');
    await page.getByRole('group', { name: 'App settings' }).getByRole('link', { name: 'General app settings' }).click();
    const backorders = page.getByRole('switch', { name: 'Backorders', exact: true });
    await backorders.waitFor();
    const on = await backorders.isChecked();
    await backorders.click();

    const jobs = page.getByRole('link', { name: 'Job schedules' });
    await jobs.click();
    await question(page).waitFor();
    await question(page).getByRole('button', { name: 'Keep editing' }).click();
    expect(new URL(page.url()).pathname).toBe('/settings/general');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await question(page).waitFor();
    // Escape keeps editing too.
    await page.keyboard.press('Escape');
    await question(page).waitFor({ state: 'hidden' });
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await backorders.isChecked()).toBe(!on);

    // Saved, the section is left without a question.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Settings saved').waitFor();
    await jobs.click();
    await page.getByLabel('Back-Order Job cron').waitFor();
    expect(await question(page).count()).toBe(0);

    // A webhook dialog with changes: Escape asks (over the dialog), keeping returns to it, "Cancel" closes it.
    await navigate(page, 'Webhooks');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const form = page.getByRole('dialog', { name: 'Add webhook' });
    await form.getByLabel('URL').fill('https://example.test/hook');
    await page.keyboard.press('Escape');
    await question(page).waitFor();
    await question(page).getByRole('button', { name: 'Keep editing' }).click();
    await question(page).waitFor({ state: 'hidden' });
    expect(await form.getByLabel('URL').inputValue()).toBe('https://example.test/hook');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'hidden' });
    expect(await question(page).count()).toBe(0);

    // Nothing left unsaved: "Sign out" signs out at once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    c.expectNoErrors();
    await c.close();
  });
});
