/**
 * SpikeProp (Bohte, Kok & La Poutré 2002) as a lab TrainMethod ('spikeprop') on their temporally
 * encoded XOR (Table 1: inputs 0/6 ms plus a bias at 0 ms, output target 10 ms for true, 16 ms for
 * false), network 3-hidden-1 with 16 delayed terminals per connection. A trial is one batch update
 * over the four patterns; settings.learningRate is η for sgd/momentum (RProp adapts its own steps).
 *
 * Metrics: loss = E = ½ Σ (t_o − t_o^d)² over the four patterns (ms², silent outputs counted at
 * tMax), measured before the update; accuracy = patterns whose output spike is nearer its own
 * target than the other class's. Batch records carry no per-trial accuracy (null); epoch records
 * measure both after the epoch.
 */
import type { RunConfig } from '../api/contract';
import type { MethodInfo } from '../api/contractMethods';
import { optionInfos } from '../train/methodCatalog';
import { parseOptions, rawMethodOptions, type OptionTable } from '../train/methodKit';
import type { TrainMethod } from '../train/types';
import { Rng } from '../snn/rng';
import { decimate, histogram, runRuleEpochs, type RuleHost, type StateArray } from './ruleLoop';
import { SPIKEPROP_XOR, SpikePropNetwork, type SpikePropOptimizer } from './spikeProp';

export const SPIKEPROP_OPTIONS = {
  hidden: { rule: { kind: 'number', default: 5, min: 2, max: 100, integer: true }, doc: 'Hidden neurons (the first is inhibitory).' },
  optimizer: { rule: { kind: 'enum', default: 'rprop', values: ['rprop', 'momentum', 'sgd'] }, doc: 'Weight update: iRprop−, momentum or plain gradient descent.' },
  initScale: { rule: { kind: 'number', default: 0.15, min: 0.001, max: 10 }, doc: 'Initial weights uniform in [0, scale] (negative for the inhibitory neuron).' },
  trialsPerEpoch: { rule: { kind: 'number', default: 50, min: 1, max: 100000, integer: true }, doc: 'Batch updates per epoch.' },
  tMax: { rule: { kind: 'number', default: 40, min: 20, max: 1000 }, doc: 'Simulation horizon (ms); a neuron silent by then has no spike.' },
  scanStep: { rule: { kind: 'number', default: 0.2, min: 0.01, max: 2 }, doc: 'Step of the threshold-crossing scan (ms), refined by bisection.' },
} as const satisfies OptionTable;

export const SPIKEPROP_INFO: MethodInfo = {
  name: 'spikeprop',
  title: 'SpikeProp',
  family: 'supervised-temporal',
  description: 'Error backpropagation on spike times: each neuron fires once, and ∂t/∂w follows from the slope of the membrane potential at the threshold crossing. Task: the temporally encoded XOR of the paper.',
  references: ['Bohte, Kok & La Poutré, "Error-backpropagation in temporally encoded networks of spiking neurons", Neurocomputing 48:17, 2002'],
  options: optionInfos(SPIKEPROP_OPTIONS),
  presets: [],
};

export const trainSpikeProp: TrainMethod = async (config: RunConfig, hooks, resume) => {
  const o = parseOptions('spikeprop', SPIKEPROP_OPTIONS, rawMethodOptions(config));
  const s = config.settings;
  const X = SPIKEPROP_XOR.inputs;
  const Y = SPIKEPROP_XOR.targets;
  const rng = new Rng(s.seed);
  const net = new SpikePropNetwork({ layers: [3, o.hidden, 1], optimizer: o.optimizer as SpikePropOptimizer, learningRate: s.learningRate, tMax: o.tMax, scanStep: o.scanStep }, rng, o.initScale);
  hooks.log(`spikeprop: XOR, 3-${o.hidden}-1, ${o.optimizer}`);
  const classify = (): number => {
    let ok = 0;
    X.forEach((x, n) => {
      const t = net.forward(x)[2][0];
      const own = Y[n][0];
      const other = own === 10 ? 16 : 10;
      if (!Number.isNaN(t) && Math.abs(t - own) < Math.abs(t - other)) ok++;
    });
    return ok / X.length;
  };
  const arrays = (): StateArray[] => net.stateArrays().flatMap((g) => g.arrays.map((a, l) => ({ name: `${g.name}${l + 1}`, shape: [a.length], data: a })));
  let shown = 0;
  const host: RuleHost = {
    method: 'spikeprop',
    trialsPerEpoch: o.trialsPerEpoch,
    rng,
    learningRate: s.learningRate,
    trial(_epoch, index) {
      shown = index % X.length;
      return { loss: net.trainEpoch(X, Y), correct: null };
    },
    evaluate: () => ({ loss: net.error(X, Y), accuracy: classify() }),
    state() {
      const all = arrays();
      return { weights: all.filter((a) => a.name.startsWith('w')), extra: all.filter((a) => !a.name.startsWith('w')) };
    },
    restore(m) {
      for (const a of arrays()) a.data.set(m.get(a.name) as Float64Array);
    },
    snapshot() {
      const dt = 0.1;
      const { voltage, times } = net.outputTrace(X[shown], dt);
      const tr = decimate(voltage, dt);
      const out = times[2][0];
      const all = net.w.flatMap((w) => Array.from(w));
      return { histogram: histogram('all', all), trace: { dtMs: tr.dtMs, voltage: tr.values, threshold: net.p.threshold, outputSpikesMs: Number.isNaN(out) ? [] : [out], targetSpikesMs: [Y[shown][0]] } };
    },
  };
  return runRuleEpochs(config, hooks, resume, host);
};
