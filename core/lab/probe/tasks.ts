/**
 * Task functions of the probe domain, run in worker threads by core/lab/tasks.ts: one test sample
 * through a run's network with every neuron layer recorded (core/snn/network.ts SampleRecorder).
 */
import { readFileSync } from 'node:fs';
import { ApiError, type RunConfig } from '../../api/contract';
import type { LayerProbe, ProbeResult } from '../../api/contractProbe';
import { DatasetError } from '../../data/idx';
import { buildNetwork } from '../../snn/build';
import { getKernels } from '../../snn/kernels/index';
import { mostActiveNeurons, SampleRecorder, WeightsError, type LayerRecord, type Network } from '../../snn/network';
import { loadMnistDataset } from '../../train/bptt';
import { DEFAULT_VALIDATION_FRACTION, FrameInputNetwork, loadEventSplits } from '../../train/eventData';

/** Membrane traces picked when the request names none. */
export const DEFAULT_TRACES = 4;

export interface ProbeTaskArgs {
  config: RunConfig;
  /** Absolute path of the safetensors weights to load. */
  weightsPath: string;
  sample: number;
  traceNeurons: number[];
  maxEventsPerLayer: number;
}

export type ProbeTaskResult = Omit<ProbeResult, 'runId' | 'checkpoint' | 'checkpoints' | 'hasFinal'>;

/** Up to `max` of the nonzero entries of a [T, n] buffer as (t, id) events, evenly spaced over all of them. */
export function rasterOf(data: Float32Array, T: number, max: number): { times: number[]; ids: number[]; total: number; truncated: boolean } {
  const n = T > 0 ? data.length / T : 0;
  let total = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) total++;
  const keepEvery = total > max ? total / max : 1;
  const times: number[] = [];
  const ids: number[] = [];
  let k = 0;
  let next = 0;
  for (let i = 0; i < data.length && times.length < max; i++) {
    if (data[i] === 0) continue;
    // Even decimation keeps the raster's shape over all T; keeping the earliest would blank late steps.
    if (k >= next) {
      times.push(Math.floor(i / n));
      ids.push(i % n);
      next += keepEvery;
    }
    k++;
  }
  return { times, ids, total, truncated: total > times.length };
}

function layerProbe(r: LayerRecord, traceNeurons: readonly number[], max: number): LayerProbe {
  const T = r.timesteps;
  const n = T > 0 ? r.output.length / T : 0;
  const rates = new Array<number>(n).fill(0);
  let raster = { times: [] as number[], ids: [] as number[], total: 0, truncated: false };
  if (r.spiking) {
    for (let i = 0; i < r.output.length; i++) if (r.output[i] !== 0) rates[i % n] += r.output[i];
    for (let i = 0; i < n; i++) rates[i] /= T;
    raster = rasterOf(r.output, T, max);
  }
  let chosen = traceNeurons.filter((i) => i < n);
  if (chosen.length === 0) {
    if (r.spiking) {
      // Rank by the full count, not the decimated raster.
      const order = rates.map((v, i) => [v, i] as const).filter(([v]) => v > 0).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, DEFAULT_TRACES).map(([, i]) => i);
      chosen = mostActiveNeurons(order, n, DEFAULT_TRACES);
    } else chosen = Array.from({ length: Math.min(n, 10) }, (_, i) => i);
  }
  const membrane = r.membrane
    ? chosen.map((neuron) => {
        const values = new Array<number>(T);
        for (let t = 0; t < T; t++) values[t] = (r.membrane as Float32Array)[t * n + neuron];
        return { neuron, values };
      })
    : [];
  return { name: r.name, shape: r.shape, neurons: n, timesteps: T, spiking: r.spiking, threshold: r.threshold, times: raster.times, ids: raster.ids, totalSpikes: raster.total, truncated: raster.truncated, rates, membrane };
}

/** [height, width] of a grey picture of an input of this shape, or null when it has no 2-D layout. */
export function imageShapeOf(shape: readonly number[]): [number, number] | null {
  if (shape.length === 3) return [shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1]];
  if (shape.length === 1) {
    const s = Math.round(Math.sqrt(shape[0]));
    return s * s === shape[0] && s > 1 ? [s, s] : null;
  }
  return null;
}

