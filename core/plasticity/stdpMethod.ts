/**
 * Pair and triplet STDP as lab TrainMethods ('stdp-pair', 'stdp-triplet'): unsupervised
 * receptive-field learning on a bars task. The input is a side x side grid of Poisson afferents;
 * stimulus k drives the k-th horizontal band of rows at `highRateHz` and every other afferent at
 * `lowRateHz`. A layer of current-based LIF neurons with lateral inhibition and an adaptive
 * threshold (θ += thetaPlus per spike, decaying with tauThetaMs, as in Diehl & Cook 2015) learns
 * the input weights with the chosen STDP rule; neurons end up selective for one band each, which
 * the receptive-field grid shows. settings.learningRate scales the rule's amplitudes (1 = the
 * amplitudes as given: A± for pair, the chosen Pfister & Gerstner set for triplet).
 *
 * Metrics (as Diehl & Cook): after each epoch every neuron is labelled with the stimulus it
 * answers most over `evalTrials` presentations of each (learning off), and accuracy is measured
 * on `evalTrials` fresh presentations of each, predicting the label of the most active neuron.
 * A trial is one 200 ms presentation with learning on; loss = 1 − (spikes of the most active
 * neuron / all spikes), the non-selective share of the response (1 when silent); trainAccuracy
 * uses the labels of the last evaluation (null before the first).
 */
import type { RunConfig } from '../api/contract';
import type { MethodInfo } from '../api/contractMethods';
import { optionInfos } from '../train/methodCatalog';
import { MethodError, parseOptions, rawMethodOptions, type OptionTable, type OptionValues } from '../train/methodKit';
import type { TrainMethod } from '../train/types';
import { Rng } from '../snn/rng';
import { PairStdpSynapses } from './pairStdp';
import { epochPermutation, histogram, receptiveFields, runRuleEpochs, type RuleHost, type StateArray } from './ruleLoop';
import { TRIPLET_PARAMETER_SETS, tripletParams, TripletStdpSynapses, type TripletParameterSet } from './tripletStdp';

export const BARS_TASK_OPTIONS = {
  side: { rule: { kind: 'number', default: 8, min: 2, max: 28, integer: true }, doc: 'The input is a side x side grid of afferents.' },
  patterns: { rule: { kind: 'number', default: 4, min: 2, max: 28, integer: true }, doc: 'Stimuli: horizontal bands of side/patterns rows (must divide side).' },
  neurons: { rule: { kind: 'number', default: 4, min: 1, max: 400, integer: true }, doc: 'Learning neurons.' },
  trialsPerEpoch: { rule: { kind: 'number', default: 100, min: 1, max: 100000, integer: true }, doc: 'Presentations per epoch.' },
  evalTrials: { rule: { kind: 'number', default: 5, min: 1, max: 1000, integer: true }, doc: 'Presentations per stimulus for labelling and for testing.' },
  highRateHz: { rule: { kind: 'number', default: 40, min: 0, max: 1000 }, doc: 'Rate of the afferents of the shown band (Hz).' },
  lowRateHz: { rule: { kind: 'number', default: 2, min: 0, max: 1000 }, doc: 'Rate of every other afferent (Hz).' },
  inhibition: { rule: { kind: 'number', default: 1, min: 0, max: 100 }, doc: 'A spike lowers every other neuron\'s potential by this much (threshold 1).' },
  thetaPlus: { rule: { kind: 'number', default: 0.05, min: 0, max: 10 }, doc: 'Adaptive threshold increment per spike.' },
  tauThetaMs: { rule: { kind: 'number', default: 20000, min: 1, max: 1e8 }, doc: 'Decay time of the adaptive threshold (ms of presentation time).' },
  normSum: { rule: { kind: 'number', default: 0, min: 0, max: 1e6 }, doc: 'After each presentation scale every neuron\'s input weights to this sum (Diehl & Cook); 0 = off.' },
} as const satisfies OptionTable;

export const STDP_PAIR_OPTIONS = {
  ...BARS_TASK_OPTIONS,
  aPlus: { rule: { kind: 'number', default: 0.01, min: 0, max: 1 }, doc: 'Potentiation amplitude A+.' },
  aMinus: { rule: { kind: 'number', default: 0.0105, min: 0, max: 1 }, doc: 'Depression amplitude A−.' },
  tauPlus: { rule: { kind: 'number', default: 20, min: 0.1, max: 1000 }, doc: 'Potentiation window τ+ (ms).' },
  tauMinus: { rule: { kind: 'number', default: 20, min: 0.1, max: 1000 }, doc: 'Depression window τ− (ms).' },
  form: { rule: { kind: 'enum', default: 'additive', values: ['additive', 'multiplicative', 'van-rossum'] }, doc: 'Weight dependence (Gütig et al. 2003; van Rossum et al. 2000).' },
  pairing: { rule: { kind: 'enum', default: 'all-to-all', values: ['all-to-all', 'nearest'] }, doc: 'Which spike pairs interact.' },
} as const satisfies OptionTable;

