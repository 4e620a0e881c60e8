/**
 * The epoch loop shared by the small plasticity methods (tempotron, resume, spikeprop, stdp-pair,
 * stdp-triplet, rstdp, clopath): an epoch is `trialsPerEpoch` learning trials, a batch record
 * follows every `reportEvery` trials, and every epoch ends with an evaluation (plasticity off), an
 * epoch record and a checkpoint. Pause/stop are honoured between batches as in the lab's other
 * methods, and a resumed run continues from the checkpoint's epoch and batch with the RNG state.
 *
 * Checkpoints: `weights` holds the rule's tensors as float32 (what a viewer reads); the exact
 * float64 state the rules compute in (weights, momenta, optimiser steps) goes into the `optimizer`
 * file, each value split into three float32 parts whose sum restores it (safetensors here is F32
 * only), so a resumed run follows the uninterrupted one.
 */
import type { MetricRecord, PlasticitySnapshot, RunConfig } from '../api/contract';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../snn/safetensors';
import { Rng } from '../snn/rng';
import type { CheckpointState, TrainHooks, TrainResult } from '../train/types';
import { PlasticityError } from './errors';

/** One named piece of the rule's state, in the precision it is computed in. */
export interface StateArray {
  name: string;
  shape: number[];
  data: Float64Array;
}

export interface TrialOutcome {
  /** The rule's loss for this trial (meaning documented per method). */
  loss: number;
  /** 1 when the trial counts as correct, else 0; null where the rule has no per-trial correctness. */
  correct: number | null;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

export interface RuleHost {
  method: string;
  trialsPerEpoch: number;
  rng: Rng;
  /** Reported as MetricRecord.learningRate. */
  learningRate: number;
  /** One learning trial; `index` is the trial within the epoch. */
  trial(epoch: number, index: number): TrialOutcome;
  /** The whole task with plasticity off. */
  evaluate(): Evaluation;
  /** Weights (shown, float32 in the checkpoint) and the rest of the state needed to resume. */
  state(): { weights: StateArray[]; extra: StateArray[] };
  restore(arrays: Map<string, Float64Array>): void;
  /** A plasticity snapshot of the current state (receptive fields, histogram, trace). */
  snapshot(): Omit<PlasticitySnapshot, 'runId' | 'epoch' | 'step'>;
  /** Mean firing rates (spikes per neuron per step) by layer since the last call, where the rule has layers. */
  firingRates?(): Record<string, number>;
}

function toF32(a: StateArray): NamedTensor {
  return { name: a.name, shape: a.shape, data: Float32Array.from(a.data) };
}

/**
 * x = hi + mid + lo with each part a float32: hi and mid carry 24 bits each and the remainder of a
 * 53-bit mantissa fits lo, so the sum restores x for any value in float32's normal range.
 */
function split3(a: StateArray): NamedTensor {
  const n = a.data.length;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const x = a.data[i];
    const hi = Math.fround(x);
    const r = x - hi;
    const mid = Math.fround(r);
    out[i] = hi;
    out[n + i] = mid;
    out[2 * n + i] = Math.fround(r - mid);
  }
  return { name: a.name, shape: [3, n], data: out };
}

function join3(parts: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = parts[i] + parts[n + i] + parts[2 * n + i];
  return out;
}

export function encodeRuleState(method: string, host: RuleHost): { weights: Uint8Array; optimizer: Uint8Array } {
  const s = host.state();
  return {
    weights: encodeSafetensors(s.weights.map(toF32), { method }),
    optimizer: encodeSafetensors([...s.weights, ...s.extra].map(split3), { method, encoding: 'float64-split3' }),
  };
}

export function decodeRuleState(method: string, host: RuleHost, optimizer: Uint8Array): void {
  const decoded = decodeSafetensors(optimizer);
  if (decoded.metadata.encoding !== 'float64-split3' || decoded.metadata.method !== method) {
    throw new PlasticityError('BAD_INPUT', `Checkpoint was not written by the ${method} method (metadata ${JSON.stringify(decoded.metadata)})`);
  }
  const want = host.state();
  const arrays = new Map<string, Float64Array>();
  for (const a of [...want.weights, ...want.extra]) {
    const t = decoded.tensors.get(a.name);
    if (!t || t.data.length !== a.data.length * 3) throw new PlasticityError('BAD_INPUT', `Checkpoint lacks "${a.name}" of ${a.data.length} values for ${method}`);
    arrays.set(a.name, join3(t.data, a.data.length));
  }
  host.restore(arrays);
}

/** Equal-width histogram of the values (the panel's weight histogram). */
export function histogram(layer: string, values: ArrayLike<number>, bins = 30): NonNullable<PlasticitySnapshot['histogram']> {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    lo = Number.isFinite(lo) ? lo - 0.5 : 0;
    hi = lo + 1;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor((values[i] - lo) / width))]++;
  return { layer, edges, counts };
}

/**
 * Maps of `count` neurons' incoming weights, each rows x cols, from a row-major [inputs, neurons]
 * matrix; at most `maxMaps` neurons, evenly spaced, so a 400-neuron layer sends 100 maps.
 */
