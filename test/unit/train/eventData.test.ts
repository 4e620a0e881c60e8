/**
 * Event data as a training source: batch layout, the frame-input network, and framing + the seeded
 * stratified hold-out on a labelled subset of the real N-MNIST samples (skipped where absent).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../core/data/idx';
import { validateTrainRequest } from '../../../core/lab/validate';
import type { Rng } from '../../../core/snn/rng';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';
import { FrameInputNetwork, gatherFrameBatch, loadEventAll, loadEventSplits, type FrameDataset } from '../../../core/train/eventData';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../data/sharedData';
import { tempDir } from '../lab/helpers';

const t = tempDir('spikelab-eventdata-');
afterAll(() => t.cleanup());

describe('gatherFrameBatch', () => {
  it('lays sample-major [N, T, F] bytes out time-major [T, B, F] in the given order', () => {
    const T = 2;
    const F = 3;
    // Sample n, step t, feature f holds 100n + 10t + f.
    const frames = new Uint8Array(3 * T * F);
    for (let n = 0; n < 3; n++) for (let s = 0; s < T; s++) for (let f = 0; f < F; f++) frames[(n * T + s) * F + f] = 100 * n + 10 * s + f;
    const d: FrameDataset = { frames, labels: Uint8Array.of(7, 8, 9), count: 3, timesteps: T, features: F, frameShape: [1, 1, 3], classes: 10 };
    const { x, y } = gatherFrameBatch(d, [2, 0, 1], 0, 2);
    expect([...y]).toEqual([9, 7]);
    expect([...x]).toEqual([200, 201, 202, 0, 1, 2, 210, 211, 212, 10, 11, 12]);
  });
});

describe('shift augmentation', () => {
  it('translates every step and polarity by the drawn offset, filling with zeros', () => {
    // One sample, T = 2, P = 1, 3x3 frames holding 1..9 and 11..19.
    const frames = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19);
    const d: FrameDataset = { frames, labels: Uint8Array.of(0), count: 1, timesteps: 2, features: 9, frameShape: [1, 3, 3], classes: 1 };
    // int(3) draws 2 then 0: dx = +1, dy = -1 with max 1.
    const draws = [2, 0];
    const rng = { int: () => draws.shift() as number } as unknown as Rng;
    const { x } = gatherFrameBatch(d, null, 0, 1, { rng, max: 1 });
    expect([...x]).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0, 0, 14, 15, 0, 17, 18, 0, 0, 0]);
  });
});

describe('run requests naming event data', () => {
  it('accepts {path, labels} and rejects anything else with the field named', () => {
    expect(validateTrainRequest({ preset: 'nmnist-conv', data: { path: '/d', labels: null } }).data).toEqual({ path: '/d', labels: null });
    expect(validateTrainRequest({ preset: 'nmnist-conv', data: { path: '/d' } }).data).toEqual({ path: '/d', labels: null });
    expect(() => validateTrainRequest({ preset: 'p', data: { path: '' } })).toThrow(/request\.data\.path must be a non-empty string/);
    expect(() => validateTrainRequest({ preset: 'p', data: { path: '/d', extra: 1 } })).toThrow(/request\.data\.extra is not a known field/);
    expect(() => validateTrainRequest({ preset: 'p', data: '/d' })).toThrow(/request\.data must be an object/);
  });
});

describe('FrameInputNetwork', () => {
  const spec: ModelSpec = {
    format: MODEL_SPEC_FORMAT,
    version: MODEL_SPEC_VERSION,
    name: 'tiny',
    input: [2, 4, 4],
    timesteps: 3,
    encoder: { type: 'direct' },
    layers: [
      { type: 'conv2d', name: 'c', filters: 2, kernel: 3 },
      { type: 'neuron', name: 'n1', neuron: { model: 'lif', beta: 0.9, threshold: 0.5, reset: 'soft' } },
      { type: 'flatten' },
      { type: 'dense', name: 'fc', units: 3 },
    ],
    // Membrane readout: non-zero for any input, so the equality below compares real numbers.
    decoder: { type: 'membrane', reduce: 'mean' },
  };

  it('given the same frame every step, scores equal the direct-coded network; weights are shared', () => {
    const base = buildNetwork(spec, { kernels: referenceKernels, seed: 3 });
    const B = 2;
    const F = 32;
    const x = new Float32Array(B * F).map((_, i) => ((i * 7) % 5) / 2);
    const want = Array.from(base.forward(x, B, false).scores);
    const framed = new FrameInputNetwork(base);
    const xT = new Float32Array(3 * B * F);
    for (let s = 0; s < 3; s++) xT.set(x, s * B * F);
    expect(Array.from(framed.forward(xT, B, false).scores)).toEqual(want);
    expect(framed.net.saveWeights()).toEqual(base.saveWeights());
    expect(want.some((v) => v !== 0)).toBe(true);
  });

  it('a wrongly sized staged tensor is a RangeError, not garbage', () => {
    const framed = new FrameInputNetwork(buildNetwork(spec, { kernels: referenceKernels, seed: 3 }));
    expect(() => framed.forward(new Float32Array(10), 2, false)).toThrow(RangeError);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('loading N-MNIST samples as frames', () => {
  const folder = sharedPath(NMNIST_SMALL);
  // 4 samples of each digit from INDEX.csv, as a labels CSV of absolute paths in a temp folder.
  const rows = readFileSync(join(folder, 'INDEX.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const perClass = new Map<string, string[][]>();
  for (const r of rows) if ((perClass.get(r[3])?.length ?? 0) < 4) perClass.set(r[3], [...(perClass.get(r[3]) ?? []), r]);
  const picked = [...perClass.values()].flat();
  const csv = join(t.dir, 'subset.csv');
  writeFileSync(csv, `file,label\n${picked.map((r) => `${join(folder, r[0])},${r[3]}`).join('\n')}\n`);
  const ref = { path: t.dir, labels: csv };

  it('holds out a seeded, stratified share of each class', async () => {
    const o = { timesteps: 5, input: [2, 34, 34], validationFraction: 0.25, seed: 9, trainLimit: null, testLimit: null };
    const a = await loadEventSplits(ref, o);
    expect(a.train.count).toBe(30);
    expect(a.test.count).toBe(10);
    expect([...a.test.labels].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = await loadEventSplits(ref, o);
    expect(b.test.frames).toEqual(a.test.frames);
    const c = await loadEventSplits(ref, { ...o, seed: 10 });
    expect(c.test.frames).not.toEqual(a.test.frames);
  });

  it('frames count every event of the first T windows, per polarity channel', async () => {
    const d = await loadEventAll(ref, 4, [2, 34, 34]);
    expect(d.count).toBe(40);
    expect(d.features).toBe(2 * 34 * 34);
    // Sample 0: total counts <= its events (events past n windows are dropped) and most are kept.
    const events = Number(picked[0][4]);
    let sum = 0;
    for (let k = 0; k < d.timesteps * d.features; k++) sum += d.frames[k];
    expect(sum).toBeLessThanOrEqual(events);
    expect(sum).toBeGreaterThan(events * 0.95);
  });

  it('a model input that is not [polarities, H, W] is a DatasetError', async () => {
    await expect(loadEventAll(ref, 4, [784])).rejects.toThrow(DatasetError);
    await expect(loadEventAll(ref, 4, [2, 28, 28])).rejects.toThrow(/expected x < 28 and y < 28/);
  });
});