export const STDP_TRIPLET_OPTIONS = {
  ...BARS_TASK_OPTIONS,
  // The triplet rule potentiates only above a postsynaptic rate (about 19 Hz for the minimal
  // visual-cortex set), so its defaults drive the neurons harder than the pair rule's.
  highRateHz: { rule: { kind: 'number', default: 80, min: 0, max: 1000 }, doc: BARS_TASK_OPTIONS.highRateHz.doc },
  thetaPlus: { rule: { kind: 'number', default: 0.01, min: 0, max: 10 }, doc: BARS_TASK_OPTIONS.thetaPlus.doc },
  normSum: { rule: { kind: 'number', default: 16, min: 0, max: 1e6 }, doc: BARS_TASK_OPTIONS.normSum.doc },
  parameterSet: { rule: { kind: 'enum', default: 'visual-cortex-minimal-all-to-all', values: Object.keys(TRIPLET_PARAMETER_SETS) }, doc: 'Published Pfister & Gerstner (2006) fit.' },
} as const satisfies OptionTable;

const SONG_2000 = 'Song, Miller & Abbott, "Competitive Hebbian learning through spike-timing-dependent synaptic plasticity", Nat. Neurosci. 3:919, 2000';

export const STDP_PAIR_INFO: MethodInfo = {
  name: 'stdp-pair',
  title: 'Pair STDP (unsupervised receptive fields)',
  family: 'plasticity',
  description: 'Pair-based STDP on the input weights of a small winner-take-all layer with adaptive thresholds; the neurons become selective for one bar each. Task: horizontal bars of Poisson input.',
  references: [SONG_2000, 'Gütig, Aharonov, Rotter & Sompolinsky, "Learning input correlations through nonlinear temporally asymmetric Hebbian plasticity", J. Neurosci. 23:3697, 2003'],
  options: optionInfos(STDP_PAIR_OPTIONS),
  presets: [],
};

export const STDP_TRIPLET_INFO: MethodInfo = {
  name: 'stdp-triplet',
  title: 'Triplet STDP (unsupervised receptive fields)',
  family: 'plasticity',
  description: 'The same bars task learned with the triplet rule of Pfister & Gerstner, whose potentiation grows with the postsynaptic rate; the published parameter sets are selectable.',
  references: ['Pfister & Gerstner, "Triplets of spikes in a model of spike timing-dependent plasticity", J. Neurosci. 26:9673, 2006', SONG_2000],
  options: optionInfos(STDP_TRIPLET_OPTIONS),
  presets: [],
};

interface Synapses {
  readonly w: Float64Array;
  preSpike(i: number, t: number): void;
  postSpike(j: number, t: number): void;
  resetTraces(): void;
}

export type BarsTaskValues = OptionValues<typeof BARS_TASK_OPTIONS>;

const TRIAL_MS = 200;

/** The learning layer of the bars task: the task feeds it input spikes step by step and counts its spikes. */
export interface BarsLayer {
  readonly neurons: number;
  readonly dtMs: number;
  /** Row-major [inputs, neurons] weights (receptive fields, histogram). */
  weights(): ArrayLike<number>;
  beginTrial(learn: boolean): void;
  /** One step at time t with `n` inputs spiking (`pre[0..n)`); returns the neuron that fired, or −1. */
  step(t: number, pre: Int32Array, n: number, learn: boolean): number;
  endTrial(learn: boolean): void;
  state(): { weights: StateArray[]; extra: StateArray[] };
  restore(a: Map<string, Float64Array>): void;
}

