/**
 * The Runs view and the app-wide pieces in headless Chromium against the scripted in-page API
 * (test/e2e/mockApi.ts): compare two runs, open one, export CSV / PNG / SVG, delete with
 * confirmation, keyboard shortcuts, and panel state kept across a reload. Screenshots of the Runs
 * view in both themes go to test-results/.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, type LabPage, resultPath, useMockLab } from './browser';
import type { MockOptions } from './mockApi';

const skip = browserSkipReason();
if (skip) console.warn(`[runs.e2e] SKIPPED: ${skip}`);

const LIGHT_LOAD: MockOptions = { spikesPerSnapshot: 500, neurons: 200, timesteps: 25, batchMs: 80 };

describe.skipIf(skip !== null)('runs browser and shortcuts (mock API)', () => {
  const lab = useMockLab();

  async function open(colorScheme: 'dark' | 'light' = 'dark'): Promise<LabPage> {
    const opened = await lab.open(LIGHT_LOAD, { viewport: { width: 1440, height: 900 }, colorScheme, acceptDownloads: true });
    await opened.page.getByTestId('nav-runs').waitFor();
    return opened;
  }

  async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
    const [d] = await Promise.all([page.waitForEvent('download') as Promise<Download>, click()]);
    const path = await d.path();
    return { name: d.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  it('compares two runs, exports CSV, PNG and SVG, and deletes a run', async () => {
    const { page, errors } = await open('dark');
    await page.getByTestId('nav-runs').click();
    const rows = page.getByTestId('runs-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    // Newest first; duration is updatedAt - createdAt.
    await expect(rows.first().textContent()).resolves.toContain('96.0%');
    await expect(rows.first().textContent()).resolves.toContain('3m 20s');

    for (let i = 0; i < 2; i++) await rows.nth(i).getByTestId('compare-check').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-chart"]')?.getAttribute('data-series') === '2');

    await page.locator('[data-testid="runs-row"][data-run-id="done-1"]').click();
    await expect(page.getByTestId('detail-name').textContent()).resolves.toBe('mnist-mlp (finished)');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) === 123);
    await expect(page.getByTestId('detail-config').textContent()).resolves.toContain('Learning rate');
    await page.screenshot({ path: resultPath('runs-compare-dark.png') });

    const csv = await download(page, () => page.getByTestId('export-csv').click());
    expect(csv.name).toBe('done-1-metrics.csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('kind,epoch,step,stepsPerEpoch,elapsedMs,loss,trainAccuracy,testAccuracy,learningRate,samplesPerSecond,rate:hidden');
    expect(lines).toHaveLength(1 + 123);

    const png = await download(page, () => page.getByTestId('export-png').click());
    expect(png.name).toBe('compare-testAccuracy.png');
    const svg = await download(page, () => page.getByTestId('export-svg').click());
    expect(svg.name).toBe('compare-testAccuracy.svg');
    expect(svg.text).toContain('<svg');
    expect(svg.text).toContain('mnist-mlp (lr 0.01)');

    // Delete asks first; Cancel keeps the run.
    await page.locator('[data-testid="runs-row"][data-run-id="done-2"]').click();
    await page.getByTestId('delete-run').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-cancel').click();
    expect(await rows.count()).toBe(2);
    await page.getByTestId('delete-run').click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="runs-row"][data-run-id="done-2"]').waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-chart"]')?.getAttribute('data-series') === '1');

    // Light theme picture of the same view, with a run opened.
    await page.getByTestId('theme-toggle').click();
    await page.locator('[data-testid="runs-row"][data-run-id="done-1"]').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) === 123);
    await page.waitForTimeout(100);
    await page.screenshot({ path: resultPath('runs-light.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drives training from the keyboard and keeps the view and sections across a reload', async () => {
    const { page, errors } = await open('dark');
    await page.getByTestId('preset-select').locator('option', { hasText: 'MNIST' }).waitFor({ state: 'attached' });
    const status = (): Promise<string | null> => page.evaluate(() => document.querySelector('[data-testid="run-status"]')?.textContent ?? null);

    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    await page.screenshot({ path: resultPath('shortcuts-dark.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });

    // Ctrl+Enter trains even from a form field; Space in a field types instead of pausing.
    await page.getByTestId('field-epochs').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'running');
    await page.getByTestId('field-epochs').press(' ');
    expect(await status()).toBe('running');
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'paused');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'running');

    // Esc asks before stopping; a second Esc cancels the question.
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
    expect(await status()).toBe('running');
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'stopped');

    // A stopped run can be resumed from the Runs view.
    await page.keyboard.press('2');
    await page.getByTestId('runs-view').waitFor();
    await page.locator('[data-testid="runs-row"][data-run-id="run-1"]').click();
    expect(await page.getByTestId('delete-run').isDisabled()).toBe(false);
    await page.getByTestId('toggle-model').click();
    await page.getByTestId('detail-resume').click();
    await page.getByTestId('train-view').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'running');

    await page.keyboard.press('2');
    await page.getByTestId('runs-view').waitFor();
    expect(await page.getByTestId('delete-run').isDisabled()).toBe(true);
    await page.reload();
    await page.getByTestId('runs-view').waitFor();
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('spikelab.ui') ?? 'null') as unknown);
    expect(saved).toMatchObject({ view: 'runs', collapsed: ['model'] });
    expect(errors).toEqual([]);
    await page.close();
  });
});
