/**
 * Shared machinery of the non-BPTT training methods (conversion, ASF, ADM, single-spike, hybrid):
 * typed method options with validation (one table per method, also what the UI's method picker
 * shows), the split of a compiled network into "segments" (synaptic layers followed by one
 * activation), and an epoch loop that reports, checkpoints, pauses and resumes the way bptt.ts
 * does, so every method behaves the same towards the lab.
 */
import type { MetricRecord, RunConfig } from '../api/contract';
import type { Kernels } from '../snn/kernels/types';
import type { ForwardContext, Layer, Param, Tensor } from '../snn/layers/layer';
import { NeuronLayer } from '../snn/layers/neuron';
import { ReluLayer } from '../snn/layers/relu';
import type { Network } from '../snn/network';
import { Optimizer } from '../snn/optim';
import { epochOrder, gatherBatch, type Dataset } from './bptt';
import type { CheckpointState, TrainHooks, TrainResult } from './types';

// ---------------------------------------------------------------------------------------------
// Errors and options

export type MethodErrorCode = 'METHOD_OPTIONS' | 'METHOD_MODEL' | 'METHOD_IMPORT';

/** METHOD_OPTIONS: a hyperparameter is invalid; METHOD_MODEL: the model does not suit the method; METHOD_IMPORT: a pretrained file cannot be read. */
export class MethodError extends Error {
  constructor(
    readonly code: MethodErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MethodError';
  }
}

export type OptionRule =
  | { kind: 'number'; default: number; min?: number; max?: number; integer?: boolean }
  | { kind: 'enum'; default: string; values: readonly string[] }
  | { kind: 'bool'; default: boolean }
  | { kind: 'numbers'; default: readonly number[]; min?: number; integer?: boolean };

export interface OptionDef {
  rule: OptionRule;
  /** One line for the method picker. */
  doc: string;
}

export type OptionTable = Record<string, OptionDef>;

export type OptionValue<R extends OptionRule> = R extends { kind: 'number' } ? number : R extends { kind: 'enum' } ? string : R extends { kind: 'bool' } ? boolean : number[];
export type OptionValues<T extends OptionTable> = { [K in keyof T]: OptionValue<T[K]['rule']> };

/**
 * A RunConfig may carry `methodOptions` (CLI config files, the method picker); the contract's
 * RunConfig does not name it yet, so it is read structurally here.
 */
