/**
 * Spike monitor against the real web host: a tiny mnist-mlp run trained through the API, then the
 * Monitor view probes it (raster, membrane traces with the threshold line, heatmap, input), and
 * with "live" on follows a second run while it trains. Screenshots: test-results/monitor.png,
 * monitor-light.png and monitor-live.png.
 */
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../core/api/contract';
import type { WsClient } from '../../core/api/wsClient';
import { browserSkipReason, resultPath, useRealLab, withLabPage } from './browser';

const skip = browserSkipReason();
if (skip) console.warn(`[monitor.e2e] SKIPPED: ${skip}`);

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function attr(page: Page, testId: string, name: string): Promise<string | null> {
  return page.getByTestId(testId).getAttribute(name);
}

describe.skipIf(skip !== null)('spike monitor', () => {
  const lab = useRealLab('monitor');
  let client: WsClient | null = null;
  const events: RunEvent[] = [];

  beforeAll(async () => {
    const { createWsClient } = await import('../../core/api/wsClient');
    client = createWsClient(lab().host.url, { WebSocketImpl: WebSocket });
    await client.ready;
    client.onRunEvent((e) => events.push(e));
  });

  afterAll(() => client?.close());
  const ws = (): WsClient => {
    if (!client) throw new Error('set-up failed');
    return client;
  };

  it('probes a trained run: raster, membrane with threshold, heatmap and input', { timeout: 120_000 }, async () => {
    const run = await ws().startRun({ preset: 'mnist-mlp', name: 'monitor tiny', settings: { epochs: 1, trainLimit: 128, testLimit: 32, timesteps: 8, batchSize: 32 } });
    await until(() => events.some((e) => e.type === 'status' && e.run.id === run.id && ['completed', 'failed'].includes(e.run.status)), 60_000, 'the run to finish');
    await withLabPage(lab(), { viewport: { width: 1440, height: 900 }, colorScheme: 'dark', timeout: 30_000, failureShot: 'monitor-failure.png' }, async (page) => {
      await page.getByTestId('nav-monitor').click();
      await page.getByTestId('monitor-view').waitFor();
      await page.getByTestId('monitor-run').selectOption(run.id);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="monitor-raster"]')?.getAttribute('data-spikes')) > 0);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="membrane-chart"]')?.getAttribute('data-traces')) > 0);
      expect(Number(await attr(page, 'membrane-chart', 'data-threshold'))).toBeGreaterThan(0);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="rate-heatmap"]')?.getAttribute('data-cells')) === 500);
      await page.getByTestId('monitor-input').waitFor();
      expect(await page.getByTestId('monitor-label').textContent()).toMatch(/^\d$/);
      await page.screenshot({ path: resultPath('monitor.png') });

      // Another sample, the readout layer, a checkpoint: each probes again.
      await page.getByTestId('monitor-sample').fill('5');
      // Leaving the field commits it (a change event), as a user would.
      await page.getByTestId('monitor-sample').press('Tab');
      await page.waitForFunction(() => document.querySelector('[data-testid="monitor-sample-shown"]')?.textContent === '5');
      await page.getByTestId('monitor-layer').selectOption('lif2');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="rate-heatmap"]')?.getAttribute('data-cells')) === 10);
      const options = await page.getByTestId('monitor-checkpoint').locator('option').allTextContents();
      expect(options[0]).toBe('final');
      expect(options.length).toBeGreaterThan(1);
      const [ckpt] = await page.getByTestId('monitor-checkpoint').selectOption({ index: 1 });
      expect(ckpt).toMatch(/^ckpt-\d+-\d+$/);
      await page.waitForFunction((name) => document.querySelector('[data-testid="monitor-weights"]')?.textContent === name, ckpt);
      // The layer choice survives a new probe.
      expect(await page.getByTestId('monitor-layer').inputValue()).toBe('lif2');

      await page.getByTestId('theme-toggle').click();
      await page.getByTestId('monitor-layer').selectOption('lif1');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="rate-heatmap"]')?.getAttribute('data-cells')) === 500);
      await page.screenshot({ path: resultPath('monitor-light.png') });
    });
  });

  it('follows a training run live: raster and membrane traces stream in', { timeout: 120_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 900 }, colorScheme: 'dark', timeout: 30_000, failureShot: 'monitor-live-failure.png' }, async (page) => {
      await page.getByTestId('nav-monitor').click();
      const run = await ws().startRun({ preset: 'mnist-mlp', name: 'monitor live', settings: { epochs: 20, trainLimit: 2048, testLimit: 32, timesteps: 8, batchSize: 32 } });
      await until(() => events.some((e) => e.type === 'status' && e.run.id === run.id && e.run.status === 'running'), 30_000, 'the live run to start');
      await page.getByTestId('monitor-live').check();
      expect(await page.getByTestId('monitor-run').inputValue()).toBe(run.id);
      // Several snapshots side by side: the spike count on screen grows while the run trains.
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="monitor-raster"]')?.getAttribute('data-spikes')) > 0);
      const first = Number(await attr(page, 'monitor-raster', 'data-spikes'));
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="monitor-raster"]')?.getAttribute('data-spikes')) > n, first);
      expect(Number(await attr(page, 'membrane-chart', 'data-traces'))).toBe(4);
      expect(Number(await attr(page, 'membrane-chart', 'data-threshold'))).toBeGreaterThan(0);
      await page.screenshot({ path: resultPath('monitor-live.png') });
      await ws().stopRun(run.id);
    });
  });
});
