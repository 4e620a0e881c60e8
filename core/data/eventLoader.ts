/**
 * Loaders that turn an event dataset into training batches in the engine's layout
 * [T, B, P, H, W] (time first, like the multi-step layers expect), with a seeded shuffle, a
 * train/test split, an optional frame cache and bounded read-ahead. Only the batches in flight
 * are in memory: samples are read, transformed and framed when their batch is due, so memory is
 * set by the batch size and the read-ahead, never by the dataset's size.
 */
import { Rng } from '../snn/rng';
import { EventSampleReader, type EventDatasetIndex, type EventSample } from './eventDatasets';
import { readEventFileSync } from './events/detect';
import type { EventStream } from './events/types';
import { toDense, toSparse, type FrameCache, type SparseFrames } from './frameCache';
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
  /** [P, H, W] every sample must frame to (the model's input); a sample that does not is a DatasetError naming it. */
  frameShape?: [number, number, number];
  /**
   * Random translation of whole samples, the same offset for every step and polarity, drawn per
   * batch from (seed, draw) where draw is the plan's `firstDraw` counted on per batch. Applied when
   * packing, after the cache, so cached frames stay unshifted and every epoch draws new offsets.
   */
  shift?: { max: number; seed: number };
}

/** Which batches of an epoch to produce, in what order. */
export interface EpochPlan {
  /** Sample order as indices into the loader's samples; default the seeded shuffle (or stored order). */
  order?: ArrayLike<number>;
  /** First batch to produce (resuming mid-epoch); earlier batches are skipped without being read. */
  fromBatch?: number;
  /** Augmentation draw of batch `fromBatch`; later batches count on from it. No shift without it. */
  firstDraw?: number;
}

export interface EventBatch {
  /** [T, B, P, H, W] as float 0/1 or counts. */
  x: Float32Array;
  shape: [number, number, number, number, number];
  labels: Int32Array;
  samples: EventSample[];
  /** Index of the batch within its epoch. */
  batch: number;
  /** Milliseconds spent reading, framing (or fetching from the cache) and packing this batch. */
  prepMs: number;
  /** Samples of this batch served from the frame cache, and those framed from their files. */
  cacheHits: number;
  cacheMisses: number;
}

type SampleFrames = Frames | SparseFrames;

export class EventFrameLoader {
  private readonly reader: EventSampleReader;
  private readonly cacheable: boolean;
  private readonly pool: ArrayBuffer[] = [];

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

