/**
 * Event-camera data as a training source for the BPTT trainer: an event dataset folder (any layout
 * core/data recognises, or a `file,label` CSV) is cut into T time-bin frames per sample (Tonic's
 * ToFrame n_time_bins rule, 2 polarity channels) and fed to the network one frame per time step.
 *
 * The trainer's networks take analog [B, F] input and encode it into [T, B, F]; frames already
 * are that [T, B, F] tensor, so `FrameInputNetwork` stages the batch in an encoder that returns it
 * as is. Batches stream from a `WorkerEventLoader`: a worker thread reads, frames (or fetches from
 * the frame cache) and packs the next batches while the trainer computes, so memory is the batch
 * size times the read-ahead, whatever the dataset's size.
 */
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type { EventDataRef, RunConfig } from '../api/contract';
import { DatasetError } from '../data/idx';
import { EventSampleReader, scanEventDataset, type EventDatasetIndex, type EventSample } from '../data/eventDatasets';
import { shuffled, splitSamples } from '../data/eventLoader';
import { defaultFrameCacheDir } from '../data/frameCache';
import { toFrames } from '../data/transforms/toFrame';
import { WorkerEventLoader, type BatchStream, type DataWorker, type LoaderStats } from '../data/workerLoader';
import type { Encoder } from '../snn/encoders';
import { Network } from '../snn/network';

export type { EventDataRef };

/** Frames of a few samples held in memory, uint8 counts (clipped at 255), sample-major [count, T, F]. */
export interface FrameDataset {
  frames: Uint8Array;
  labels: Uint8Array;
  count: number;
  timesteps: number;
  /** Values per frame: P·H·W. */
  features: number;
  /** [P, H, W] of one frame. */
  frameShape: [number, number, number];
  classes: number;
}

export interface EventSplitOptions {
  /** [P, H, W] the model expects; headerless files (N-MNIST) are read at H×W. */
  input: readonly number[];
  /** Share of each class held out for validation when the dataset names no split. */
  validationFraction: number;
  seed: number;
  trainLimit: number | null;
  testLimit: number | null;
}

/** Held-out share of each class when the dataset has no test split of its own. */
export const DEFAULT_VALIDATION_FRACTION = 0.2;

function frameShape(input: readonly number[], file: string): [number, number, number] {
  if (input.length !== 3 || (input[0] !== 1 && input[0] !== 2)) {
    throw new DatasetError(file, `event data needs a model input of [polarities (1|2), height, width], the model has [${input.join(', ')}]`);
  }
  return [input[0], input[1], input[2]];
}

export function scanForModel(ref: EventDataRef, input: readonly number[]): EventDatasetIndex {
  const [, H, W] = frameShape(input, ref.path);
  const index = scanEventDataset(ref.path, ref.labels ? { labels: ref.labels } : {});
  if (index.samples.length === 0) throw new DatasetError(ref.path, 'no labelled event files found');
  // Headerless ATIS files carry no sensor size; the model's input is the sensor the user means.
  return { ...index, sensor: index.sensor ?? { width: W, height: H } };
}

/** Which samples train and which validate; no file is read. */
export interface EventSplits {
  index: EventDatasetIndex;
  train: EventSample[];
  test: EventSample[];
}

/**
 * Train and validation samples: the dataset's own split where it has one (N-MNIST Train/Test, a CSV
 * `split` column naming both), else a seeded stratified hold-out of `validationFraction`.
 */
export function selectEventSplits(ref: EventDataRef, o: EventSplitOptions): EventSplits {
  const index = scanForModel(ref, o.input);
  const hasBoth = index.samples.some((s) => s.split === 'train') && index.samples.some((s) => s.split === 'test');
  const split = splitSamples(index.samples, { testFraction: o.validationFraction, seed: o.seed, ignoreFileSplit: !hasBoth });
  // splitSamples groups by class; shuffle so a limit keeps every class (training order is reshuffled per epoch anyway).
  const train = shuffled(split.train, o.seed ^ 0x51ed).slice(0, o.trainLimit ?? undefined);
  const test = shuffled(split.test, o.seed ^ 0x7e57).slice(0, o.testLimit ?? undefined);
  return { index, train, test };
}

