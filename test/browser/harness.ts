/**
 * Browser tests: a real service listening on a free port with a database of its own (seeded through the demo
 * seed or the API), Debian's Chromium driven by playwright-core, and a check that the page logged no error.
 *
 * Chromium logs every 4xx answer of a fetch as a console error ("Failed to load resource"); a test that
 * provokes one on purpose names its status, and any other is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { seedDemo } from '../../src/cli/demo-seed.ts';
import { DEFAULT_CONSOLE_DIR } from '../../src/config/config.ts';
import type { DatabaseKind } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0 } from '../fixtures/seed.ts';

export const CHROMIUM = process.env.HOLDFAST_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export interface ConsoleService {
  readonly t: TestService;
  readonly url: string;
  close(): Promise<void>;
}

export function assertConsoleBuilt(): void {
  const index = path.join(DEFAULT_CONSOLE_DIR, 'index.html');
  if (!fs.existsSync(index)) throw new Error(`the console is not built (${index} is missing): run npm run build`);
}

/** A listening service on a manual clock (at T0 until the demo seed moves it), seeded with the demo data unless `seed` says otherwise. */
export async function startConsole(kind: DatabaseKind, seed: 'demo' | 'empty' = 'demo'): Promise<ConsoleService> {
  assertConsoleBuilt();
  // The webhook dispatcher runs, as in `serve`, with quick retries: the Webhooks screen shows deliveries happen.
  const t = await startTestService(kind, { now: T0, dispatcher: true, config: { webhookRetryBaseMs: 50 } });
  try {
    if (seed === 'demo') {
      await seedDemo({ ...t.service, setLog: () => undefined });
      for (const job of ['preorder', 'backorder']) await runJob(t, job);
    }
    const url = await t.service.app.listen({ host: '127.0.0.1', port: 0 });
    return { t, url, close: () => t.close() };
  } catch (error) {
    await t.close();
    throw error;
  }
}

/** A manual run to its end; while an event-triggered run of the type is going (409), waits for it first. */
export async function runJob(t: TestService, job: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const r = await t.api('POST', `/api/jobs/${job}/runs?wait=true`);
    if (r.status === 200) return;
    if (r.status !== 409) throw new Error(`${job} run: ${r.status} ${r.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${job} run: another run kept going for 10 s`);
}

/** Waits until no job run is going (twice in a row, 100 ms apart): event-triggered runs start after a debounce. */
export async function settle(t: TestService): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 200 && quiet < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const running = (await t.api('GET', '/api/jobs/runs?status=running&limit=1')).body.items.length;
    quiet = running ? 0 : quiet + 1;
  }
  if (quiet < 2) throw new Error('job runs kept going for 20 s');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A console service and a browser for the tests of the describe block it is called in: both started before its
 * first test, closed after its last. Read `svc` and `browser` inside the tests.
 */
export function consoleSuite(kind: DatabaseKind, seed: 'demo' | 'empty' = 'demo'): { readonly svc: ConsoleService; readonly browser: Browser } {
  const suite = {} as { svc: ConsoleService; browser: Browser };
  beforeAll(async () => {
    [suite.svc, suite.browser] = await Promise.all([startConsole(kind, seed), launchBrowser()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.svc?.close();
  });
  return suite;
}

export interface ConsolePage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, page errors and failed requests, as text with the URL they concern. */
  readonly problems: string[];
  /** Fails unless every problem is an expected 4xx (`allowed` statuses). */
  expectNoErrors(allowed?: readonly number[]): void;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, svc: ConsoleService, viewport: { width: number; height: number } = DESKTOP): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, baseURL: svc.url });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: { text: string; url: string; status: number | null }[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = /status of (\d{3})/.exec(m.text());
    problems.push({ text: m.text(), url: m.location().url, status: status ? Number(status[1]) : null });
  });
  page.on('pageerror', (e) => problems.push({ text: `page error: ${e.message}`, url: page.url(), status: null }));
  page.on('requestfailed', (r) => {
    // A navigation away cancels requests in flight; that is not a failure of the console.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push({ text: `request failed: ${r.failure()?.errorText}`, url: r.url(), status: null });
  });
  const tolerated = (p: (typeof problems)[number], allowed: readonly number[]) => p.status !== null && allowed.includes(p.status);
  return {
    context,
    page,
    get problems() {
      return problems.map((p) => `${p.text} (${p.url})`);
    },
    expectNoErrors(allowed = []) {
      expect(problems.filter((p) => !tolerated(p, allowed)).map((p) => `${p.text} (${p.url})`)).toEqual([]);
    },
    close: () => context.close(),
  };
}

/** Signs in through the form and waits for the shell. */
export async function signIn(page: Page, key: string = ADMIN_KEY): Promise<void> {
  await page.goto('/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Milliseconds from `act` until `ready` is visible. */
export async function timeUntil(act: () => Promise<unknown>, ready: Locator): Promise<number> {
  const start = performance.now();
  await act();
  await ready.first().waitFor({ state: 'visible' });
  return Math.round(performance.now() - start);
}

/** The numbers a chart shows, from its "Show data" table: rows of cell texts. */
export async function chartData(page: Page, name: string): Promise<string[][]> {
  const table = page.getByRole('figure', { name }).locator('table');
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')));
}

/** Follows the side navigation; on a phone it opens the menu first. */
export async function navigate(page: Page, name: string, group?: string): Promise<void> {
  const burger = page.getByRole('button', { name: 'Open navigation' });
  if (await burger.isVisible()) await burger.click();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await (group ? nav.getByRole('group', { name: group }) : nav).getByRole('link', { name, exact: true }).click();
}
