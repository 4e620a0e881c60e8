/**
 * Event data as a training source: the streamed batch source against an in-memory reference, its
 * read-ahead across epochs, checkpoint fields and mid-epoch resume (down to a stopped and resumed
 * BPTT run matching the uninterrupted one), the frame-input network, and framing + the seeded
 * stratified hold-out on a labelled subset of the real N-MNIST samples (skipped where absent).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRecord, RunConfig } from '../../../core/api/contract';
import { DatasetError } from '../../../core/data/idx';
import { validateTrainRequest } from '../../../core/lab/validate';
import { Rng } from '../../../core/snn/rng';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';
import { createBpttTrainer, epochOrder } from '../../../core/train/bptt';
import { EventBatchSource, FrameInputNetwork, loadEventSplits, loadFrames, scanForModel, selectEventSplits } from '../../../core/train/eventData';
import type { CheckpointState, TrainHooks } from '../../../core/train/types';
import { atis, type Ev } from '../data/eventFixtures';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../data/sharedData';
import { tempDir } from '../lab/helpers';

const t = tempDir('spikelab-eventdata-');
afterAll(() => t.cleanup());

/** A CSV dataset of `count` small 34x34 ATIS recordings, label i % 10 (seeded walks, 40..160 events). */
function writeDataset(name: string, count: number): string {
  const root = join(t.dir, name);
  mkdirSync(root, { recursive: true });
  const rows = ['file,label'];
  for (let i = 0; i < count; i++) {
    const rng = new Rng(77 + i);
    const evs: Ev[] = [];
    let tt = 0;
    const n = 40 + rng.int(120);
    // A class-dependent bright spot, so a network can learn something in the BPTT test.
    for (let k = 0; k < n; k++) {
      tt += 1 + rng.int(3000);
      const near = rng.int(3) > 0;
      evs.push({ x: near ? 3 * (i % 10) + rng.int(4) : rng.int(34), y: near ? 10 + rng.int(6) : rng.int(34), p: rng.int(2), t: tt });
    }
    writeFileSync(join(root, `${i}.bin`), atis(evs));
    rows.push(`${i}.bin,${i % 10}`);
  }
  writeFileSync(join(root, 'INDEX.csv'), `${rows.join('\n')}\n`);
  return root;
}

const digest = (x: Float32Array): string => createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex').slice(0, 16);
const INPUT = [2, 34, 34];
const T = 3;
const synth = writeDataset('synth', 70);
const cacheDir = join(t.dir, 'frames');

describe('EventBatchSource', () => {
  const ref = { path: synth, labels: null };
  const split = selectEventSplits(ref, { input: INPUT, validationFraction: 0.2, seed: 5, trainLimit: null, testLimit: null });
  const n = split.train.length;
  const bs = 8;
  const steps = Math.ceil(n / bs);
  const make = (o: { shift?: boolean; cache?: string | null } = {}) =>
    new EventBatchSource(split.index, split.train, { batchSize: bs, timesteps: T, input: INPUT, orderOf: (e) => epochOrder(n, 5, e), shift: o.shift ? { max: 2, seed: 5 } : undefined, cacheDir: o.cache === undefined ? cacheDir : o.cache });

  /** The in-memory reference: every sample's frames read up front, batches gathered in `order`. */
  async function reference(order: ArrayLike<number>, k: number): Promise<string> {
    const d = await loadFrames(split.index, split.train, T, INPUT);
    const F = d.features;
    const idx = Array.from(order).slice(k * bs, Math.min(n, (k + 1) * bs));
    const x = new Float32Array(T * idx.length * F);
    idx.forEach((s, b) => {
      for (let tt = 0; tt < T; tt++) for (let f = 0; f < F; f++) x[(tt * idx.length + b) * F + f] = d.frames[(s * T + tt) * F + f];
    });
    return digest(x);
  }

  it('streams, over two epochs, the batches the in-memory frames give, with labels as bytes', async () => {
    const src = make({ cache: null });
    try {
      expect(split.train.length + split.test.length).toBe(70);
      for (let e = 0; e < 2; e++) {
        const order = epochOrder(n, 5, e);
        for (let k = 0; k < steps; k++) {
          const end = Math.min(n, (k + 1) * bs);
          const { x, y } = await src.batch(order, k * bs, end, e * steps + k);
          expect(digest(x)).toBe(await reference(order, k));
          expect(Array.from(y)).toEqual(Array.from(order).slice(k * bs, end).map((i) => split.train[i].label));
        }
      }
      // After epoch 0's last batch the source opened epoch 1 itself; its position says so.
      expect(src.checkpointFields()).toMatchObject({ dataBatch: 0, dataDraw: 2 * steps });
    } finally {
      await src.close();
    }
  });

  it('resumes from its checkpoint fields mid-epoch with exactly the remaining batches, and answers requests out of step', async () => {
    const full: string[] = [];
    let fields: Record<string, number | string> = {};
    const a = make({ shift: true });
    try {
      for (let e = 0; e < 2; e++) {
        const order = epochOrder(n, 5, e);
        for (let k = 0; k < steps; k++) {
          full.push(digest((await a.batch(order, k * bs, Math.min(n, (k + 1) * bs), e * steps + k)).x));
          if (e === 1 && k === 2) fields = a.checkpointFields();
        }
      }
    } finally {
      await a.close();
    }
    expect(fields).toMatchObject({ dataBatch: 3, dataDraw: steps + 3 });
    const b = make({ shift: true });
    try {
      expect(b.restore(fields)).toBeNull();
      const order = epochOrder(n, 5, 1);
      const rest: string[] = [];
      for (let k = 3; k < steps; k++) rest.push(digest((await b.batch(order, k * bs, Math.min(n, (k + 1) * bs), steps + k)).x));
      expect(rest).toEqual(full.slice(steps + 3));
      // Back to batch 1 of epoch 1: a new stream, the same batch.
      expect(digest((await b.batch(order, bs, 2 * bs, steps + 1)).x)).toBe(full[steps + 1]);
      await expect(b.batch(order, 3, 11, 0)).rejects.toThrow(RangeError);
      expect(b.restore({ ...fields, dataFingerprint: 'feedface' })).toMatch(/changed since this checkpoint/);
    } finally {
      await b.close();
    }
  });

  it('names the file whose frames do not fit the model, and rejects labels a byte cannot hold', async () => {
    const wrong = new EventBatchSource(split.index, split.train, { batchSize: bs, timesteps: T, input: [2, 30, 30], cacheDir: null });
    try {
      await expect(wrong.batch(null, 0, bs)).rejects.toThrow(/\d+\.bin.*frames are 2x34x34 .* the model expects 2x30x30/);
    } finally {
      await wrong.close();
    }
    expect(() => new EventBatchSource(split.index, [{ ...split.train[0], label: 300 }], { batchSize: 1, timesteps: T, input: INPUT, cacheDir: null })).toThrow(DatasetError);
  });
});