/** The frame rule of an event model: T time bins, one channel per polarity the input has. */
function framing(timesteps: number, input: readonly number[], file: string): { timeBins: number; polarities: 1 | 2 } {
  return { timeBins: timesteps, polarities: frameShape(input, file)[0] as 1 | 2 };
}

/**
 * Reads and frames the given samples into memory. For a handful of samples (the probe's one); training
 * and evaluation stream through `EventBatchSource` instead.
 */
export async function loadFrames(index: EventDatasetIndex, samples: readonly EventSample[], timesteps: number, input: readonly number[]): Promise<FrameDataset> {
  const [P, H, W] = frameShape(input, index.root);
  const F = P * H * W;
  const reader = new EventSampleReader(index);
  const frames = new Uint8Array(samples.length * timesteps * F);
  const labels = new Uint8Array(samples.length);
  let maxLabel = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    checkLabel(s);
    labels[i] = s.label;
    maxLabel = Math.max(maxLabel, s.label);
    const ev = await reader.read(s);
    if (ev.width !== W || ev.height !== H) throw new DatasetError(s.file, `sensor is ${ev.width}x${ev.height} but the model expects ${W}x${H}`);
    if (ev.t.length === 0) continue; // an empty recording is an all-zero sample
    const f = toFrames(ev, framing(timesteps, input, s.file));
    const steps = Math.min(timesteps, f.shape[0]);
    const base = i * timesteps * F;
    for (let k = 0; k < steps * F; k++) {
      const v = f.data[k];
      frames[base + k] = v > 255 ? 255 : v;
    }
  }
  return { frames, labels, count: samples.length, timesteps, features: F, frameShape: [P, H, W], classes: Math.max(index.classes.length, maxLabel + 1) };
}

/** `selectEventSplits` with the frames of both sides read into memory (small selections only). */
export async function loadEventSplits(ref: EventDataRef, o: EventSplitOptions & { timesteps: number }): Promise<{ train: FrameDataset; test: FrameDataset; index: EventDatasetIndex }> {
  const { index, train, test } = selectEventSplits(ref, o);
  return { train: await loadFrames(index, train, o.timesteps, o.input), test: await loadFrames(index, test, o.timesteps, o.input), index };
}

function checkLabel(s: EventSample): void {
  // Losses and accuracy take labels as bytes.
  if (!(Number.isInteger(s.label) && s.label >= 0 && s.label < 256)) throw new DatasetError(s.file, `label ${s.label} is outside 0..255`);
}

export interface EventSourceOptions {
  /** Samples per batch; every batch but the last has this many. */
  batchSize: number;
  timesteps: number;
  /** The model's input [P, H, W]. */
  input: readonly number[];
  /**
   * Training: the sample order of an epoch (a pure function of the seed and the epoch). Knowing it,
   * the source starts the next epoch's batches while the trainer validates.
   */
  orderOf?: (epoch: number) => Uint32Array;
  /** Evaluation asked again each epoch: start the next stored-order pass as soon as one ends. */
  repeat?: boolean;
  /** Random translation of whole samples, seeded per batch by (seed, draw). */
  shift?: { max: number; seed: number };
  /** Frame cache folder; null = no cache. Default `defaultFrameCacheDir()`. */
  cacheDir?: string | null;
  /** Batches the worker may have ready ahead of the trainer; default 2. */
  prefetch?: number;
  /** Per-epoch data timing lines (worker time, cache hits, time the trainer waited). */
  log?: (message: string) => void;
  /** A worker thread shared with other sources (a run's training and validation sets); default its own. */
  worker?: DataWorker;
}

interface OpenStream {
  stream: BatchStream;
  /** The order it was opened with; null = stored order. */
  order: ArrayLike<number> | null;
  /** Whether `order` is the caller's array or one the source computed ahead (compared by value once). */
  ahead: boolean;
  nextBatch: number;
  nextDraw: number | undefined;
  statsAtOpen: LoaderStats;
}

/**
 * A `BatchSource` (core/train/bptt.ts) over event samples that streams [T, B, F] batches from a
 * worker. The trainer keeps asking for batches by (order, start, end, draw) as it did of the
 * in-memory frames; while those requests follow on from each other the source hands over batches
 * the worker prepared in advance, and any other request (a resumed run, a new epoch it did not
 * foresee) starts a new stream at that batch. The result is the same either way, so determinism
 * never rests on the read-ahead guessing right.
 */
