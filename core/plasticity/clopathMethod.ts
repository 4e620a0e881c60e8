/**
 * Voltage-based STDP (Clopath et al. 2010) as a lab TrainMethod ('clopath') on the bars task of
 * stdpMethod.ts: AdEx neurons with Clopath's spike after-current and adaptive threshold receive
 * the bars as exponentially decaying input currents (w · inputPa per input spike, τs 5 ms) and
 * inhibit each other (inhibitionPa per spike); each neuron's input weights follow the rule (LTD at
 * presynaptic spikes from ū−, LTP from x̄ · [u − θ+] · [ū+ − θ−]), which needs no spike pairing:
 * the membrane voltage carries the timing. settings.learningRate scales A_LTP and A_LTD. Each
 * neuron's weights are scaled to sum `normSum` after every presentation (on by default: without
 * it, or with Clopath's homeostasis instead, this task either saturated every weight at wMax or
 * fell silent in our runs).
 * Metrics as for stdp-pair (labelling and test by the most active neuron).
 */
import type { RunConfig } from '../api/contract';
import type { MethodInfo } from '../api/contractMethods';
import { optionInfos } from '../train/methodCatalog';
import { parseOptions, rawMethodOptions, type OptionTable } from '../train/methodKit';
import type { TrainMethod } from '../train/types';
import { Rng } from '../snn/rng';
import { AdexNeuron } from './adex';
import { ClopathSynapses } from './clopath';
import { runRuleEpochs } from './ruleLoop';
import { BARS_TASK_OPTIONS, barsHost, type BarsLayer, type BarsTaskValues } from './stdpMethod';

export const CLOPATH_OPTIONS = {
  ...BARS_TASK_OPTIONS,
  inputPa: { rule: { kind: 'number', default: 250, min: 0, max: 100000 }, doc: 'Synaptic current per input spike at weight 1 (pA).' },
  inhibitionPa: { rule: { kind: 'number', default: 1500, min: 0, max: 100000 }, doc: 'Current a spike subtracts from every other neuron (pA).' },
  wMax: { rule: { kind: 'number', default: 3, min: 0.01, max: 100 }, doc: 'Upper weight bound (Clopath: 3).' },
  uRefSquared: { rule: { kind: 'number', default: 0, min: 0, max: 10000 }, doc: 'Homeostasis: A_LTD scaled by ū²/u_ref² (mV²); 0 = off.' },
  normSum: { rule: { kind: 'number', default: 48, min: 0, max: 1e6 }, doc: BARS_TASK_OPTIONS.normSum.doc },
} as const satisfies OptionTable;

export const CLOPATH_INFO: MethodInfo = {
  name: 'clopath',
  title: 'Voltage-based STDP (Clopath)',
  family: 'plasticity',
  description: 'Plasticity from the postsynaptic membrane voltage and a presynaptic trace, on AdEx neurons: depression when a presynaptic spike meets a depolarised low-pass voltage, potentiation while the voltage is high. Task: the bars of stdp-pair.',
  references: ['Clopath, Büsing, Vasilaki & Gerstner, "Connectivity reflects coding: a model of voltage-based STDP with homeostasis", Nat. Neurosci. 13:344, 2010'],
  options: optionInfos(CLOPATH_OPTIONS),
  presets: [],
};

const TAU_S = 5;

function clopathLayer(o: BarsTaskValues & { inputPa: number; inhibitionPa: number; wMax: number; uRefSquared: number }, lr: number, rng: Rng): BarsLayer {
  const nIn = o.side * o.side;
  const N = o.neurons;
  const dt = 0.25;
  const neurons = Array.from({ length: N }, () => new AdexNeuron());
  const syn = neurons.map(() => new ClopathSynapses(nIn, { aLtp: 8e-5 * lr, aLtd: 14e-5 * lr, wMax: o.wMax, uRefSquared: o.uRefSquared > 0 ? o.uRefSquared : null }, 1));
  for (const s of syn) for (let i = 0; i < nIn; i++) s.w[i] = 0.5 + rng.next();
  const cur = new Float64Array(N);
  const dS = Math.exp(-dt / TAU_S);
  const combined = new Float64Array(nIn * N);
  const uMean = new Float64Array(N);
  // The per-neuron weight vectors as one row-major [inputs, neurons] matrix, like the other rules'.
  const combinedWeights = (): Float64Array => {
    for (let j = 0; j < N; j++) for (let i = 0; i < nIn; i++) combined[i * N + j] = syn[j].w[i];
    return combined;
  };
  return {
    neurons: N,
    dtMs: dt,
    weights: combinedWeights,
    beginTrial() {
      cur.fill(0);
      for (let j = 0; j < N; j++) {
        const n = neurons[j];
        n.u = n.p.eL;
        n.wAd = 0;
        n.z = 0;
        n.vT = n.p.vTRest;
        syn[j].uMinus = n.p.eL;
        syn[j].uPlus = n.p.eL;
        syn[j].xBar.fill(0);
      }
    },
    step(_t, pre, n, learn) {
      const active = pre.subarray(0, n);
      let fired = -1;
      for (let j = 0; j < N; j++) {
        const w = syn[j].w;
        for (let k = 0; k < n; k++) cur[j] += w[active[k]] * o.inputPa;
        if (learn) syn[j].step(dt, neurons[j].u, active);
        if (neurons[j].step(dt, cur[j]) && fired < 0) fired = j;
        cur[j] *= dS;
      }
      if (fired >= 0) for (let j = 0; j < N; j++) if (j !== fired) cur[j] -= o.inhibitionPa;
      return fired;
    },
    endTrial(learn) {
      // Without a fixed total the LTP term saturates every weight at wMax (measured on this task);
      // normalising after each presentation turns it into redistribution, as in Diehl & Cook.
      if (!learn || o.normSum <= 0) return;
      for (const sj of syn) {
        let sum = 0;
        for (let i = 0; i < nIn; i++) sum += sj.w[i];
        if (sum <= 0) continue;
        const f = o.normSum / sum;
        for (let i = 0; i < nIn; i++) sj.w[i] = Math.min(o.wMax, sj.w[i] * f);
      }
    },
    state() {
      for (let j = 0; j < N; j++) uMean[j] = syn[j].uMean;
      return { weights: [{ name: 'input_exc.weight', shape: [nIn, N], data: Float64Array.from(combinedWeights()) }], extra: [{ name: 'exc.uMean', shape: [N], data: uMean }] };
    },
    restore(a) {
      const w = a.get('input_exc.weight') as Float64Array;
      const m = a.get('exc.uMean') as Float64Array;
      for (let j = 0; j < N; j++) {
        for (let i = 0; i < nIn; i++) syn[j].w[i] = w[i * N + j];
        syn[j].uMean = m[j];
      }
    },
  };
}

export const trainClopath: TrainMethod = async (config: RunConfig, hooks, resume) => {
  const o = parseOptions('clopath', CLOPATH_OPTIONS, rawMethodOptions(config));
  const rng = new Rng(config.settings.seed);
  hooks.log(`clopath: ${o.side}x${o.side} inputs, ${o.neurons} AdEx neurons, ${o.patterns} bars`);
  return runRuleEpochs(config, hooks, resume, barsHost('clopath', config, o, clopathLayer(o, config.settings.learningRate, rng), rng));
};