export function receptiveFields(w: ArrayLike<number>, inputs: number, neurons: number, rows: number, cols: number, maxMaps = 100): NonNullable<PlasticitySnapshot['receptiveFields']> {
  if (rows * cols !== inputs) throw new PlasticityError('BAD_INPUT', `Receptive fields of ${rows}x${cols} need ${rows * cols} inputs, the layer has ${inputs}`);
  const count = Math.min(neurons, maxMaps);
  const data = new Array<number>(count * inputs);
  let min = Infinity;
  let max = -Infinity;
  for (let m = 0; m < count; m++) {
    const j = Math.floor((m * neurons) / count);
    for (let i = 0; i < inputs; i++) {
      const v = w[i * neurons + j];
      data[m * inputs + i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { rows, cols, count, data, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/** Runs the epochs of a rule under the lab's hooks (see the module comment). */
export async function runRuleEpochs(config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null, host: RuleHost): Promise<TrainResult> {
  const st = config.settings;
  const reportEvery = Math.max(1, Math.min(st.batchSize, host.trialsPerEpoch));
  const stepsPerEpoch = Math.ceil(host.trialsPerEpoch / reportEvery);
  let epoch = 0;
  let step = 0;
  let best: number | null = null;
  let last: number | null = null;
  let elapsedBase = 0;
  if (resume) {
    decodeRuleState(host.method, host, resume.optimizer);
    const words = [0, 1, 2, 3].map((i) => resume.extra[`rng${i}`]);
    if (!words.every((x) => typeof x === 'number')) throw new PlasticityError('BAD_INPUT', `${host.method}: checkpoint lacks the RNG state`);
    host.rng.setState(words as number[]);
    epoch = resume.epoch;
    step = resume.step;
    best = resume.bestTestAccuracy;
    last = typeof resume.extra.lastTest === 'number' ? resume.extra.lastTest : null;
    elapsedBase = typeof resume.extra.elapsedMs === 'number' ? resume.extra.elapsedMs : 0;
    hooks.log(`${host.method}: resuming at epoch ${epoch + 1}, batch ${step}`);
  }
  const t0 = Date.now();
  const elapsed = (): number => elapsedBase + (Date.now() - t0);
  const checkpoint = (): CheckpointState => {
    const r = host.rng.getState();
    const { weights, optimizer } = encodeRuleState(host.method, host);
    return { epoch, step, weights, optimizer, extra: { rng0: r[0], rng1: r[1], rng2: r[2], rng3: r[3], elapsedMs: elapsed(), method: host.method, lastTest: last }, bestTestAccuracy: best };
  };
  const emitSnapshot = (): void => {
    if (hooks.wantPlasticity()) hooks.plasticity({ ...host.snapshot(), epoch, step });
  };
  let rates: Record<string, number> = {};
  while (epoch < st.epochs) {
    let eCorrect = 0;
    let eScored = 0;
    let eSeen = 0;
    const eStart = Date.now();
    for (; step < stepsPerEpoch; ) {
      if ((await hooks.control()) === 'stop') {
        await hooks.checkpoint(checkpoint());
        return { stopped: true, epochsDone: epoch, finalTestAccuracy: last, bestTestAccuracy: best, weights: encodeRuleState(host.method, host).weights };
      }
      const wStart = Date.now();
      let loss = 0;
      let correct = 0;
      let scored = 0;
      const end = Math.min(host.trialsPerEpoch, (step + 1) * reportEvery);
      const n = end - step * reportEvery;
      for (let k = step * reportEvery; k < end; k++) {
        const o = host.trial(epoch, k);
        loss += o.loss;
        if (o.correct !== null) {
          correct += o.correct;
          scored++;
        }
      }
      eCorrect += correct;
      eScored += scored;
      eSeen += n;
      const secs = (Date.now() - wStart) / 1000;
      rates = host.firingRates?.() ?? {};
      const rec: MetricRecord = { kind: 'batch', epoch, step, stepsPerEpoch, elapsedMs: elapsed(), loss: loss / n, trainAccuracy: scored ? correct / scored : null, testAccuracy: null, learningRate: host.learningRate, samplesPerSecond: secs > 0 ? n / secs : null, firingRates: rates };
      hooks.metric(rec);
      step++;
      emitSnapshot();
    }
    const trainMs = Date.now() - eStart;
    const ev = host.evaluate();
    last = ev.accuracy;
    if (best === null || last > best) best = last;
    hooks.metric({ kind: 'epoch', epoch, step: stepsPerEpoch, stepsPerEpoch, elapsedMs: elapsed(), loss: ev.loss, trainAccuracy: eScored ? eCorrect / eScored : null, testAccuracy: last, learningRate: host.learningRate, samplesPerSecond: trainMs > 0 ? (eSeen * 1000) / trainMs : null, firingRates: rates });
    if (hooks.wantPlasticity()) hooks.plasticity({ ...host.snapshot(), epoch, step: stepsPerEpoch });
    epoch++;
    step = 0;
    await hooks.checkpoint(checkpoint());
  }
  return { stopped: false, epochsDone: epoch, finalTestAccuracy: last, bestTestAccuracy: best, weights: encodeRuleState(host.method, host).weights };
}

/** A permutation of 0..n-1 fixed by (seed, epoch), so a run resumed mid-epoch sees the same order. */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  const rng = new Rng(((seed * 7919) ^ (epoch * 104729 + 1)) >>> 0);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  for (let k = n - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    const t = order[k];
    order[k] = order[j];
    order[j] = t;
  }
  return order;
}

/** Every k-th sample so a trace has at most maxPoints points; returns the samples and their spacing. */
export function decimate(values: readonly number[], dtMs: number, maxPoints = 1000): { values: number[]; dtMs: number } {
  const k = Math.max(1, Math.ceil(values.length / maxPoints));
  if (k === 1) return { values: [...values], dtMs };
  const out: number[] = [];
  for (let i = 0; i < values.length; i += k) out.push(values[i]);
  return { values: out, dtMs: dtMs * k };
}
