/**
 * The data view end to end against the real web host and lab service: open the N-MNIST sample
 * folder (/work/shared/data, skipped visibly when absent), see per-class counts and thumbnails, pick
 * a sample, play, pause, scrub, see lit pixels on the playback canvas, add a transform and see the
 * preview change. Screenshot: test-results/data.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../unit/data/sharedData';
import { browserSkipReason, resultPath, useRealLab, withLabPage } from './browser';

const skip = browserSkipReason() ?? (HAS_SHARED_DATA ? null : 'the sample data folder /work/shared/data is absent');
if (skip) console.warn(`[data.e2e] SKIPPED: ${skip}`);

/** Distinct colours on the first canvas matching `selector` (1 = blank: only the background). */
async function canvasColours(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')?.getImageData(0, 0, cv.width, cv.height).data;
    const seen = new Set<number>();
    for (let i = 0; d && i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
}

const attr = async (page: Page, testId: string, name: string): Promise<number> => Number(await page.getByTestId(testId).getAttribute(name));

describe.skipIf(skip !== null)('data view: open a dataset, play a sample, preview transforms', () => {
  const lab = useRealLab('data');

  it('opens N-MNIST, plays, pauses, scrubs and previews', { timeout: 90_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 1000 }, colorScheme: 'dark', timeout: 20_000, failureShot: 'data-failure.png', fullPage: true }, async (page) => {
      await page.getByTestId('nav-data').click();
      await page.getByTestId('data-path').fill(sharedPath(NMNIST_SMALL));
      await page.getByTestId('data-open-button').click();

      await page.getByTestId('data-summary').waitFor();
      expect(await page.getByTestId('data-samples').textContent()).toBe('1000');
      expect(await page.getByTestId('data-format').textContent()).toContain('csv');
      const classes = await page.getByTestId('data-class').allTextContents();
      expect(classes).toHaveLength(10);
      expect(classes.find((c) => c.startsWith('7'))?.replace(/\s+/g, ' ')).toContain('117');
      expect(await page.getByTestId('data-recent').first().getAttribute('title')).toBe(sharedPath(NMNIST_SMALL));

      // Thumbnails load lazily; the first rows are in view.
      await page.waitForSelector('[data-testid="data-sample"][data-loaded="true"]');
      expect(await page.getByTestId('data-sample').count()).toBe(64);

      await page.getByTestId('data-sample').nth(3).click();
      const player = page.getByTestId('event-player');
      await player.waitFor();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrub"]')?.getAttribute('max')) > 0);
      const durationUs = Number(await page.getByTestId('scrub').getAttribute('max'));

      await page.getByTestId('speed').selectOption('0.25');
      await page.getByTestId('play-button').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="event-canvas"]')?.getAttribute('data-at')) > 20_000, undefined, { polling: 50 });
      await page.getByTestId('play-button').click(); // pause
      const pausedAt = await attr(page, 'event-canvas', 'data-at');
      await page.waitForTimeout(400);
      expect(await attr(page, 'event-canvas', 'data-at')).toBe(pausedAt);
      expect(await page.getByTestId('play-button').textContent()).toBe('Play');

      // Scrub to the middle with a wide window: the frame holds many events and lit pixels.
      await page.getByTestId('window').fill('60');
      await page.getByTestId('scrub').evaluate((el, v) => {
        const input = el as HTMLInputElement;
        input.value = String(v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, Math.round(durationUs / 2));
      await page.waitForFunction((v) => Math.abs(Number(document.querySelector('[data-testid="event-canvas"]')?.getAttribute('data-at')) - v) <= 100, Math.round(durationUs / 2));
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="event-canvas"]')?.getAttribute('data-events')) > 50);
      expect(await canvasColours(page, '[data-testid="event-canvas"]')).toBeGreaterThan(3);

      // Transform preview: frames of the raw sample, then with a denoise step fewer events.
      const frames = page.getByTestId('preview-frames');
      await frames.waitFor();
      expect(await attr(page, 'preview-frames', 'data-frames')).toBe(6);
      const before = await attr(page, 'preview-frames', 'data-events-after');
      expect(await canvasColours(page, '[data-testid="preview-frames"] canvas')).toBeGreaterThan(1);
      await page.getByTestId('add-transform').selectOption('denoise');
      await page.getByTestId('transform-step').waitFor();
      await page.waitForFunction((b) => {
        const n = Number(document.querySelector('[data-testid="preview-frames"]')?.getAttribute('data-events-after'));
        return n > 0 && n < b;
      }, before);
      await page.getByTestId('slicing-value').fill('4');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-frames"]')?.getAttribute('data-frames') === '4');
      await page.screenshot({ path: resultPath('data.png'), fullPage: true });

      // Light theme: the canvases are repainted from the new CSS colours (a light background).
      await page.getByTestId('theme-toggle').click();
      await page.waitForFunction(() => {
        const c = document.querySelector('[data-testid="event-canvas"]') as HTMLCanvasElement | null;
        const d = c?.getContext('2d')?.getImageData(0, 0, 1, 1).data;
        return !!d && d[0] > 200 && d[1] > 200 && d[2] > 200;
      });
      expect(await canvasColours(page, '[data-testid="event-canvas"]')).toBeGreaterThan(3);
      await page.screenshot({ path: resultPath('data-light.png'), fullPage: true });
    });
  });

  it('plays a large recording from thinned overview to full-density spans', { timeout: 60_000 }, async () => {
    await withLabPage(lab(), { viewport: { width: 1440, height: 1000 }, colorScheme: 'dark', timeout: 20_000, failureShot: 'data-large-failure.png', fullPage: true }, async (page) => {
      await page.getByTestId('nav-data').click();
      // 521 252 events in 96 ms: more than one window carries, so the first answer is thinned.
      await page.getByTestId('data-path').fill(sharedPath('prophesee-evt2/sparklers.raw'));
      await page.getByTestId('data-open-button').click();
      await page.getByTestId('data-summary').waitFor();
      expect(await page.getByTestId('data-events').textContent()).toBe((521252).toLocaleString('en-US'));
      expect(await page.getByTestId('data-grid').count()).toBe(0);
      await page.getByTestId('speed').selectOption('0.05');
      await page.getByTestId('play-button').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="event-canvas"]')?.getAttribute('data-at')) > 10_000, undefined, { polling: 50 });
      await page.getByTestId('play-button').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="event-player"]')?.textContent?.includes('(thinned)'));
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="event-canvas"]')?.getAttribute('data-events')) > 100);
      expect(await canvasColours(page, '[data-testid="event-canvas"]')).toBeGreaterThan(3);
    });
  });
});