describe('BPTT on streamed event data', () => {
  const spec: ModelSpec = {
    format: MODEL_SPEC_FORMAT,
    version: MODEL_SPEC_VERSION,
    name: 'tiny-events',
    input: INPUT,
    timesteps: T,
    encoder: { type: 'direct' },
    layers: [
      { type: 'avgpool', name: 'pool', size: 2 },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', name: 'fc', units: 10 },
      { type: 'neuron', name: 'out', neuron: { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft' } },
    ],
    decoder: { type: 'spikeCount' },
  };
  // The nmnist-conv recipe (Adam, step decay, shift augmentation of 2 px) on a small model.
  const config: RunConfig = {
    preset: 'nmnist-conv',
    name: 'ev',
    method: 'bptt',
    dataset: 'nmnist',
    model: spec,
    data: { path: synth, labels: null },
    settings: { epochs: 2, batchSize: 8, learningRate: 5e-3, timesteps: T, seed: 2, trainLimit: null, testLimit: null },
  };
  function hooks(stopAfter?: number): TrainHooks & { checkpoints: CheckpointState[]; metrics: MetricRecord[]; logs: string[] } {
    let calls = 0;
    const h = {
      checkpoints: [] as CheckpointState[],
      metrics: [] as MetricRecord[],
      logs: [] as string[],
      metric: (m: MetricRecord) => h.metrics.push(m),
      wantSpikes: () => false,
      spikes: () => {},
      checkpoint: async (c: CheckpointState) => {
        h.checkpoints.push(c);
      },
      control: async () => (stopAfter !== undefined && calls++ >= stopAfter ? ('stop' as const) : ('continue' as const)),
      log: (m: string) => h.logs.push(m),
      curve: () => {},
      wantPlasticity: () => false,
      plasticity: () => {},
    };
    return h;
  }

  it('a run stopped mid-epoch and resumed from its checkpoint ends with the uninterrupted run\'s weights', async () => {
    process.env.SPIKELAB_FRAME_CACHE = join(t.dir, 'bptt-frames');
    const train = createBpttTrainer({ kernels: () => ({ kernels: referenceKernels, note: null }) });
    const h0 = hooks();
    const full = await train(config, h0, null);
    expect(full.epochsDone).toBe(2);
    // 7 samples a class, 1 held out: 60 training samples in batches of 8, 8 per epoch; stop before batch 3 of epoch 2.
    const h1 = hooks(8 + 3);
    const part = await train(config, h1, null);
    expect(part.stopped).toBe(true);
    const cp = h1.checkpoints[h1.checkpoints.length - 1];
    expect(cp).toMatchObject({ epoch: 1, step: 3 });
    expect(cp.extra).toMatchObject({ dataBatch: 3, dataDraw: 11 });
    expect(typeof cp.extra.dataFingerprint).toBe('string');
    const h2 = hooks();
    const resumed = await train(config, h2, cp);
    expect(resumed.epochsDone).toBe(2);
    expect(resumed.finalTestAccuracy).toBe(full.finalTestAccuracy);
    expect(Buffer.from(resumed.weights).equals(Buffer.from(full.weights))).toBe(true);
    // Per-epoch data lines; the first run framed every sample, later epochs read the cache.
    expect(h0.logs.filter((l) => l.startsWith('data epoch'))).toHaveLength(2);
    expect(h0.logs.find((l) => l.startsWith('data epoch 2'))).toMatch(/cache 60 hits, 0 misses/);
    expect(readdirSync(process.env.SPIKELAB_FRAME_CACHE).length).toBe(70);
  }, 30_000);
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
    const index = scanForModel(ref, [2, 34, 34]);
    const d = await loadFrames(index, index.samples, 4, [2, 34, 34]);
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
    expect(() => scanForModel(ref, [784])).toThrow(DatasetError);
    const small = scanForModel(ref, [2, 28, 28]);
    const src = new EventBatchSource(small, small.samples, { batchSize: 4, timesteps: 4, input: [2, 28, 28], cacheDir: null });
    try {
      await expect(src.batch(null, 0, 4)).rejects.toThrow(/expected x < 28 and y < 28/);
    } finally {
      await src.close();
    }
  });
});