export class EventBatchSource {
  readonly count: number;
  readonly batchSize: number;
  readonly loader: WorkerEventLoader;
  /** Identity of the samples and framing (a checkpoint records it to detect a changed dataset). */
  readonly fingerprint: string;
  private open: OpenStream | undefined;
  /** The last batch handed out; the trainer is done with it when it asks for the next one. */
  private lent: Float32Array | undefined;

  constructor(
    index: EventDatasetIndex,
    samples: readonly EventSample[],
    private readonly o: EventSourceOptions,
  ) {
    const [P, H, W] = frameShape(o.input, index.root);
    for (const s of samples) checkLabel(s);
    this.count = samples.length;
    this.batchSize = o.batchSize;
    const cacheDir = o.cacheDir === undefined ? defaultFrameCacheDir() : o.cacheDir;
    this.loader = new WorkerEventLoader(index, samples, {
      batchSize: o.batchSize,
      timesteps: o.timesteps,
      frames: framing(o.timesteps, o.input, index.root),
      frameShape: [P, H, W],
      shift: o.shift,
      prefetch: o.prefetch,
      cacheDir: cacheDir ?? undefined,
    }, o.worker);
    const h = createHash('sha256').update(JSON.stringify([o.batchSize, o.timesteps, [P, H, W], o.shift ?? null]));
    for (const s of samples) h.update(`${relative(index.root, s.file)}\t${s.label}\t${s.startUs ?? ''}\t${s.endUs ?? ''}\n`);
    this.fingerprint = h.digest('hex').slice(0, 16);
    // Start on the first epoch (or pass) now: the worker starts up while the trainer builds its
    // network. A resumed run's `restore` replaces this stream with one at its position.
    if (o.orderOf) this.start(o.orderOf(0), 0, 0, true);
    else if (o.repeat) this.start(null, 0, undefined, true);
  }

  /**
   * Batch [start, end) of `order` (null: stored order) as [T, B, F] frames and byte labels. `x` is
   * the caller's until its next call: then its buffer goes back to the worker to be filled again.
   */
  async batch(order: ArrayLike<number> | null, start: number, end: number, draw?: number): Promise<{ x: Float32Array; y: Uint8Array }> {
    const bs = this.batchSize;
    const k = start / bs;
    if (!Number.isInteger(k) || end !== Math.min(this.count, start + bs) || start >= this.count) {
      throw new RangeError(`event batches are [${bs}k, ${bs}k + ${bs}) of ${this.count} samples; asked for [${start}, ${end})`);
    }
    if (this.lent) this.loader.recycle(this.lent);
    this.lent = undefined;
    let cur = this.open;
    if (!cur || !this.follows(cur, order, k, draw)) {
      cur?.stream.cancel();
      cur = this.start(order, k, draw, false);
    }
    const b = await cur.stream.next();
    if (!b || b.batch !== k) throw new Error(`data stream out of step: expected batch ${k}, got ${b ? b.batch : 'the end of the epoch'}`);
    cur.nextBatch = k + 1;
    cur.nextDraw = draw === undefined ? undefined : draw + 1;
    if (k === this.loader.batchCount - 1) this.epochDone(cur, draw);
    this.lent = b.x;
    return { x: b.x, y: Uint8Array.from(b.labels) };
  }

  /**
   * Where the source stands, for a checkpoint's extra fields: the next batch of the open stream
   * (the checkpoint's own position) and its augmentation draw, with the data fingerprint.
   */
  checkpointFields(): Record<string, number | string> {
    const cur = this.open;
    const f: Record<string, number | string> = { dataFingerprint: this.fingerprint };
    if (cur && cur.nextDraw !== undefined) {
      f.dataBatch = cur.nextBatch;
      f.dataDraw = cur.nextDraw;
    }
    return f;
  }

  /**
   * Prepares the batches a checkpoint's position asks for first, so a resumed run starts on a warm
   * queue. Returns a warning when the data differs from what the checkpoint was trained on.
   */
  restore(extra: Record<string, unknown>): string | null {
    const batch = extra.dataBatch;
    const draw = extra.dataDraw;
    if (this.o.orderOf && typeof batch === 'number' && typeof draw === 'number' && batch < this.loader.batchCount) {
      const epoch = Math.floor((draw - batch) / this.loader.batchCount);
      this.open?.stream.cancel();
      this.start(this.o.orderOf(epoch), batch, draw, true);
    }
    const was = extra.dataFingerprint;
    return typeof was === 'string' && was !== this.fingerprint ? `the training samples or their framing changed since this checkpoint (fingerprint ${was}, now ${this.fingerprint}): the remaining batches will differ from the interrupted run's` : null;
  }

