/**
 * Training methods from the browser against the real web host: switch mnist-mlp to TTFS conversion
 * in the method picker, see an invalid option refused beside its field, set small options, train,
 * and watch the rate and TTFS accuracy-vs-T curves drawn with the ANN line; then measure the final
 * weights from the chart and see the measured curves join them. Screenshot: test-results/methods.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, choosePreset, resultPath, useRealLab, withLabPage } from './browser';

const skip = browserSkipReason();
if (skip) console.warn(`[methods.e2e] SKIPPED: ${skip}`);

describe.skipIf(skip !== null)('methods: pick a method, set options, see accuracy against T', () => {
  const lab = useRealLab('methods');

  it('converts with TTFS, draws rate and TTFS curves, refuses a bad option, measures', { timeout: 120_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 1100 }, colorScheme: 'light', timeout: 30_000, failureShot: 'methods-failure.png' }, drive);

    async function drive(page: Page): Promise<void> {
      await choosePreset(page, 'mnist-mlp');
      const method = page.getByTestId('method-select');
      await method.locator('option[value="conversion-ttfs"]').waitFor({ state: 'attached' });
      // Grouped by family, the preset's own marked.
      expect(await method.locator('optgroup[label="ANN-to-SNN conversion"] option').count()).toBe(2);
      expect(await method.locator('option[value="bptt"]').textContent()).toContain('(preset)');
      await method.selectOption('conversion-ttfs');
      await page.getByTestId('method-options').locator('summary').click();

      // An out-of-range option: the message beside the field, and no run can start.
      await page.getByTestId('option-percentile').fill('10');
      expect(await page.getByTestId('option-error-percentile').textContent()).toBe('At least 50');
      expect(await page.getByTestId('train-button').isDisabled()).toBe(true);
      await page.getByTestId('option-tGrid').fill('1, 2, 4, 0');
      expect(await page.getByTestId('option-error-tGrid').textContent()).toBe('0: At least 1');
      await page.getByTestId('option-percentile').fill('99.9');
      await page.getByTestId('option-tGrid').fill('1, 2, 4, 8, 16, 32');
      await page.getByTestId('option-ttfsSteps').fill('1, 2, 4, 8');
      await page.getByTestId('option-calibrationSamples').fill('64');
      expect(await page.getByTestId('option-error-percentile').count()).toBe(0);

      await page.getByTestId('field-epochs').fill('1');
      await page.getByTestId('field-timesteps').fill('16');
      await page.getByTestId('field-train-limit').fill('512');
      await page.getByTestId('field-test-limit').fill('200');
      await page.getByTestId('train-button').click();

      await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'completed', undefined, { timeout: 90_000, polling: 250 });
      expect(await page.getByTestId('run-method').textContent()).toBe('conversion-ttfs');
      // rate and ttfs, drawn from the live 'curve' events (or the stored files on selection).
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-latency"]')?.getAttribute('data-curves')) === 2, undefined, { timeout: 15_000, polling: 200 });
      expect(Number(await page.getByTestId('chart-latency').getAttribute('data-points'))).toBe(6 + 4);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-learning-rate"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 15_000, polling: 200 });
      // The ANN phase has no spiking layers: the firing-rate chart says so instead of waiting.
      expect(await page.getByTestId('chart-firing-rates').getAttribute('data-points')).toBe('0');
      expect(await page.getByText('This run reported no spiking layers').count()).toBe(1);
      expect(await page.getByTestId('stat-epoch-time').textContent()).toMatch(/^\d+(\.\d)?s$/);

      // Measure the final weights: a bad T list is refused beside the inputs, then the measured curves join.
      await page.getByTestId('curve-timesteps').fill('4, 2');
      expect(await page.getByTestId('curve-input-error').textContent()).toBe('T: ascending');
      expect(await page.getByTestId('measure-curve').isDisabled()).toBe(true);
      await page.getByTestId('curve-timesteps').fill('2, 8, 32, 64');
      await page.getByTestId('curve-samples').fill('200');
      await page.getByTestId('measure-curve').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-latency"]')?.getAttribute('data-curves')) === 4, undefined, { timeout: 60_000, polling: 200 });
      await page.getByTestId('latency-card').scrollIntoViewIfNeeded();
      await page.screenshot({ path: resultPath('methods.png'), fullPage: true });

      // Back to the preset's BPTT with a recipe option: the learning-rate and firing-rate charts fill,
      // in the dark theme this time.
      await page.getByTestId('theme-toggle').click();
      await method.selectOption('bptt');
      await page.getByTestId('method-options').locator('summary').click();
      await page.getByTestId('option-schedule').selectOption('cosine');
      await page.getByTestId('field-train-limit').fill('256');
      await page.getByTestId('field-timesteps').fill('4');
      await page.getByTestId('field-batch-size').fill('32');
      await page.getByTestId('train-button').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="run-method"]')?.textContent === 'bptt' && document.querySelector('[data-testid="run-status"]')?.textContent === 'completed', undefined, { timeout: 60_000, polling: 250 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-firing-rates"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 15_000, polling: 200 });
      expect(Number(await page.getByTestId('chart-learning-rate').getAttribute('data-points'))).toBeGreaterThan(1);
      // A BPTT run stores no curves until measured.
      expect(await page.getByTestId('chart-latency').getAttribute('data-curves')).toBe('0');
      await page.screenshot({ path: resultPath('methods-dashboard.png'), fullPage: true });
    }
  });
});
