/**
 * The renderer in headless Chromium against a scripted in-page API (test/e2e/mockApi.ts), served
 * by the web host's static file handler. Covers what the slice test with the real trainer cannot
 * reach quickly: 100k-spike rasters and frame rate, validation, failure toasts, theme persistence
 * and opening a finished run.
 */
import { describe, expect, it } from 'vitest';
import { browserSkipReason, type LabPage, resultPath, useMockLab } from './browser';
import type { MockOptions } from './mockApi';

const skip = browserSkipReason();
if (skip) console.warn(`[ui.e2e] SKIPPED: ${skip}`);

// 1000 neurons x 25 steps, 7500 spikes per sample: on a 1920 px wide window the raster holds
// about 15 samples, i.e. over 100k spikes on screen.
const DENSE: MockOptions = { spikesPerSnapshot: 7500, neurons: 1000, timesteps: 25, batchMs: 60 };

describe.skipIf(skip !== null)('renderer UI (mock API)', () => {
  const lab = useMockLab();

  async function open(opts: MockOptions = DENSE, viewport = { width: 1440, height: 900 }, colorScheme: 'dark' | 'light' = 'dark'): Promise<LabPage> {
    // The first visit follows the system colour scheme; pin it so screenshots are predictable.
    const opened = await lab.open(opts, { viewport, colorScheme });
    await opened.page.getByTestId('preset-select').locator('option', { hasText: 'MNIST' }).waitFor({ state: 'attached' });
    return opened;
  }

  it('validates settings beside the fields and blocks Train', async () => {
    const { page, errors } = await open();
    await expect(page.getByTestId('backend').textContent()).resolves.toContain('reference');
    await page.getByTestId('field-epochs').fill('0');
    await page.getByTestId('field-learning-rate').fill('abc');
    await expect(page.getByTestId('error-epochs').textContent()).resolves.toBe('At least 1');
    await expect(page.getByTestId('error-learning-rate').textContent()).resolves.toBe('Not a number');
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true);
    await page.getByTestId('field-epochs').fill('3');
    await page.getByTestId('field-learning-rate').fill('0.01');
    expect(await page.getByTestId('train-button').isDisabled()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an ApiError toast with its code when a run cannot start', async () => {
    const { page, errors } = await open();
    await page.getByTestId('preset-select').selectOption('broken');
    await page.getByTestId('train-button').click();
    const toast = page.getByTestId('toast');
    await toast.waitFor();
    expect(await toast.getAttribute('data-code')).toBe('DATASET_INVALID');
    expect(await toast.textContent()).toContain('dataset "none" has no files');
    await page.screenshot({ path: resultPath('ui-toast.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a finished run from getRun into the charts', async () => {
    const { page, errors } = await open();
    await page.locator('[data-testid="run-item"][data-run-id="done-1"]').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) > 0);
    // 3 epochs x 40 batches + 3 epoch points.
    expect(await page.getByTestId('chart-loss').getAttribute('data-points')).toBe('123');
    expect(Number(await page.getByTestId('chart-accuracy').getAttribute('data-points'))).toBe(126);
    await expect(page.getByTestId('stat-best').textContent()).resolves.toBe('93.00%');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps 100k spikes on screen fluid while training, and pause/resume/stop work', async () => {
    const { page, errors } = await open(DENSE, { width: 1920, height: 1080 });
    await page.getByTestId('train-button').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="spike-raster"]')?.getAttribute('data-spikes')) >= 100_000, undefined, { timeout: 20_000 });
    // Frames actually delivered over 2 s, and the raster's own draw time, sampled while events stream.
    const perf = await page.evaluate(async () => {
      const canvas = document.querySelector('[data-testid="spike-raster"]') as HTMLCanvasElement;
      const draws: number[] = [];
      const gaps: number[] = [];
      let frames = 0;
      let last = performance.now();
      const start = last;
      await new Promise<void>((done) => {
        const loop = (t: number): void => {
          frames++;
          gaps.push(t - last);
          last = t;
          draws.push(Number(canvas.getAttribute('data-draw-ms')));
          if (t - start < 2000) requestAnimationFrame(loop);
          else done();
        };
        requestAnimationFrame(loop);
      });
      draws.sort((a, b) => a - b);
      gaps.sort((a, b) => a - b);
      return { fps: frames / ((last - start) / 1000), drawMedianMs: draws[draws.length >> 1], drawP95Ms: draws[Math.floor(draws.length * 0.95)], frameP95Ms: gaps[Math.floor(gaps.length * 0.95)], spikes: Number(canvas.getAttribute('data-spikes')) };
    });
    console.log(`[ui.e2e] dense raster: ${perf.spikes} spikes on screen, ${perf.fps.toFixed(1)} fps, draw median ${perf.drawMedianMs.toFixed(2)} ms, p95 ${perf.drawP95Ms.toFixed(2)} ms, frame gap p95 ${perf.frameP95Ms.toFixed(1)} ms`);
    expect(perf.spikes).toBeGreaterThanOrEqual(100_000);
    // Frame rate and draw time are logged above and benchmarked in bench/ui.ts; a shared CI machine
    // makes them unfit for assertions. What must hold is that frames keep coming while data streams.
    expect(perf.fps).toBeGreaterThan(0);
    await page.screenshot({ path: resultPath('ui-dense-dark.png') });

    await page.getByTestId('pause-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'paused');
    await page.getByTestId('resume-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'running');
    await page.getByTestId('stop-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'stopped');
    expect(await page.getByTestId('stop-button').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the connect-error screen when no lab service answers on /ws', { timeout: 30_000 }, async () => {
    // No init script: no window.spikelab, so the renderer tries the WebSocket, which this static
    // server does not offer.
    const page = await lab.browser().newPage();
    await page.goto(lab.base());
    const screen = page.getByTestId('connect-error');
    await screen.waitFor({ timeout: 20_000 });
    expect(await screen.textContent()).toContain('TRANSPORT');
    await page.close();
  });

  it('toggles the theme and keeps it across reloads', async () => {
    const { page, errors } = await open(DENSE, undefined, 'dark');
    const theme = (): Promise<string | null> => page.evaluate(() => document.documentElement.dataset.theme ?? null);
    expect(await theme()).toBe('dark');
    await page.getByTestId('theme-toggle').click();
    const second = await theme();
    expect(second).toBe('light');
    await page.reload();
    await page.getByTestId('preset-select').locator('option', { hasText: 'MNIST' }).waitFor({ state: 'attached' });
    expect(await theme()).toBe(second);
    // A light-theme picture of a live run, for review.
    await page.getByTestId('train-button').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) > 20);
    await page.screenshot({ path: resultPath('ui-live-light.png') });
    await page.getByTestId('stop-button').click();
    expect(errors).toEqual([]);
    await page.close();
  });
});