/** Current-based LIF neurons (τm 10 ms, τs 5 ms, threshold 1 + θ) learning with an event-driven STDP rule. */
function lifLayer(o: BarsTaskValues, syn: Synapses, rng: Rng): BarsLayer {
  const nIn = o.side * o.side;
  const N = o.neurons;
  const dt = 0.5;
  // Random initial weights break the symmetry between neurons.
  for (let k = 0; k < syn.w.length; k++) syn.w[k] = 0.1 + 0.3 * rng.next();
  const theta = new Float64Array(N);
  const v = new Float64Array(N);
  const cur = new Float64Array(N);
  const dM = Math.exp(-dt / 10);
  const dS = Math.exp(-dt / 5);
  // Rules whose potentiation grows with the postsynaptic rate (triplet) run away without it: the
  // most active neuron potentiates fastest. A fixed total turns potentiation into redistribution.
  const normalise = (): void => {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let i = 0; i < nIn; i++) sum += syn.w[i * N + j];
      if (sum <= 0) continue;
      const f = o.normSum / sum;
      for (let i = 0; i < nIn; i++) syn.w[i * N + j] = Math.min(1, syn.w[i * N + j] * f);
    }
  };
  return {
    neurons: N,
    dtMs: dt,
    weights: () => syn.w,
    beginTrial(learn) {
      v.fill(0);
      cur.fill(0);
      if (learn) syn.resetTraces();
    },
    step(t, pre, n, learn) {
      for (let k = 0; k < n; k++) {
        const i = pre[k];
        for (let j = 0; j < N; j++) cur[j] += syn.w[i * N + j];
        if (learn) syn.preSpike(i, t);
      }
      let fired = -1;
      for (let j = 0; j < N; j++) {
        cur[j] *= dS;
        v[j] = v[j] * dM + (1 - dM) * cur[j];
        if (v[j] >= 1 + theta[j] && (fired < 0 || v[j] - theta[j] > v[fired] - theta[fired])) fired = j;
      }
      // One winner per step: the neuron furthest above its threshold fires and inhibits the rest.
      if (fired >= 0) {
        v[fired] = 0;
        for (let j = 0; j < N; j++) if (j !== fired) v[j] -= o.inhibition;
        if (learn) {
          theta[fired] += o.thetaPlus;
          syn.postSpike(fired, t);
        }
      }
      return fired;
    },
    endTrial(learn) {
      if (!learn) return;
      const decay = Math.exp(-TRIAL_MS / o.tauThetaMs);
      for (let j = 0; j < N; j++) theta[j] *= decay;
      if (o.normSum > 0) normalise();
    },
    state: () => ({ weights: [{ name: 'input_exc.weight', shape: [nIn, N], data: syn.w }], extra: [{ name: 'exc.theta', shape: [N], data: theta }] }),
    restore(a) {
      syn.w.set(a.get('input_exc.weight') as Float64Array);
      theta.set(a.get('exc.theta') as Float64Array);
    },
  };
}