/** Sums channels (and, for frames, time) into an [h, w] picture scaled to 0..1. */
function greyImage(values: ArrayLike<number>, steps: number, shape: readonly number[]): number[] | null {
  const hw = imageShapeOf(shape);
  if (!hw) return null;
  const pixels = hw[0] * hw[1];
  const F = shape.reduce((a, b) => a * b, 1);
  const img = new Array<number>(pixels).fill(0);
  for (let t = 0; t < steps; t++) for (let f = 0; f < F; f++) img[f % pixels] += values[t * F + f];
  let max = 0;
  for (const v of img) max = Math.max(max, v);
  return max > 0 ? img.map((v) => v / max) : img;
}

interface Staged {
  net: Network;
  forward: () => ReturnType<Network['forward']>;
  label: number;
  /** The sample before encoding, for the picture: [steps, F]. */
  raw: Float32Array;
  rawSteps: number;
}

async function stage(a: ProbeTaskArgs, base: Network): Promise<Staged> {
  const { config, sample } = a;
  const spec = base.spec;
  const F = spec.input.reduce((x, y) => x * y, 1);
  if (config.data) {
    // Same split rule as training (a function of the seed); only the first sample+1 are read.
    const d = await loadEventSplits(config.data, { timesteps: spec.timesteps, input: spec.input, validationFraction: DEFAULT_VALIDATION_FRACTION, seed: config.settings.seed, trainLimit: 0, testLimit: sample + 1 });
    if (d.test.count <= sample) throw new ApiError('NOT_FOUND', `sample ${sample} does not exist: the run's test split of ${config.data.path} has ${d.test.count} samples`);
    const T = spec.timesteps;
    const frames = new Float32Array(T * F);
    for (let i = 0; i < T * F; i++) frames[i] = d.test.frames[sample * T * F + i];
    const framed = new FrameInputNetwork(base);
    return { net: framed.net, forward: () => framed.forward(frames, 1, false), label: d.test.labels[sample], raw: frames, rawSteps: T };
  }
  const d = await loadMnistDataset('test', sample + 1);
  if (d.count <= sample) throw new ApiError('NOT_FOUND', `sample ${sample} does not exist: the ${config.dataset} test set has ${d.count} samples`);
  if (d.features !== F) throw new ApiError('CONFLICT', `run model takes ${F} inputs but ${config.dataset} samples have ${d.features}`);
  const x = new Float32Array(F);
  for (let f = 0; f < F; f++) x[f] = d.images[sample * F + f] / 255;
  return { net: base, forward: () => base.forward(x, 1, false), label: d.labels[sample], raw: x, rawSteps: 1 };
}

function readWeights(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    // A running run prunes old checkpoints; the one chosen may be gone by the time it is read.
    throw new ApiError('NOT_FOUND', `weights file ${path} cannot be read: ${(err as Error).message}`);
  }
}

/** Runs sample `a.sample` of the run's test data through its network and records every neuron layer. */
export async function probeSample(a: ProbeTaskArgs): Promise<ProbeTaskResult> {
  const spec = { ...a.config.model, timesteps: a.config.settings.timesteps };
  const base = buildNetwork(spec, { kernels: getKernels().kernels, seed: a.config.settings.seed });
  try {
    base.loadWeights(readWeights(a.weightsPath));
  } catch (err) {
    if (err instanceof WeightsError) throw new ApiError('CONFLICT', `weights ${a.weightsPath} do not fit the run's model: ${err.message}`);
    throw err;
  }
  let staged: Staged;
  try {
    staged = await stage(a, base);
  } catch (err) {
    if (err instanceof DatasetError) throw new ApiError('DATASET_INVALID', err.message);
    throw err;
  }
  const recorder = new SampleRecorder(0);
  staged.net.setRecorder(recorder);
  const out = staged.forward();
  staged.net.setRecorder(null);
  const scores = Array.from(out.scores.subarray(0, out.classes));
  let predicted = 0;
  for (let c = 1; c < scores.length; c++) if (scores[c] > scores[predicted]) predicted = c;
  const input = recorder.input;
  if (!input) throw new ApiError('INTERNAL', 'the forward recorded no input');
  const T = spec.timesteps;
  const inRaster = rasterOf(input.data, T, a.maxEventsPerLayer);
  return {
    sample: a.sample,
    label: staged.label,
    predicted,
    scores,
    timesteps: T,
    input: {
      shape: input.shape,
      binary: input.binary,
      times: inRaster.times,
      ids: inRaster.ids,
      truncated: inRaster.truncated,
      image: greyImage(staged.raw, staged.rawSteps, spec.input),
      imageShape: imageShapeOf(spec.input),
    },
    layers: recorder.layers.map((r) => layerProbe(r, a.traceNeurons, a.maxEventsPerLayer)),
  };
}
