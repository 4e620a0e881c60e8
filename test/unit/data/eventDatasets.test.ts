import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventFrameLoader, shuffled, splitSamples } from '../../../core/data/eventLoader';
import { EventSampleReader, classCounts, scanEventDataset } from '../../../core/data/eventDatasets';
import { FrameCache } from '../../../core/data/frameCache';
import { WorkerEventLoader } from '../../../core/data/workerLoader';
import { DatasetError } from '../../../core/data/idx';
import { aedat3 } from './eventFixtures';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from './sharedData';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe.skipIf(!HAS_SHARED_DATA)('event dataset layouts on real files', () => {
  it('flat folder + INDEX.csv (file,label,split): the SLAYER N-MNIST sample set', async () => {
    const idx = scanEventDataset(sharedPath(NMNIST_SMALL));
    expect(idx.layout).toBe('csv');
    expect(idx.samples.length).toBe(1000);
    expect(classCounts(idx)).toEqual({ 0: 97, 1: 116, 2: 99, 3: 93, 4: 105, 5: 92, 6: 94, 7: 117, 8: 87, 9: 100 });
    expect(idx.samples[0]).toMatchObject({ label: 5, split: 'train' });
    const ev = await new EventSampleReader(idx).read(idx.samples[0]);
    expect([ev.width, ev.height, ev.t.length]).toEqual([34, 34, 4681]);
  });

  it('N-MNIST Train/Test/<digit>/ folders', () => {
    const root = tmp('nmnist-');
    for (const [split, digit, src] of [['Train', '5', '1.bs2'], ['Train', '0', '2.bs2'], ['Test', '4', '3.bs2']]) {
      mkdirSync(join(root, split, digit), { recursive: true });
      symlinkSync(sharedPath(`${NMNIST_SMALL}/${src}`), join(root, split, digit, src.replace('.bs2', '.bin')));
    }
    const idx = scanEventDataset(root);
    expect(idx.layout).toBe('nmnist');
    expect(idx.samples.map((s) => [s.label, s.split])).toEqual([[4, 'test'], [0, 'train'], [5, 'train']]);
  });

  it('class folders (CIFAR10-DVS / N-Caltech101 style) and an explicit --labels CSV', () => {
    const root = tmp('classes-');
    mkdirSync(join(root, 'airplane'));
    mkdirSync(join(root, 'Faces_easy'));
    symlinkSync(sharedPath('aedat2/dvs128/alex_walking_again.aedat'), join(root, 'airplane', 'cifar10_airplane_0.aedat'));
    symlinkSync(sharedPath('ncaltech101-bin/shiba24-event-vision-library/faces_easy_0001.bin'), join(root, 'Faces_easy', 'image_0001.bin'));
    const idx = scanEventDataset(root);
    expect(idx.layout).toBe('class-folders');
    expect(idx.classes).toEqual(['Faces_easy', 'airplane']);
    const csv = join(root, 'labels.txt');
    writeFileSync(csv, 'file,label\nairplane/cifar10_airplane_0.aedat,plane\nFaces_easy/image_0001.bin,face\n');
    const byCsv = scanEventDataset(root, { labels: csv });
    expect(byCsv.classes).toEqual(['face', 'plane']);
    expect(byCsv.samples.map((s) => s.label)).toEqual([1, 0]);
  });

  it('DVS128 Gesture: user*_*.aedat + the real _labels.csv -> 12 labelled slices', async () => {
    const root = tmp('gesture-');
    copyFileSync(sharedPath('dvsgesture-labels/user01_natural_labels.csv'), join(root, 'user01_natural_labels.csv'));
    // A hand-made AEDAT 3.1 recording with three events inside each labelled gesture.
    const starts = [53036986, 64889467, 74839238, 87200306, 98139978, 111008687, 122456000, 132355007, 142355542, 149970163, 161214419, 171367247];
    const evs = starts.flatMap((s, i) => [0, 1, 2].map((k) => ({ x: i, y: k, p: k & 1, t: s + k * 1000 })));
    writeFileSync(join(root, 'user01_natural.aedat'), aedat3([{ events: evs }]));
    writeFileSync(join(root, 'trials_to_test.txt'), 'user01_natural.aedat\n');
    const idx = scanEventDataset(root);
    expect(idx.layout).toBe('dvs-gesture');
    expect(idx.samples.length).toBe(12);
    expect(idx.samples.map((s) => s.label)).toEqual([0, 1, 2, 4, 3, 5, 6, 7, 7, 8, 9, 10]);
    expect(idx.samples.every((s) => s.split === 'test')).toBe(true);
    const reader = new EventSampleReader(idx);
    for (let i = 0; i < 12; i++) {
      const ev = await reader.read(idx.samples[i]);
      expect(Array.from(ev.x)).toEqual([i, i, i]);
    }
  });

  it('rejects folders with no known layout', () => {
    expect(() => scanEventDataset(tmp('empty-'))).toThrow(DatasetError);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('loaders', () => {
  it('seeded shuffle and stratified split are reproducible', () => {
    const idx = scanEventDataset(sharedPath(NMNIST_SMALL));
    expect(shuffled(idx.samples, 3)).toEqual(shuffled(idx.samples, 3));
    expect(shuffled(idx.samples, 3)).not.toEqual(shuffled(idx.samples, 4));
    const { train, test } = splitSamples(idx.samples, { testFraction: 0.2, seed: 1, ignoreFileSplit: true });
    expect(train.length + test.length).toBe(1000);
    expect(test.length).toBeGreaterThan(190);
    expect(test.length).toBeLessThan(210);
    expect(new Set(test.map((s) => s.label)).size).toBe(10);
    const again = splitSamples(idx.samples, { testFraction: 0.2, seed: 1, ignoreFileSplit: true });
    expect(again.test.map((s) => s.file)).toEqual(test.map((s) => s.file));
  });

  it('batches to [T, B, P, H, W] with the cache hit on the second epoch and invalidated by file or transform changes', async () => {
    const idx = scanEventDataset(sharedPath(NMNIST_SMALL));
    // Link a few files into a temp folder so the test can touch one without altering shared data.
    const root = tmp('loader-');
    const samples = idx.samples.slice(0, 20).map((s) => {
      const f = join(root, s.file.split('/').pop() as string);
      symlinkSync(s.file, f);
      return { ...s, file: f };
    });
    const cache = new FrameCache(tmp('cache-'));
    const opts = { batchSize: 8, timesteps: 5, frames: { timeBins: 5 }, binarize: true, shuffle: true, seed: 9, cache };
    const loader = new EventFrameLoader(idx, samples, opts);
    expect(loader.batchCount).toBe(3);
    const first: Float32Array[] = [];
    for await (const b of loader.epoch(0)) {
      expect(b.shape.slice(0, 1).concat(b.shape.slice(2))).toEqual([5, 2, 34, 34]);
      expect(b.labels.length).toBe(b.shape[1]);
      expect(b.x.every((v) => v === 0 || v === 1)).toBe(true);
      first.push(b.x);
    }
    expect([cache.hits, cache.misses]).toEqual([0, 20]);
    const second: Float32Array[] = [];
    for await (const b of loader.epoch(0)) second.push(b.x);
    expect(cache.hits).toBe(20);
    expect(second).toEqual(first);
    // Touch one file: its key changes, so it is re-read.
    const future = new Date(Date.now() + 60_000);
    utimesSync(samples[0].file, future, future);
    for await (const _ of loader.epoch(0)) void _;
    expect(cache.misses).toBe(21);
    // A different transform misses for every sample.
    const other = new EventFrameLoader(idx, samples, { ...opts, transforms: [{ kind: 'flip', lr: true }] });
    for await (const _ of other.epoch(0)) void _;
    expect(cache.misses).toBe(41);
  });

  it('rejects batches whose samples differ in size', async () => {
    const root = tmp('mixed-');
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b'));
    symlinkSync(sharedPath(`${NMNIST_SMALL}/1.bs2`), join(root, 'a', '1.bin'));
    symlinkSync(sharedPath('aedat2/dvs128/alex_walking_again.aedat'), join(root, 'b', 'x.aedat'));
    const idx = scanEventDataset(root);
    const loader = new EventFrameLoader(idx, idx.samples, { batchSize: 2, timesteps: 2, frames: { timeBins: 2 } });
    await expect(async () => {
      for await (const _ of loader.epoch()) void _;
    }).rejects.toThrow(/crop or downsample/);
  });

  it('a worker-thread loader yields the same batches as the in-process one, and reports bad files', async () => {
    const idx = scanEventDataset(sharedPath(NMNIST_SMALL));
    const samples = idx.samples.slice(0, 12);
    const opts = { batchSize: 5, timesteps: 3, frames: { timeBins: 3 }, shuffle: true, seed: 4, prefetch: 2 };
    const local: Array<[Float32Array, number[]]> = [];
    for await (const b of new EventFrameLoader(idx, samples, opts).epoch(1)) local.push([b.x, Array.from(b.labels)]);
    const remote: Array<[Float32Array, number[]]> = [];
    for await (const b of new WorkerEventLoader(idx, samples, opts).epoch(1)) {
      remote.push([b.x, Array.from(b.labels)]);
      expect(b.samples.map((s) => s.label)).toEqual(Array.from(b.labels));
    }
    expect(remote).toEqual(local);
    const broken = [{ file: join(tmp('missing-'), 'gone.bin'), label: 1 }];
    await expect(async () => {
      for await (const _ of new WorkerEventLoader(idx, broken, opts).epoch()) void _;
    }).rejects.toThrow(/gone\.bin/);
  });
});