  get stats(): LoaderStats {
    return { ...this.loader.stats };
  }

  async close(): Promise<void> {
    this.open = undefined;
    await this.loader.close();
  }

  private follows(cur: OpenStream, order: ArrayLike<number> | null, k: number, draw: number | undefined): boolean {
    if (cur.stream.closed || cur.nextBatch !== k || cur.nextDraw !== draw) return false;
    if (cur.order === order) return true;
    if (!cur.ahead || cur.order === null || order === null || cur.order.length !== order.length) return false;
    for (let i = 0; i < order.length; i++) if (cur.order[i] !== order[i]) return false;
    // From now on the caller's array is the one to compare by reference.
    cur.order = order;
    cur.ahead = false;
    return true;
  }

  private start(order: ArrayLike<number> | null, fromBatch: number, draw: number | undefined, ahead: boolean): OpenStream {
    const firstDraw = draw;
    const epoch = draw === undefined ? 0 : Math.floor((draw - fromBatch) / this.loader.batchCount);
    const stream = this.loader.open(epoch, { order: order ?? undefined, fromBatch, firstDraw });
    this.open = { stream, order, ahead, nextBatch: fromBatch, nextDraw: draw, statsAtOpen: { ...this.loader.stats } };
    return this.open;
  }

  private epochDone(cur: OpenStream, draw: number | undefined): void {
    if (this.o.log) {
      const s = this.loader.stats;
      const a = cur.statsAtOpen;
      const label = draw === undefined ? 'pass' : `epoch ${Math.floor(draw / this.loader.batchCount) + 1}`;
      this.o.log(
        `data ${label}: ${s.batches - a.batches} batches prepared in ${((s.prepMs - a.prepMs) / 1000).toFixed(2)} s in the worker ` +
          `(cache ${s.cacheHits - a.cacheHits} hits, ${s.cacheMisses - a.cacheMisses} misses); the trainer waited ${((s.waitMs - a.waitMs) / 1000).toFixed(2)} s for data`,
      );
    }
    if (draw !== undefined && this.o.orderOf) {
      const epoch = (draw + 1) / this.loader.batchCount;
      if (Number.isInteger(epoch)) this.start(this.o.orderOf(epoch), 0, draw + 1, true);
    } else if (draw === undefined && this.o.repeat) {
      this.start(null, 0, undefined, true);
    }
  }
}

/**
 * A network whose input is a ready [T, B, F] tensor. It reuses a built network's layers and decoder
 * (so weights, saveWeights and loadWeights are shared) with an encoder that hands back the staged
 * frames; the network's own [B, F] argument is then only a shape check.
 */
export class FrameInputNetwork {
  readonly net: Network;
  private staged: Float32Array | null = null;
  private zeros = new Float32Array(0);

  constructor(base: Network) {
    const encoder: Encoder = {
      kind: 'direct',
      binary: false,
      encode: (_x, batch, T) => {
        const s = this.staged;
        if (!s || s.length !== T * _x.length) throw new RangeError(`staged frames hold ${s?.length ?? 0} values, expected ${T} x ${batch} x ${_x.length / batch}`);
        return s;
      },
    };
    this.net = new Network(base.spec, base.layers, encoder, base.decoder, base.kernels, 0);
    // Same runtime noise stream (dropout) as the network it wraps.
    this.net.rng.setState(base.rng.getState());
  }

  /** xT: [T, B, F] frames. */
  forward(xT: Float32Array, batch: number, training: boolean): ReturnType<Network['forward']> {
    const F = this.net.spec.input.reduce((a, b) => a * b, 1);
    if (this.zeros.length !== batch * F) this.zeros = new Float32Array(batch * F);
    this.staged = xT;
    return this.net.forward(this.zeros, batch, training);
  }
}

/** The event data a run names, if any (older configs and MNIST presets have none). */
export function runEventData(config: RunConfig): EventDataRef | null {
  return config.data ?? null;
}
