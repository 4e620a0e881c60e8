/**
 * The lab's main flow end to end, as a user would do it: the real web host and lab service (the
 * trainer runs in a worker), the built renderer in headless Chromium over WebSocket. Build a model
 * in the builder (the MLP seed net with a narrower hidden layer) and hand it to the Train view,
 * make the run small, Train, watch loss points and raster spikes arrive, open the spike monitor
 * and see the live raster and membrane traces, back on the dashboard pause, resume and stop.
 * Then a second, tiny run to completion, and the Runs view over the real backend: compare both,
 * export the first one's metrics as CSV, delete the second. Screenshots: test-results/slice.png,
 * slice-monitor.png and slice-runs.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, choosePreset, resultPath, useRealLab, withLabPage } from './browser';

const skip = browserSkipReason();
if (skip) console.warn(`[slice.e2e] SKIPPED: ${skip}`);

describe.skipIf(skip !== null)('slice: train mnist-mlp from the browser', () => {
  const lab = useRealLab('slice');

  it('trains, streams loss and spikes, and stops', { timeout: 120_000 }, async () => {
    const { workspace } = lab();
    await withLabPage(lab(), { viewport: { width: 1440, height: 900 }, colorScheme: 'dark', acceptDownloads: true, timeout: 30_000, failureShot: 'slice-failure.png' }, drive);

    async function drive(page: Page): Promise<void> {
      // Builder: the MLP seed net with 256 hidden units instead of 500, handed to the Train view.
      await page.getByTestId('nav-builder').click();
      await page.getByTestId('preset-model-select').selectOption('mnist-mlp-lif');
      await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')?.textContent?.trim() === 'valid', undefined, { timeout: 15_000 });
      await page.getByTestId('layer-layers[0]').getByTestId('field-units').fill('256');
      await page.waitForFunction(() => document.querySelector('[data-testid="shape-layers[0]"]')?.textContent?.trim() === '256', undefined, { timeout: 15_000 });
      await page.getByTestId('train-model').click();
      await page.getByTestId('train-view').waitFor();

      await choosePreset(page, 'mnist-mlp');
      await page.getByTestId('builder-model').waitFor();
      await page.getByTestId('field-timesteps').fill('10');
      // Far more work than the test waits for (an epoch of 30 000 takes 2-30 s depending on the
      // engine and the load), so Pause, Resume and Stop always act on a live run; Stop ends it.
      // With 1 epoch a fast engine finished the run between "paused" and the Resume click.
      await page.getByTestId('field-epochs').fill('100');
      await page.getByTestId('field-train-limit').fill('30000');
      await page.getByTestId('field-test-limit').fill('500');
      expect(await page.getByTestId('train-button').isDisabled()).toBe(false);
      await page.getByTestId('train-button').click();

      await page.getByTestId('run-item').first().waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 90_000, polling: 250 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="spike-raster"]')?.getAttribute('data-spikes')) > 0, undefined, { timeout: 90_000, polling: 250 });
      // Let a few more batches land so the picture shows a curve, not a dot.
      await page.waitForTimeout(1500);

      const points = Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
      const spikes = Number(await page.getByTestId('spike-raster').getAttribute('data-spikes'));
      console.log(`[slice.e2e] loss points ${points}, raster spikes ${spikes}, step "${await page.getByTestId('stat-step').textContent()}", samples/s "${await page.getByTestId('stat-sps').textContent()}"`);
      expect(points).toBeGreaterThan(0);
      expect(spikes).toBeGreaterThan(0);
      await page.screenshot({ path: resultPath('slice.png') });
      const liveId = await page.locator('[data-testid="run-item"]').first().getAttribute('data-run-id');
      // The run trains the builder's model, not the preset's.
      const config = JSON.parse(readFileSync(join(workspace, 'runs', String(liveId), 'config.json'), 'utf8')) as { model: { layers: { units?: number }[] } };
      expect(config.model.layers[0].units).toBe(256);

      // Spike monitor, live: the running run's hidden raster and membrane traces.
      await page.getByTestId('nav-monitor').click();
      await page.getByTestId('monitor-view').waitFor();
      await page.getByTestId('monitor-live').check();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="monitor-raster"]')?.getAttribute('data-spikes')) > 0, undefined, { timeout: 60_000, polling: 250 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="membrane-chart"]')?.getAttribute('data-traces')) > 0, undefined, { timeout: 60_000, polling: 250 });
      await page.screenshot({ path: resultPath('slice-monitor.png') });
      await page.getByTestId('nav-train').click();
      await page.getByTestId('train-view').waitFor();

      const statusIs = (want: string[]): Promise<unknown> =>
        page.waitForFunction((w) => w.includes(document.querySelector('[data-testid="run-status"]')?.textContent ?? ''), want, { timeout: 30_000 });
      if ((await page.getByTestId('run-status').textContent()) === 'running') {
        await page.getByTestId('pause-button').click();
        await statusIs(['paused', 'completed']);
        if ((await page.getByTestId('run-status').textContent()) === 'paused') {
          await page.getByTestId('resume-button').click();
          await statusIs(['running', 'completed']);
        }
        if ((await page.getByTestId('run-status').textContent()) !== 'completed') {
          await page.getByTestId('stop-button').click({ timeout: 10_000 });
          await statusIs(['stopped', 'completed']);
        }
      }
      const final = await page.getByTestId('run-status').textContent();
      console.log(`[slice.e2e] final status ${final}`);
      expect(['stopped', 'completed']).toContain(final);
      await page.locator('[data-testid="run-item"][data-status="stopped"], [data-testid="run-item"][data-status="completed"]').first().waitFor();
      expect(await page.getByTestId('stop-button').isDisabled()).toBe(true);
      expect(await page.getByTestId('toast').count()).toBe(0);
      const firstId = await page.locator('[data-testid="run-item"]').first().getAttribute('data-run-id');

      // A second run small enough to complete, so the compare chart has a finished run too.
      await page.getByTestId('field-epochs').fill('1');
      await page.getByTestId('field-train-limit').fill('512');
      await page.getByTestId('field-test-limit').fill('200');
      await page.getByTestId('train-button').click();
      await page.waitForFunction((id) => {
        const item = document.querySelector('[data-testid="run-item"]');
        return item?.getAttribute('data-run-id') !== id && item?.getAttribute('data-status') === 'completed';
      }, firstId, { timeout: 90_000, polling: 250 });
      const secondId = await page.locator('[data-testid="run-item"]').first().getAttribute('data-run-id');

      await page.getByTestId('nav-runs').click();
      const rows = page.getByTestId('runs-row');
      await rows.nth(1).waitFor();
      expect(await rows.count()).toBe(2);
      for (let i = 0; i < 2; i++) await rows.nth(i).getByTestId('compare-check').check();
      await page.waitForFunction(() => document.querySelector('[data-testid="compare-chart"]')?.getAttribute('data-series') === '2');

      await page.locator(`[data-testid="runs-row"][data-run-id="${firstId}"]`).click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 30_000 });
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
      expect(lines[0]).toMatch(/^kind,epoch,step,stepsPerEpoch,elapsedMs,loss,/);
      expect(lines.length).toBeGreaterThan(1);

      await page.locator(`[data-testid="runs-row"][data-run-id="${secondId}"]`).click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-accuracy"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 30_000 });
      await page.screenshot({ path: resultPath('slice-runs.png') });
      await page.getByTestId('delete-run').click();
      await page.getByTestId('confirm-ok').click();
      await page.locator(`[data-testid="runs-row"][data-run-id="${secondId}"]`).waitFor({ state: 'detached' });
      expect(await rows.count()).toBe(1);
      expect(await page.getByTestId('toast').count()).toBe(0);
    }
  });
});
