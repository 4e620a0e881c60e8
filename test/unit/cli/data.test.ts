/**
 * `spikelab data inspect|frames` on the real N-MNIST sample set (../shared/data; skipped with a
 * message where absent) plus usage errors, which need no data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { main } from '../../../cli/main';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../data/sharedData';
import { tempDir } from '../lab/helpers';
import { captureIo } from './cliHarness';

const t = tempDir('spikelab-cli-data-');
afterAll(() => t.cleanup());

describe('spikelab data (usage)', () => {
  it('rejects a missing or unknown subcommand and missing flags with exit 2', async () => {
    for (const argv of [['data'], ['data', 'show'], ['data', 'inspect'], ['data', 'frames', 'x.bin', '--out', 'x.png'], ['data', 'frames', 'x.bin', '--frames', '3']]) {
      const c = captureIo();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err()).toMatch(/^spikelab: data/);
    }
  });

  it('a missing file is a runtime error (exit 1) naming the path', async () => {
    const c = captureIo();
    expect(await main(['data', 'inspect', join(t.dir, 'nope.bin')], c.io)).toBe(1);
    expect(c.err()).toContain('nope.bin');
  });
});

describe.skipIf(!HAS_SHARED_DATA)('spikelab data on the N-MNIST sample set', () => {
  const folder = sharedPath(NMNIST_SMALL);

  it('inspect <file> --json prints the summary and the label from INDEX.csv', async () => {
    const c = captureIo();
    expect(await main(['data', 'inspect', join(folder, '1.bs2'), '--json'], c.io)).toBe(0);
    // INDEX.csv row: 1.bs2, label 5, 4681 events, t 893..305924, on 2328, off 2353.
    expect(JSON.parse(c.out())).toMatchObject({
      format: 'atis-bin',
      width: 34,
      height: 34,
      events: 4681,
      firstTimestampUs: 893,
      lastTimestampUs: 305924,
      durationUs: 305924 - 893,
      polarityCounts: { on: 2328, off: 2353 },
      label: 5,
    });
  });

  it('inspect <folder> --json gives per-class counts summing to 1000', async () => {
    const c = captureIo();
    expect(await main(['data', 'inspect', folder, '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out()) as { layout: string; samples: number; classes: Record<string, number> };
    expect(r.layout).toBe('csv');
    expect(r.samples).toBe(1000);
    expect(Object.keys(r.classes)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Object.values(r.classes).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(r.classes['7']).toBe(117);
  });

  it('inspect without --json prints readable lines', async () => {
    const c = captureIo();
    expect(await main(['data', 'inspect', join(folder, '2.bs2')], c.io)).toBe(0);
    expect(c.out()).toMatch(/format {5}atis-bin/);
    expect(c.out()).toMatch(/label {6}0/);
  });

  it('frames --frames 5 --out writes a PNG of 5 frames side by side', async () => {
    const out = join(t.dir, 'f.png');
    const c = captureIo();
    expect(await main(['data', 'frames', join(folder, '1.bs2'), '--frames', '5', '--out', out, '--scale', '2', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ frames: 5, polarities: 2, width: 34, height: 34, events: 4681 });
    const png = PNG.sync.read(readFileSync(out));
    expect(png.height).toBe(68);
    expect(png.width).toBe(5 * (68 + 2) - 2);
    let lit = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] > 0 || png.data[i + 1] > 0) lit++;
    expect(lit).toBeGreaterThan(500);
  });
});
