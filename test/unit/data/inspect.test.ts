import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readEventFile } from '../../../core/data/events/detect';
import { framesToPng } from '../../../core/data/framePng';
import { inspectEventPath } from '../../../core/data/inspect';
import { toFrames } from '../../../core/data/transforms/toFrame';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from './sharedData';

describe.skipIf(!HAS_SHARED_DATA)('inspect and frame pictures', () => {
  it('summarises a file as data inspect --json prints it', async () => {
    const r = await inspectEventPath(sharedPath('aedat2/dvs128/alex_walking_again.aedat'));
    expect(r).toMatchObject({ kind: 'file', format: 'aedat2', width: 128, height: 128, events: 19182, firstTimestampUs: 41306606, lastTimestampUs: 48193156, durationUs: 48193156 - 41306606, polarityCounts: { on: 12080, off: 7102 } });
  });
  it('summarises a dataset folder with per-class counts', async () => {
    const r = await inspectEventPath(sharedPath(NMNIST_SMALL));
    expect(r).toMatchObject({ kind: 'folder', layout: 'csv', samples: 1000, splits: { train: 1000, test: 0, unassigned: 0 } });
    if (r.kind === 'folder') expect(r.classes['7']).toBe(117);
  });
  it('renders frames side by side as a PNG', async () => {
    const ev = await readEventFile(sharedPath(`${NMNIST_SMALL}/1.bs2`));
    const png = PNG.sync.read(framesToPng(toFrames(ev, { timeBins: 4 }), { scale: 2 }));
    expect([png.width, png.height]).toEqual([4 * 68 + 3 * 2, 68]);
    let lit = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] || png.data[i + 1]) lit++;
    expect(lit).toBeGreaterThan(100);
  });
});