/** The bars task around a learning layer (see the module comment for the protocol and metrics). */
export function barsHost(method: string, config: RunConfig, o: BarsTaskValues, layer: BarsLayer, rng: Rng): RuleHost {
  if (o.side % o.patterns !== 0) throw new MethodError('METHOD_OPTIONS', `${method}: option "patterns" (${o.patterns}) must divide "side" (${o.side})`);
  const s = config.settings;
  const nIn = o.side * o.side;
  const N = layer.neurons;
  const rowsPer = o.side / o.patterns;
  const labels = new Float64Array(N).fill(-1);
  let labelled = false;
  const dt = layer.dtMs;
  const steps = Math.round(TRIAL_MS / dt);
  const counts = new Float64Array(N);
  const pre = new Int32Array(nIn);
  const bandOf = Int32Array.from({ length: nIn }, (_, i) => Math.floor(Math.floor(i / o.side) / rowsPer));
  let spikesSeen = 0;
  let stepsSeen = 0;

  const present = (stim: number, learn: boolean): Float64Array => {
    counts.fill(0);
    layer.beginTrial(learn);
    const pHigh = (o.highRateHz * dt) / 1000;
    const pLow = (o.lowRateHz * dt) / 1000;
    for (let st = 0; st < steps; st++) {
      let n = 0;
      for (let i = 0; i < nIn; i++) if (rng.next() < (bandOf[i] === stim ? pHigh : pLow)) pre[n++] = i;
      const fired = layer.step(st * dt, pre, n, learn);
      if (fired >= 0) counts[fired]++;
    }
    layer.endTrial(learn);
    return counts;
  };

  const argmax = (c: Float64Array): number => {
    let b = 0;
    for (let j = 1; j < c.length; j++) if (c[j] > c[b]) b = j;
    return b;
  };

  let order = epochPermutation(0, s.seed, -1);
  let orderEpoch = -1;
  return {
    method,
    trialsPerEpoch: o.trialsPerEpoch,
    rng,
    learningRate: s.learningRate,
    trial(epoch, index) {
      if (epoch !== orderEpoch) {
        order = epochPermutation(o.trialsPerEpoch, s.seed, epoch);
        orderEpoch = epoch;
      }
      const stim = order[index] % o.patterns;
      const c = present(stim, true);
      let total = 0;
      for (let j = 0; j < N; j++) total += c[j];
      spikesSeen += total;
      stepsSeen += steps;
      const top = argmax(c);
      return { loss: total > 0 ? 1 - c[top] / total : 1, correct: labelled ? (total > 0 && labels[top] === stim ? 1 : 0) : null };
    },
    evaluate() {
      const resp = new Float64Array(o.patterns * N);
      for (let k = 0; k < o.patterns; k++) {
        for (let r = 0; r < o.evalTrials; r++) {
          const c = present(k, false);
          for (let j = 0; j < N; j++) resp[k * N + j] += c[j];
        }
      }
      for (let j = 0; j < N; j++) {
        let best = -1;
        let bestVal = 0;
        for (let k = 0; k < o.patterns; k++) if (resp[k * N + j] > bestVal) [best, bestVal] = [k, resp[k * N + j]];
        labels[j] = best;
      }
      labelled = true;
      let ok = 0;
      let loss = 0;
      for (let k = 0; k < o.patterns; k++) {
        for (let r = 0; r < o.evalTrials; r++) {
          const c = present(k, false);
          let total = 0;
          for (let j = 0; j < N; j++) total += c[j];
          const top = argmax(c);
          if (total > 0 && labels[top] === k) ok++;
          loss += total > 0 ? 1 - c[top] / total : 1;
        }
      }
      const n = o.patterns * o.evalTrials;
      return { accuracy: ok / n, loss: loss / n };
    },
    state() {
      const st = layer.state();
      return { weights: st.weights, extra: [...st.extra, { name: 'exc.labels', shape: [N], data: labels }] };
    },
    restore(a) {
      layer.restore(a);
      labels.set(a.get('exc.labels') as Float64Array);
      labelled = labels.some((x) => x >= 0);
    },
    snapshot() {
      const w = layer.weights();
      return { receptiveFields: receptiveFields(w, nIn, N, o.side, o.side), histogram: histogram('input_exc', w) };
    },
    firingRates() {
      const r = stepsSeen > 0 ? spikesSeen / (stepsSeen * N) : 0;
      spikesSeen = 0;
      stepsSeen = 0;
      return { exc: r };
    },
  };
}

export const trainStdpPair: TrainMethod = async (config, hooks, resume) => {
  const o = parseOptions('stdp-pair', STDP_PAIR_OPTIONS, rawMethodOptions(config));
  const lr = config.settings.learningRate;
  const syn = new PairStdpSynapses(o.side * o.side, o.neurons, { aPlus: o.aPlus * lr, aMinus: o.aMinus * lr, tauPlus: o.tauPlus, tauMinus: o.tauMinus, form: o.form as 'additive', pairing: o.pairing as 'nearest', wMin: 0, wMax: 1 });
  hooks.log(`stdp-pair: ${o.side}x${o.side} inputs, ${o.neurons} neurons, ${o.patterns} bars, ${o.form} ${o.pairing}`);
  const rng = new Rng(config.settings.seed);
  return runRuleEpochs(config, hooks, resume, barsHost('stdp-pair', config, o, lifLayer(o, syn, rng), rng));
};

export const trainStdpTriplet: TrainMethod = async (config, hooks, resume) => {
  const o = parseOptions('stdp-triplet', STDP_TRIPLET_OPTIONS, rawMethodOptions(config));
  const lr = config.settings.learningRate;
  const base = tripletParams(o.parameterSet as TripletParameterSet);
  const p = tripletParams(o.parameterSet as TripletParameterSet, { a2Plus: base.a2Plus * lr, a3Plus: base.a3Plus * lr, a2Minus: base.a2Minus * lr, a3Minus: base.a3Minus * lr, wMin: 0, wMax: 1 });
  const syn = new TripletStdpSynapses(o.side * o.side, o.neurons, p, 0);
  hooks.log(`stdp-triplet: ${o.side}x${o.side} inputs, ${o.neurons} neurons, ${o.patterns} bars, set ${o.parameterSet}`);
  const rng = new Rng(config.settings.seed);
  return runRuleEpochs(config, hooks, resume, barsHost('stdp-triplet', config, o, lifLayer(o, syn, rng), rng));
};