  /**
   * Hands back the buffer of a batch the consumer is done with, for a later batch of the same size:
   * a trainer then cycles through a few buffers instead of leaving a multi-MB array per batch to the
   * garbage collector (which lets dozens pile up before it runs).
   */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0 && this.pool.length < 4) this.pool.push(buffer);
  }

  private batchArray(values: number): Float32Array {
    const i = this.pool.findIndex((b) => b.byteLength === values * 4);
    if (i < 0) return new Float32Array(values);
    return new Float32Array(this.pool.splice(i, 1)[0]).fill(0);
  }

  /** Frames of one sample; `seed` drives random transforms. */
  async sampleFrames(sample: EventSample, seed: number): Promise<Frames> {
    const f = await this.framesOf(sample, seed);
    return 'index' in f ? toDense(f) : f;
  }

  private async events(sample: EventSample): Promise<EventStream> {
    // Whole small files (N-MNIST's 60000) read faster synchronously through one reused buffer than
    // through the thread pool; slices of one long recording go through the reader, which keeps it.
    if (sample.startUs === undefined) return readEventFileSync(sample.file, { atis: this.index.sensor });
    return this.reader.read(sample);
  }

  private async framesOf(sample: EventSample, seed: number, tally?: { hits: number; misses: number }): Promise<SampleFrames> {
    const transforms = this.opts.transforms ?? [];
    const desc = { transforms, frames: this.opts.frames, startUs: sample.startUs, endUs: sample.endUs, sensor: this.index.sensor };
    let key: string | undefined;
    if (this.cacheable && this.opts.cache) {
      key = this.opts.cache.key(sample.file, desc);
      const hit = this.opts.cache.getSparse(key);
      if (tally) tally[hit ? 'hits' : 'misses']++;
      if (hit) return hit;
    }
    const ev = await this.events(sample);
    const out = buildPipeline(transforms)(ev, new Rng(seed));
    const frames = toFrames(out, this.opts.frames);
    if (key && this.opts.cache) {
      const sparse = toSparse(frames);
      this.opts.cache.put(key, sparse);
      return sparse;
    }
    return frames;
  }

  private async makeBatch(items: EventSample[], epoch: number, firstIndex: number, batch: number, draw: number | undefined): Promise<EventBatch> {
    const started = performance.now();
    const T = this.opts.timesteps;
    const B = items.length;
    const seedBase = ((this.opts.seed ?? 0) * 1000003 + epoch * 7919) >>> 0;
    // Sequential per batch: the reader keeps the last recording (gesture files hold many samples).
    const frames: SampleFrames[] = [];
    const tally = { hits: 0, misses: 0 };
    for (let i = 0; i < B; i++) frames.push(await this.framesOf(items[i], (seedBase + firstIndex + i) >>> 0, tally));
    const want = this.opts.frameShape;
    const [, P, H, W] = frames[0].shape;
    for (let i = 0; i < B; i++) {
      const s = frames[i].shape;
      if (want && (s[1] !== want[0] || s[2] !== want[1] || s[3] !== want[2])) {
        throw new DatasetError(items[i].file, `frames are ${s.slice(1).join('x')} (polarities x height x width) but the model expects ${want.join('x')}`);
      }
      if (s[1] !== P || s[2] !== H || s[3] !== W) {
        throw new DatasetError(items[i].file, `frames are ${s.slice(1).join('x')} but the batch is ${P}x${H}x${W}: add a crop or downsample transform so all samples share one size`);
      }
    }
    const F = P * H * W;
    const x = this.batchArray(T * B * F);
    const labels = new Int32Array(B);
    const shift = this.opts.shift;
    // The draw formula of the in-memory trainer this loader replaced, so a seed trains the same.
    const rng = shift && shift.max > 0 && draw !== undefined ? new Rng((shift.seed * 0x2545f491 + draw * 0x9e3779b9 + 7) >>> 0) : undefined;
    for (let b = 0; b < B; b++) {
      labels[b] = items[b].label;
      let dx = 0;
      let dy = 0;
      if (shift && rng) {
        dx = rng.int(2 * shift.max + 1) - shift.max;
        dy = rng.int(2 * shift.max + 1) - shift.max;
      }
      const f = frames[b];
      if ('index' in f) packSparse(f, x, b, B, T, dx, dy, !!this.opts.binarize);
      else packDense(f, x, b, B, T, dx, dy, !!this.opts.binarize);
    }
    return { x, shape: [T, B, P, H, W], labels, samples: items, batch, prepMs: performance.now() - started, cacheHits: tally.hits, cacheMisses: tally.misses };
  }

  /**
   * One epoch of batches: by default the samples reshuffled from (seed, epoch); a plan gives the
   * order explicitly and where to start, so a resumed run gets exactly the remaining batches.
   */
  async *epoch(epoch = 0, plan: EpochPlan = {}): AsyncGenerator<EventBatch> {
    const n = this.samples.length;
    let order: EventSample[];
    if (plan.order) {
      if (plan.order.length !== n) throw new RangeError(`the order lists ${plan.order.length} samples, the loader has ${n}`);
      order = new Array<EventSample>(n);
      for (let i = 0; i < n; i++) {
        const k = plan.order[i];
        if (!(Number.isInteger(k) && k >= 0 && k < n)) throw new RangeError(`order[${i}] = ${k} is not a sample index below ${n}`);
        order[i] = this.samples[k];
      }
    } else order = this.opts.shuffle ? shuffled(this.samples, ((this.opts.seed ?? 0) + epoch * 0x9e3779b1) >>> 0) : this.samples.slice();
    const bs = this.opts.batchSize;
    const starts: number[] = [];
    for (let i = 0; i < n; i += bs) if (!(this.opts.dropLast && i + bs > n)) starts.push(i);
    const from = plan.fromBatch ?? 0;
    if (!(Number.isInteger(from) && from >= 0 && from <= starts.length)) throw new RangeError(`fromBatch must be an integer in [0, ${starts.length}], got ${from}`);
    const ahead = Math.max(1, this.opts.prefetch ?? 2);
    const pending: Array<Promise<EventBatch>> = [];
    let next = from;
    // Chain batch preparation so the shared reader is used by one batch at a time, while up to
    // `ahead` batches are queued in front of the consumer.
    let chain: Promise<unknown> = Promise.resolve();
    const schedule = () => {
      const k = next++;
      const s = starts[k];
      const draw = plan.firstDraw === undefined ? undefined : plan.firstDraw + (k - from);
      const p = chain.then(() => this.makeBatch(order.slice(s, s + bs), epoch, s, k, draw));
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

/** Sample b of a [T, B, F] batch from dense frames, moved by (dx, dy); frames past T are cut. */
function packDense(f: Frames, x: Float32Array, b: number, B: number, T: number, dx: number, dy: number, binarize: boolean): void {
  const [n, P, H, W] = f.shape;
  const F = P * H * W;
  const steps = Math.min(T, n);
  const d = f.data;
  for (let t = 0; t < steps; t++) {
    const src = t * F;
    const dst = (t * B + b) * F;
    if (dx === 0 && dy === 0) {
      if (binarize) for (let k = 0; k < F; k++) x[dst + k] = d[src + k] > 0 ? 1 : 0;
      else for (let k = 0; k < F; k++) x[dst + k] = d[src + k];
      continue;
    }
    const x0 = Math.max(0, dx);
    const x1 = Math.min(W, W + dx);
    for (let p = 0; p < P; p++) {
      for (let yy = Math.max(0, dy); yy < Math.min(H, H + dy); yy++) {
        const s = src + (p * H + yy - dy) * W - dx;
        const o = dst + (p * H + yy) * W;
        if (binarize) for (let xx = x0; xx < x1; xx++) x[o + xx] = d[s + xx] > 0 ? 1 : 0;
        else for (let xx = x0; xx < x1; xx++) x[o + xx] = d[s + xx];
      }
    }
  }
}

/** packDense for sparse frames: only the set cells are visited (the batch starts zeroed). */
function packSparse(f: SparseFrames, x: Float32Array, b: number, B: number, T: number, dx: number, dy: number, binarize: boolean): void {
  const [, P, H, W] = f.shape;
  const plane = H * W;
  const F = P * plane;
  const { index, value } = f;
  const limit = T * F;
  for (let k = 0; k < index.length; k++) {
    const i = index[k];
    if (i >= limit) break; // ascending: the rest lie past T
    const v = binarize ? (value[k] > 0 ? 1 : 0) : value[k];
    const t = (i / F) | 0;
    const r = i - t * F;
    if (dx === 0 && dy === 0) {
      x[(t * B + b) * F + r] = v;
      continue;
    }
    const p = (r / plane) | 0;
    const q = r - p * plane;
    const yy = ((q / W) | 0) + dy;
    const xx = q - ((q / W) | 0) * W + dx;
    if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
    x[(t * B + b) * F + p * plane + yy * W + xx] = v;
  }
}
