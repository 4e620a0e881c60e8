/**
 * The plasticity panel end to end: the real web host and lab service, the built renderer in
 * headless Chromium. Start a small Tempotron run from the Train view's preset picker, open the
 * Plasticity view while it trains, and see the live output voltage (against θ) and the STDP window
 * drawn; edit A+ and see the window change; stop the run. Then a pair-STDP run in the light theme
 * and its receptive-field grid. Screenshots: test-results/plasticity.png, plasticity-fields.png.
 */
import { describe, expect, it } from 'vitest';
import { browserSkipReason, choosePreset, resultPath, useRealLab, withLabPage } from './browser';

const skip = browserSkipReason();
if (skip) console.warn(`[plasticity.e2e] SKIPPED: ${skip}`);

describe.skipIf(skip !== null)('plasticity panel over the real backend', () => {
  const lab = useRealLab('plasticity');

  it('trains a Tempotron from the UI and draws its voltage trace and the STDP window', { timeout: 120_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 1000 }, colorScheme: 'dark', timeout: 30_000, failureShot: 'plasticity-failure.png' }, async (page) => {
      await choosePreset(page, 'tempotron-patterns');
      // Long enough (about 0.1 s per epoch) to still be training when the panel opens.
      await page.getByTestId('field-epochs').fill('300');
      await page.getByTestId('train-button').click();
      await page.locator('[data-testid="run-item"][data-status="running"]').first().waitFor({ timeout: 30_000 });

      await page.getByTestId('nav-plasticity').click();
      await page.getByTestId('plasticity-view').waitFor();
      const points = (id: string): Promise<unknown> => page.waitForFunction((t) => Number(document.querySelector(`[data-testid="${t}"]`)?.getAttribute('data-points')) > 0, id, { timeout: 60_000, polling: 250 });
      await points('voltage-trace-chart');
      await points('stdp-window-chart');
      await points('weight-histogram-chart');
      expect(await page.getByTestId('plasticity-where').textContent()).toMatch(/^tempotron · epoch \d+/);
      const voltage = Number(await page.getByTestId('voltage-trace-chart').getAttribute('data-points'));
      const window = Number(await page.getByTestId('stdp-window-chart').getAttribute('data-points'));
      console.log(`[plasticity.e2e] voltage points ${voltage}, window points ${window}, at "${await page.getByTestId('plasticity-where').textContent()}"`);
      expect(voltage).toBe(1000);
      expect(window).toBe(200);
      // The canvases hold drawn pixels, not just a sized element.
      const inked = await page.evaluate(() => {
        const c = document.querySelector('[data-testid="voltage-trace-chart"] canvas') as HTMLCanvasElement | null;
        if (!c) return 0;
        const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        if (d) for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(1000);

      // Editing the parameters asks for a new window; a bad value shows the service's message.
      await page.getByTestId('stdp-window-aPlus').fill('0.02');
      await page.getByTestId('stdp-window-tauPlus').fill('-3');
      await page.getByTestId('stdp-window-error').waitFor();
      expect(await page.getByTestId('stdp-window-error').textContent()).toMatch(/tauPlus/);
      await page.getByTestId('stdp-window-tauPlus').fill('40');
      await page.getByTestId('stdp-window-error').waitFor({ state: 'detached' });
      await page.waitForTimeout(500);
      await page.screenshot({ path: resultPath('plasticity.png') });

      await page.getByTestId('nav-train').click();
      if ((await page.getByTestId('run-status').textContent()) === 'running') {
        await page.getByTestId('stop-button').click();
        await page.waitForFunction(() => ['stopped', 'completed'].includes(document.querySelector('[data-testid="run-status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
      }
    });
  });

  it('shows the receptive fields of a pair-STDP run (light theme)', { timeout: 120_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 1000 }, colorScheme: 'light', timeout: 30_000, failureShot: 'plasticity-fields-failure.png' }, async (page) => {
      await choosePreset(page, 'stdp-pair-bars');
      // About 0.1-0.3 s per epoch of 100 presentations: still learning when the panel opens, and
      // short enough that the maps show bars (long runs blur them, see docs/methods/stdp-pair.md).
      await page.getByTestId('field-epochs').fill('15');
      await page.getByTestId('train-button').click();
      await page.locator('[data-testid="run-item"][data-status="running"]').first().waitFor({ timeout: 30_000 });
      await page.getByTestId('nav-plasticity').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="receptive-fields"]')?.getAttribute('data-maps')) === 4, undefined, { timeout: 60_000, polling: 250 });
      await page.locator('[data-testid="plasticity-run"] option', { hasText: 'completed' }).first().waitFor({ state: 'attached', timeout: 60_000 });
      await page.waitForTimeout(300);
      const size = await page.getByTestId('receptive-fields').evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      expect(size[0]).toBeGreaterThan(16);
      expect(size[1]).toBeGreaterThan(16);
      expect(Number(await page.getByTestId('voltage-trace-chart').getAttribute('data-points'))).toBe(0);
      await page.screenshot({ path: resultPath('plasticity-fields.png') });
    });
  });
});
