/**
 * Shared set-up for the browser tests: where Chromium is, how to launch it here, and console-error
 * collection. playwright-core drives the system Chromium, so no browser download is needed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from '../../host/web/staticFiles';

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
