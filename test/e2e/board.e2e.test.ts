/**
 * The Board view end to end on the real web host and lab service: a tiny mnist-mlp run is trained
 * through the API first, then in headless Chromium: open the Board view, connect the built-in
 * emulator, check the run's fit (float vs quantised accuracy), upload it (the progress bar reaches
 * 100 % and the image verifies), run a test sample and see the output raster and the predicted
 * class. Screenshots: test-results/board.png (dark) and board-light.png.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, resultPath, useRealLab, withLabPage } from './browser';

const skip = browserSkipReason();
if (skip) console.warn(`[board.e2e] SKIPPED: ${skip}`);

describe.skipIf(skip !== null)('board view against the emulator', () => {
  const lab = useRealLab('board');
  let runId = '';

  beforeAll(async () => {
    const { service } = lab().host;
    const run = await service.startRun({ preset: 'mnist-mlp', name: 'board-e2e', settings: { epochs: 1, batchSize: 32, timesteps: 8, trainLimit: 128, testLimit: 32 } });
    runId = run.id;
    const t0 = Date.now();
    for (;;) {
      const status = (await service.listRuns()).find((r) => r.id === runId)?.status;
      if (status === 'completed') break;
      if (status === 'failed' || status === 'stopped' || Date.now() - t0 > 90_000) throw new Error(`training run ended as ${status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  it('connects the emulator, checks, uploads with progress and runs a sample', { timeout: 120_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 1500 }, colorScheme: 'dark', timeout: 30_000, failureShot: 'board-failure.png' }, async (page) => {
      await page.getByTestId('nav-board').click();
      await page.getByTestId('board-view').waitFor();

      // The emulator is always offered, first.
      await expect.poll(() => page.getByTestId('board-port').inputValue()).toBe('emulator:');
      await page.getByTestId('board-connect').click();
      await page.locator('[data-testid="board-status"][data-connected="true"]').waitFor();
      await expect.poll(() => page.getByTestId('board-capabilities').textContent()).toContain('spikelab-emulator');

      await page.getByTestId('board-run-select').selectOption(runId);
      await page.getByTestId('board-check').click();
      const check = page.getByTestId('board-check-result');
      await check.waitFor();
      expect(await check.getAttribute('data-ok')).toBe('true');
      expect(await page.getByTestId('board-accuracy').textContent()).toMatch(/float \d+(\.\d)?% · quantised \d+(\.\d)?%/);

      await page.getByTestId('board-upload').click();
      await page.getByTestId('board-upload-result').waitFor();
      expect(await page.getByTestId('board-upload-percent').textContent()).toBe('100 %');
      expect(await page.getByTestId('board-upload-result').textContent()).toContain('Verified ✓ · committed ✓');
      await page.getByTestId('board-committed').waitFor();

      await page.getByTestId('board-sample').fill('3');
      await page.getByTestId('board-sample').dispatchEvent('change');
      await page.getByTestId('board-run').click();
      const prediction = page.getByTestId('board-prediction');
      await prediction.waitFor();
      // MNIST test image 3 is a 0.
      expect(await prediction.getAttribute('data-label')).toBe('0');
      expect(Number(await prediction.getAttribute('data-predicted'))).toBeGreaterThanOrEqual(0);
      expect(await page.getByTestId('board-match').textContent()).toContain('board = software reference');
      const raster = page.getByTestId('board-raster');
      await expect.poll(() => raster.getAttribute('data-spikes')).not.toBeNull();
      const spikes = Number(await raster.getAttribute('data-spikes'));
      const counts = await page.getByTestId('board-counts').locator('tbody tr td:nth-child(2)').allTextContents();
      expect(counts).toHaveLength(10);
      expect(spikes).toBe(counts.reduce((a, c) => a + Number(c), 0));
      expect(await page.getByTestId('board-estimates').textContent()).toContain('estimate');
      await page.screenshot({ path: resultPath('board.png'), fullPage: true });
      // The raster redraws with the light theme's colours.
      await page.getByTestId('theme-toggle').click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      // Buttons fade their background over 0.12 s (styles.css); let that finish before the picture.
      await page.waitForTimeout(300);
      await page.screenshot({ path: resultPath('board-light.png'), fullPage: true });
    });
  });
});
