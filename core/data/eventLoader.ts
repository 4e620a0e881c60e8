/**
 * Loaders that turn an event dataset into training batches in the engine's layout
 * [T, B, P, H, W] (time first, like the multi-step layers expect), with a seeded shuffle, a
 * train/test split, an optional frame cache and bounded read-ahead. Only the batches in flight
 * are in memory: samples are read, transformed and framed when their batch is due.
 */
import { Rng } from '../snn/rng';
import { EventSampleReader, type EventDatasetIndex, type EventSample } from './eventDatasets';
import type { FrameCache } from './frameCache';
import { DatasetError } from './idx';
import { buildPipeline, isRandomPipeline, type EventTransformSpec } from './transforms/pipeline';
import { toFrames, type FrameOptions, type Frames } from './transforms/toFrame';

/** Fisher-Yates with the engine's seeded generator. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const a = items.slice();
  const rng = new Rng(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Split samples into train and test. Samples that carry a split from the dataset (N-MNIST folders,
 * CSV `split`) keep it unless `ignoreFileSplit`; the rest are split per class (stratified) after a
 * seeded shuffle, `testFraction` of each class going to test.
 */
export function splitSamples(samples: readonly EventSample[], opts: { testFraction: number; seed: number; ignoreFileSplit?: boolean }): { train: EventSample[]; test: EventSample[] } {
  if (!(opts.testFraction >= 0 && opts.testFraction < 1)) throw new RangeError(`testFraction must be in [0, 1), got ${opts.testFraction}`);
  const train: EventSample[] = [];
  const test: EventSample[] = [];
  const free: EventSample[] = [];
  for (const s of samples) {
    if (!opts.ignoreFileSplit && s.split === 'train') train.push(s);
    else if (!opts.ignoreFileSplit && s.split === 'test') test.push(s);
    else free.push(s);
  }
  const byClass = new Map<number, EventSample[]>();
  for (const s of shuffled(free, opts.seed)) {
    const list = byClass.get(s.label) ?? [];
    list.push(s);
    byClass.set(s.label, list);
  }
  for (const list of [...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k) as EventSample[])) {
    const nTest = Math.round(list.length * opts.testFraction);
    test.push(...list.slice(0, nTest));
    train.push(...list.slice(nTest));
  }
  return { train, test };
}

export interface EventLoaderOptions {
  batchSize: number;
  /** How frames are cut (Tonic's rules). */
  frames: FrameOptions;
  /** Frames per sample T: extra frames are cut, missing ones left empty, so every batch has one shape. */
  timesteps: number;
  transforms?: EventTransformSpec[];
  /** Clip counts to 1 (binary spikes) instead of passing event counts. */
  binarize?: boolean;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
  cache?: FrameCache;
  /** Batches prepared ahead of the consumer (bounded read-ahead); default 2. */
  prefetch?: number;
}

export interface EventBatch {
  /** [T, B, P, H, W] as float 0/1 or counts. */
  x: Float32Array;
  shape: [number, number, number, number, number];
  labels: Int32Array;
  samples: EventSample[];
}

export class EventFrameLoader {
  private readonly reader: EventSampleReader;
  private readonly cacheable: boolean;

  constructor(
    readonly index: EventDatasetIndex,
    readonly samples: readonly EventSample[],
    readonly opts: EventLoaderOptions,
  ) {
    if (!(Number.isInteger(opts.batchSize) && opts.batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    if (!(Number.isInteger(opts.timesteps) && opts.timesteps > 0)) throw new RangeError(`timesteps must be a positive integer, got ${opts.timesteps}`);
    this.reader = new EventSampleReader(index);
    // Random augmentations must be re-drawn each epoch, so their output is never cached.
    this.cacheable = !!opts.cache && !isRandomPipeline(opts.transforms ?? []);
  }

  get batchCount(): number {
    const n = this.samples.length / this.opts.batchSize;
    return this.opts.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Frames of one sample; `seed` drives random transforms. */
  async sampleFrames(sample: EventSample, seed: number): Promise<Frames> {
    const transforms = this.opts.transforms ?? [];
    const desc = { transforms, frames: this.opts.frames, startUs: sample.startUs, endUs: sample.endUs, sensor: this.index.sensor };
    let key: string | undefined;
    if (this.cacheable && this.opts.cache) {
      key = this.opts.cache.key(sample.file, desc);
      const hit = this.opts.cache.get(key);
      if (hit) return hit;
    }
    const ev = await this.reader.read(sample);
    const out = buildPipeline(transforms)(ev, new Rng(seed));
    const frames = toFrames(out, this.opts.frames);
    if (key && this.opts.cache) this.opts.cache.put(key, frames);
    return frames;
  }

  private async makeBatch(items: EventSample[], epoch: number, firstIndex: number): Promise<EventBatch> {
    const T = this.opts.timesteps;
    const B = items.length;
    const seedBase = ((this.opts.seed ?? 0) * 1000003 + epoch * 7919) >>> 0;
    // Sequential per batch: the reader keeps the last recording (gesture files hold many samples).
    const frames: Frames[] = [];
    for (let i = 0; i < B; i++) frames.push(await this.sampleFrames(items[i], (seedBase + firstIndex + i) >>> 0));
    const [, P, H, W] = frames[0].shape;
    for (let i = 1; i < B; i++) {
      const s = frames[i].shape;
      if (s[1] !== P || s[2] !== H || s[3] !== W) {
        throw new DatasetError(items[i].file, `frames are ${s.slice(1).join('x')} but the batch is ${P}x${H}x${W}: add a crop or downsample transform so all samples share one size`);
      }
    }
    const F = P * H * W;
    const x = new Float32Array(T * B * F);
    const labels = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      labels[b] = items[b].label;
      const f = frames[b];
      const steps = Math.min(T, f.shape[0]);
      for (let t = 0; t < steps; t++) {
        const src = t * F;
        const dst = (t * B + b) * F;
        if (this.opts.binarize) for (let k = 0; k < F; k++) x[dst + k] = f.data[src + k] > 0 ? 1 : 0;
        else for (let k = 0; k < F; k++) x[dst + k] = f.data[src + k];
      }
    }
    return { x, shape: [T, B, P, H, W], labels, samples: items };
  }

  /** One epoch of batches; order reshuffled per epoch from (seed, epoch). */
  async *epoch(epoch = 0): AsyncGenerator<EventBatch> {
    const order = this.opts.shuffle ? shuffled(this.samples, ((this.opts.seed ?? 0) + epoch * 0x9e3779b1) >>> 0) : this.samples.slice();
    const bs = this.opts.batchSize;
    const starts: number[] = [];
    for (let i = 0; i < order.length; i += bs) if (!(this.opts.dropLast && i + bs > order.length)) starts.push(i);
    const ahead = Math.max(1, this.opts.prefetch ?? 2);
    const pending: Array<Promise<EventBatch>> = [];
    let next = 0;
    // Chain batch preparation so the shared reader is used by one batch at a time, while up to
    // `ahead` batches are queued in front of the consumer.
    let chain: Promise<unknown> = Promise.resolve();
    const schedule = () => {
      const s = starts[next++];
      const p = chain.then(() => this.makeBatch(order.slice(s, s + bs), epoch, s));
      chain = p.catch(() => undefined);
      pending.push(p);
    };
    while (next < starts.length && pending.length < ahead) schedule();
    while (pending.length > 0) {
      const batch = await (pending.shift() as Promise<EventBatch>);
      if (next < starts.length) schedule();
      yield batch;
    }
  }
}