export function rawMethodOptions(config: RunConfig): Record<string, unknown> {
  const v: unknown = (config as RunConfig & { methodOptions?: unknown }).methodOptions;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new MethodError('METHOD_OPTIONS', `methodOptions must be an object, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  return v as Record<string, unknown>;
}

/** Validates raw options against a table; unknown keys and out-of-range values are errors that name the field. */
export function parseOptions<T extends OptionTable>(method: string, table: T, raw: Record<string, unknown>): OptionValues<T> {
  const out: Record<string, number | string | boolean | number[]> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in table)) throw new MethodError('METHOD_OPTIONS', `${method}: unknown option "${key}"; allowed: ${Object.keys(table).join(', ')}`);
  }
  for (const [key, def] of Object.entries(table)) {
    const v = raw[key];
    const r = def.rule;
    const bad = (what: string): never => {
      throw new MethodError('METHOD_OPTIONS', `${method}: option "${key}" expected ${what}, got ${JSON.stringify(v)}`);
    };
    if (v === undefined) {
      out[key] = Array.isArray(r.default) ? [...(r.default as number[])] : (r.default as number | string | boolean);
      continue;
    }
    switch (r.kind) {
      case 'number': {
        const range = `${r.integer ? 'an integer' : 'a number'}${r.min !== undefined ? ` >= ${r.min}` : ''}${r.max !== undefined ? ` <= ${r.max}` : ''}`;
        if (typeof v !== 'number' || !Number.isFinite(v) || (r.integer && !Number.isInteger(v))) bad(range);
        const n = v as number;
        if ((r.min !== undefined && n < r.min) || (r.max !== undefined && n > r.max)) bad(range);
        out[key] = n;
        break;
      }
      case 'enum':
        if (typeof v !== 'string' || !r.values.includes(v)) bad(`one of ${r.values.join(', ')}`);
        out[key] = v as string;
        break;
      case 'bool':
        if (typeof v !== 'boolean') bad('true or false');
        out[key] = v as boolean;
        break;
      case 'numbers': {
        const what = `a non-empty list of ${r.integer ? 'integers' : 'numbers'}${r.min !== undefined ? ` >= ${r.min}` : ''}`;
        if (!Array.isArray(v) || v.length === 0) bad(what);
        const list = v as unknown[];
        for (const x of list) if (typeof x !== 'number' || !Number.isFinite(x) || (r.integer && !Number.isInteger(x)) || (r.min !== undefined && x < r.min)) bad(what);
        out[key] = [...(list as number[])];
        break;
      }
    }
  }
  return out as OptionValues<T>;
}

// ---------------------------------------------------------------------------------------------
// Segments

/** Synaptic layers (dense, conv2d, pools, flatten, dropout, ...) and the activation that follows them (ReLU, spiking neuron), or none for the output. */
export interface Segment {
  synapses: Layer[];
  activation: ReluLayer | NeuronLayer | null;
  /** The one weighted (dense/conv2d) layer of the segment, whose weights normalisation rescales. */
  weighted: Layer | null;
}

const WEIGHTED = new Set(['dense', 'conv2d']);

/**
 * Splits a sequential network into segments. An output integrator (non-spiking neuron) ends the
 * output segment as its activation. Residual blocks are not supported by these methods.
 */
export function splitSegments(net: Network): Segment[] {
  const segs: Segment[] = [];
  let cur: Layer[] = [];
  let weighted: Layer | null = null;
  for (const l of net.layers) {
    if (l.type === 'residual') throw new MethodError('METHOD_MODEL', `layer "${l.name}": residual blocks are not supported by this method`);
    if (l instanceof ReluLayer || l instanceof NeuronLayer) {
      segs.push({ synapses: cur, activation: l, weighted });
      cur = [];
      weighted = null;
      continue;
    }
    if (WEIGHTED.has(l.type)) {
      if (weighted) throw new MethodError('METHOD_MODEL', `layers "${weighted.name}" and "${l.name}" have no activation between them; put a relu/neuron layer between weighted layers`);
      weighted = l;
    }
    cur.push(l);
  }
  if (cur.length) segs.push({ synapses: cur, activation: null, weighted });
  if (segs.length === 0) throw new MethodError('METHOD_MODEL', 'the model has no layers');
  return segs;
}

/** Runs a list of layers. */
export function runLayers(layers: readonly Layer[], x: Tensor, ctx: ForwardContext): Tensor {
  let h = x;
  for (const l of layers) h = l.forward(h, ctx);
  return h;
}

export function backLayers(layers: readonly Layer[], g: Tensor, ctx: ForwardContext): Tensor {
  let d = g;
  for (let i = layers.length - 1; i >= 0; i--) d = layers[i].backward(d, ctx);
  return d;
}

export function ctxOf(net: Network, training: boolean): ForwardContext {
  return { kernels: net.kernels, training, rng: net.rng };
}

export function weightOf(l: Layer): Param {
  const w = l.params().find((p) => p.name === `${l.name}.weight`);
  if (!w) throw new MethodError('METHOD_MODEL', `layer "${l.name}" has no weight`);
  return w;
}

export function biasOf(l: Layer): Param | null {
  return l.params().find((p) => p.name === `${l.name}.bias`) ?? null;
}

/** Copies parameter values by name from `from` into `to` (names that exist in both). Returns how many tensors were copied. */
export function copyParams(from: readonly Param[], to: readonly Param[]): number {
  const src = new Map(from.map((p) => [p.name, p]));
  let n = 0;
  for (const p of to) {
    const s = src.get(p.name);
    if (!s) continue;
    if (s.value.length !== p.value.length) throw new MethodError('METHOD_MODEL', `parameter "${p.name}" has ${s.value.length} values in the source and ${p.value.length} in the target`);
    p.value.set(s.value);
    n++;
  }
  return n;
}

export function argmax(v: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (v[offset + i] > v[offset + best]) best = i;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Epoch loop shared by ASF, ADM and single-spike

export interface StepOutcome {
  /** Batch-mean loss. */
  loss: number;
  correct: number;
  /** Spikes per neuron per step, by layer. */
  firingRates: Record<string, number>;
}

export interface EpochLoopSpec {
  method: string;
  config: RunConfig;
  hooks: TrainHooks;
  resume: CheckpointState | null;
  train: Dataset;
  test: Dataset;
  net: Network;
  opt: Optimizer;
  kernels: Kernels;
  reportEvery: number;
  /** One training step on a batch: forward, gradients into params' grad, NOT the optimiser step. */
  step(x: Float32Array, y: Uint8Array, B: number): StepOutcome;
  /** Test accuracy in [0, 1]. */
  evaluate(d: Dataset): number;
  /** Called before the optimiser step (e.g. learning-rate schedule). */
  beforeUpdate?(globalStep: number): void;
  /** Called after the optimiser step (e.g. clamping). */
  afterUpdate?(): void;
}

/**
 * Epochs over shuffled batches with pause/stop, batch and epoch metrics and checkpoints (weights,
 * optimiser state, runtime RNG, position), mirroring bptt.ts so resume is exact for every method.
 */
export async function runEpochs(s: EpochLoopSpec): Promise<TrainResult> {
  const { config, hooks, net, opt, train, test } = s;
  const st = config.settings;
  const stepsPerEpoch = Math.ceil(train.count / st.batchSize);
  let epoch = 0;
  let step = 0;
  let best: number | null = null;
  let elapsedBase = 0;
  if (s.resume) {
    net.loadWeights(s.resume.weights);
    opt.loadState(s.resume.optimizer);
    const words = [0, 1, 2, 3].map((i) => s.resume?.extra[`rng${i}`]);
    if (words.every((w) => typeof w === 'number')) net.rng.setState(words as number[]);
    epoch = s.resume.epoch;
    step = s.resume.step;
    best = s.resume.bestTestAccuracy;
    elapsedBase = typeof s.resume.extra.elapsedMs === 'number' ? s.resume.extra.elapsedMs : 0;
    hooks.log(`${s.method}: resuming at epoch ${epoch + 1}, batch ${step}`);
  }
  const t0 = Date.now();
  const elapsed = (): number => elapsedBase + (Date.now() - t0);
  const snapshot = (): CheckpointState => {
    const r = net.rng.getState();
    return { epoch, step, weights: net.saveWeights(), optimizer: opt.saveState(), extra: { rng0: r[0], rng1: r[1], rng2: r[2], rng3: r[3], elapsedMs: elapsed(), kernels: s.kernels.name, method: s.method }, bestTestAccuracy: best };
  };
  let last: number | null = null;
  while (epoch < st.epochs) {
    const order = epochOrder(train.count, st.seed, epoch);
    let wLoss = 0;
    let wCorrect = 0;
    let wSeen = 0;
    let eLoss = 0;
    let eCorrect = 0;
    let eSeen = 0;
    let rates: Record<string, number> = {};
    let wStart = Date.now();
    const eStart = Date.now();
    for (; step < stepsPerEpoch; ) {
      if ((await hooks.control()) === 'stop') {
        await hooks.checkpoint(snapshot());
        return { stopped: true, epochsDone: epoch, finalTestAccuracy: last, bestTestAccuracy: best, weights: net.saveWeights() };
      }
      const start = step * st.batchSize;
      const end = Math.min(train.count, start + st.batchSize);
      const B = end - start;
      const { x, y } = gatherBatch(train, order, start, end);
      opt.zeroGrad();
      const o = s.step(x, y, B);
      s.beforeUpdate?.(epoch * stepsPerEpoch + step);
      opt.step();
      s.afterUpdate?.();
      step++;
      wLoss += o.loss * B;
      wCorrect += o.correct;
      wSeen += B;
      eLoss += o.loss * B;
      eCorrect += o.correct;
      eSeen += B;
      rates = o.firingRates;
      if (step % s.reportEvery === 0 || step === stepsPerEpoch) {
        const secs = (Date.now() - wStart) / 1000;
        // The contract's batch index: the batch just completed, 0-based.
        const rec: MetricRecord = { kind: 'batch', epoch, step: step - 1, stepsPerEpoch, elapsedMs: elapsed(), loss: wLoss / wSeen, trainAccuracy: wCorrect / wSeen, testAccuracy: null, learningRate: opt.lr, samplesPerSecond: secs > 0 ? wSeen / secs : null, firingRates: rates };
        hooks.metric(rec);
        wStart = Date.now();
        wLoss = wCorrect = wSeen = 0;
      }
    }
    const trainMs = Date.now() - eStart;
    last = test.count > 0 ? s.evaluate(test) : null;
    if (last !== null && (best === null || last > best)) best = last;
    hooks.metric({ kind: 'epoch', epoch, step: stepsPerEpoch, stepsPerEpoch, elapsedMs: elapsed(), loss: eSeen ? eLoss / eSeen : 0, trainAccuracy: eSeen ? eCorrect / eSeen : null, testAccuracy: last, learningRate: opt.lr, samplesPerSecond: trainMs > 0 ? (eSeen * 1000) / trainMs : null, firingRates: rates });
    epoch++;
    step = 0;
    await hooks.checkpoint(snapshot());
  }
  return { stopped: false, epochsDone: epoch, finalTestAccuracy: last, bestTestAccuracy: best, weights: net.saveWeights() };
}
