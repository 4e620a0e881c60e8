/**
 * Shared set-up for the browser tests: where Chromium is, how to launch it here, console-error
 * collection, the suites' lab (real host or static renderer with the scripted API) and the
 * evidence a failed test leaves. playwright-core drives the system Chromium, so no browser
 * download is needed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { serveStatic } from '../../host/web/staticFiles';
import { installMockApi, type MockOptions } from './mockApi';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const REPO_ROOT = resolve(__dirname, '../..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

/** Why the browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} is missing (apt-get install -y chromium)`;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) return 'out/renderer/index.html is missing (run `npx electron-vite build` first)';
  return null;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects console errors and page errors; the favicon 404 is noise, not a renderer fault. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location().url ?? '';
    if (/favicon/i.test(text) || /favicon/i.test(url)) return;
    errors.push(text);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

export function resultPath(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return join(RESULTS_DIR, name);
}

/**
 * Serves the built renderer with the web host's own static handler on a free loopback port, for
 * tests that drive the UI against the scripted in-page API instead of a real lab service.
 */
export async function serveRenderer(): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => serveStatic(RENDERER_DIR, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A real web host on a fresh temp workspace plus a browser, for e2e tests against the real backend. */
export interface RealLab {
  host: import('../../host/web/server').WebHost;
  browser: Browser;
  workspace: string;
  close(): Promise<void>;
}

export async function openRealLab(name: string): Promise<RealLab> {
  const workspace = mkdtempSync(join(tmpdir(), `spikelab-e2e-${name}-`));
  // Imported here so a missing host fails the suite that asked, not the collection of every test file.
  const { startWebHost } = await import('../../host/web/server');
  const host = await startWebHost({ port: 0, workspace });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await host.close();
    rmSync(workspace, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    browser,
    workspace,
    async close() {
      await browser.close();
      await host.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** Opens a real lab before the suite's tests and closes it after them; the getter throws when set-up failed. */
export function useRealLab(name: string): () => RealLab {
  let lab: RealLab | null = null;
  beforeAll(async () => {
    lab = await openRealLab(name);
  });
  afterAll(() => lab?.close());
  return () => {
    if (!lab) throw new Error('set-up failed');
    return lab;
  };
}

/** A page under test and the console errors it has logged. */
export interface LabPage {
  page: Page;
  errors: string[];
}

type PageOptions = NonNullable<Parameters<Browser['newPage']>[0]>;

/** Opens `url` in a new page that collects console errors and fails a hung action after `timeout` ms. */
export async function openPage(browser: Browser, url: string, options: PageOptions, timeout: number, init?: (page: Page) => Promise<void>): Promise<LabPage> {
  const page = await browser.newPage(options);
  // Playwright actions wait forever by default; a hung UI should fail the test, not the runner.
  page.setDefaultTimeout(timeout);
  const errors = collectErrors(page);
  await init?.(page);
  await page.goto(url);
  return { page, errors };
}

/**
 * Serves the built renderer and launches a browser for the suite; `open` gives a page in which
 * the scripted in-page API (mockApi.ts) stands in for the lab service.
 */
export function useMockLab(): { open(mock: MockOptions, options: PageOptions): Promise<LabPage>; base(): string; browser(): Browser } {
  let server: Awaited<ReturnType<typeof serveRenderer>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await serveRenderer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const ready = (): { server: NonNullable<typeof server>; browser: Browser } => {
    if (!server || !browser) throw new Error('set-up failed');
    return { server, browser };
  };
  return {
    open: (mock, options) => openPage(ready().browser, ready().server.base, options, 20_000, async (page) => {
      await page.addInitScript(installMockApi, mock);
    }),
    base: () => ready().server.base,
    browser: () => ready().browser,
  };
}

/**
 * Opens the lab's page and runs `steps` on it. When they fail, the thrown error carries what the
 * user would have seen: a screenshot (test-results/`failureShot`), the toasts and the console
 * errors. Afterwards no console error may have been logged, and the page is closed.
 */
export async function withLabPage(lab: RealLab, options: PageOptions & { timeout: number; failureShot: string; fullPage?: boolean }, steps: (page: Page) => Promise<void>): Promise<void> {
  const { timeout, failureShot, fullPage, ...pageOptions } = options;
  const { page, errors } = await openPage(lab.browser, lab.host.url, pageOptions, timeout);
  try {
    await steps(page);
  } catch (err) {
    await page.screenshot({ path: resultPath(failureShot), fullPage }).catch(() => undefined);
    const toasts = await page.getByTestId('toast').allTextContents().catch(() => []);
    throw new Error(`${String(err)}\ntoasts: ${JSON.stringify(toasts)}\nconsole errors: ${JSON.stringify(errors)}`, { cause: err });
  }
  expect(errors).toEqual([]);
  await page.close();
}

/** Picks a training preset in the Train view once the presets have loaded. */
export async function choosePreset(page: Page, id: string): Promise<void> {
  const preset = page.getByTestId('preset-select');
  await preset.locator(`option[value="${id}"]`).waitFor({ state: 'attached', timeout: 15_000 });
  await preset.selectOption(id);
}
