/**
 * Event-camera data as a training source for the BPTT trainer: an event dataset folder (any layout
 * core/data recognises, or a `file,label` CSV) is cut into T time-bin frames per sample (Tonic's
 * ToFrame n_time_bins rule, 2 polarity channels) and fed to the network one frame per time step.
 *
 * The trainer's networks take analog [B, F] input and encode it into [T, B, F]; frames already
 * are that [T, B, F] tensor, so `FrameInputNetwork` stages the batch in an encoder that returns it
 * as is. Frames are read once and kept as bytes (N-MNIST: T·2·34·34 bytes a sample, 23 MB for 1000
 * samples at T = 10): epochs then cost no parsing.
 */
import type { EventDataRef, RunConfig } from '../api/contract';
import { DatasetError } from '../data/idx';
import { EventSampleReader, scanEventDataset, type EventDatasetIndex, type EventSample } from '../data/eventDatasets';
import { shuffled, splitSamples } from '../data/eventLoader';
import { toFrames } from '../data/transforms/toFrame';
import type { Encoder } from '../snn/encoders';
import { Network } from '../snn/network';
import type { Rng } from '../snn/rng';

export type { EventDataRef };

/** Frames of many samples, uint8 counts (clipped at 255), sample-major [count, T, F]. */
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
  timesteps: number;
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

/** Reads and frames the given samples (sequentially: the reader caches one recording). */
export async function loadFrames(index: EventDatasetIndex, samples: readonly EventSample[], timesteps: number, input: readonly number[]): Promise<FrameDataset> {
  const [P, H, W] = frameShape(input, index.root);
  const F = P * H * W;
  const reader = new EventSampleReader(index);
  const frames = new Uint8Array(samples.length * timesteps * F);
  const labels = new Uint8Array(samples.length);
  let maxLabel = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!(s.label >= 0 && s.label < 256)) throw new DatasetError(s.file, `label ${s.label} is outside 0..255`);
    labels[i] = s.label;
    maxLabel = Math.max(maxLabel, s.label);
    const ev = await reader.read(s);
    if (ev.width !== W || ev.height !== H) throw new DatasetError(s.file, `sensor is ${ev.width}x${ev.height} but the model expects ${W}x${H}`);
    if (ev.t.length === 0) continue; // an empty recording is an all-zero sample
    const f = toFrames(ev, { timeBins: timesteps, polarities: P as 1 | 2 });
    const steps = Math.min(timesteps, f.shape[0]);
    const base = i * timesteps * F;
    for (let k = 0; k < steps * F; k++) {
      const v = f.data[k];
      frames[base + k] = v > 255 ? 255 : v;
    }
  }
  return { frames, labels, count: samples.length, timesteps, features: F, frameShape: [P, H, W], classes: Math.max(index.classes.length, maxLabel + 1) };
}

/**
 * Train and validation sets: the dataset's own split where it has one (N-MNIST Train/Test, a CSV
 * `split` column naming both), else a seeded stratified hold-out of `validationFraction`.
 */
export async function loadEventSplits(ref: EventDataRef, o: EventSplitOptions): Promise<{ train: FrameDataset; test: FrameDataset; index: EventDatasetIndex }> {
  const index = scanForModel(ref, o.input);
  const hasBoth = index.samples.some((s) => s.split === 'train') && index.samples.some((s) => s.split === 'test');
  const split = splitSamples(index.samples, { testFraction: o.validationFraction, seed: o.seed, ignoreFileSplit: !hasBoth });
  // splitSamples groups by class; shuffle so a limit keeps every class (training order is reshuffled per epoch anyway).
  const train = shuffled(split.train, o.seed ^ 0x51ed).slice(0, o.trainLimit ?? undefined);
  const test = shuffled(split.test, o.seed ^ 0x7e57).slice(0, o.testLimit ?? undefined);
  const [tr, te] = [await loadFrames(index, train, o.timesteps, o.input), await loadFrames(index, test, o.timesteps, o.input)];
  return { train: tr, test: te, index };
}

/** Every labelled sample of a folder (evaluation). */
export async function loadEventAll(ref: EventDataRef, timesteps: number, input: readonly number[]): Promise<FrameDataset> {
  const index = scanForModel(ref, input);
  return loadFrames(index, index.samples, timesteps, input);
}

/**
 * Batch in the network's time-major layout [T, B, F]; counts pass as they are (a pixel that fired
 * twice in a bin drives the first layer twice as hard), order null = stored order.
 */
export function gatherFrameBatch(d: FrameDataset, order: ArrayLike<number> | null, start: number, end: number, shift?: FrameShift): { x: Float32Array; y: Uint8Array } {
  const B = end - start;
  const T = d.timesteps;
  const F = d.features;
  const x = new Float32Array(T * B * F);
  const y = new Uint8Array(B);
  for (let b = 0; b < B; b++) {
    const idx = order ? order[start + b] : start + b;
    y[b] = d.labels[idx];
    if (shift && shift.max > 0) {
      const dx = shift.rng.int(2 * shift.max + 1) - shift.max;
      const dy = shift.rng.int(2 * shift.max + 1) - shift.max;
      for (let t = 0; t < T; t++) copyShifted(d, (idx * T + t) * F, x, (t * B + b) * F, dx, dy);
      continue;
    }
    for (let t = 0; t < T; t++) {
      const src = (idx * T + t) * F;
      const dst = (t * B + b) * F;
      for (let f = 0; f < F; f++) x[dst + f] = d.frames[src + f];
    }
  }
  return { x, y };
}

/**
 * Random translation of whole samples (same offset for every step and polarity), the usual
 * augmentation for N-MNIST-sized training sets: the saccade recordings put the digit at slightly
 * different places anyway, so a few pixels of shift adds plausible samples rather than noise.
 */
export interface FrameShift {
  rng: Rng;
  /** Largest offset in pixels along each axis. */
  max: number;
}

function copyShifted(d: FrameDataset, src: number, x: Float32Array, dst: number, dx: number, dy: number): void {
  const [P, H, W] = d.frameShape;
  for (let p = 0; p < P; p++) {
    for (let yy = Math.max(0, dy); yy < Math.min(H, H + dy); yy++) {
      const s = src + (p * H + yy - dy) * W - dx;
      const o = dst + (p * H + yy) * W;
      for (let xx = Math.max(0, dx); xx < Math.min(W, W + dx); xx++) x[o + xx] = d.frames[s + xx];
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
