/**
 * ReSuMe (Ponulak & Kasiński 2010) as a lab TrainMethod ('resume'): one LIF neuron driven by a
 * fixed Poisson pattern (generated from the seed) learns to fire at the target times `targetMs`.
 * settings.learningRate is η. A trial is one presentation with learning on.
 *
 * Metrics: loss = the van Rossum (2001) distance between output and target trains (exponential
 * kernel, τ = vanRossumMs; 0 when they coincide, √(n/2) for n spikes far from any other); accuracy = target
 * spikes matched by an output spike within toleranceMs (each output used once) divided by
 * max(#output, #target), so extra output spikes count against it; trainAccuracy counts a trial as
 * correct when that is 1. Epoch records measure both on a presentation with learning off.
 */
import type { RunConfig } from '../api/contract';
import type { MethodInfo } from '../api/contractMethods';
import { optionInfos } from '../train/methodCatalog';
import { MethodError, parseOptions, rawMethodOptions, type OptionTable } from '../train/methodKit';
import type { TrainMethod } from '../train/types';
import { Rng } from '../snn/rng';
import { ResumeNeuron } from './resume';
import { decimate, histogram, runRuleEpochs, type RuleHost } from './ruleLoop';
import { poissonPattern } from './spikePattern';

export const RESUME_OPTIONS = {
  afferents: { rule: { kind: 'number', default: 200, min: 1, max: 10000, integer: true }, doc: 'Poisson input afferents.' },
  inputRateHz: { rule: { kind: 'number', default: 10, min: 0.1, max: 1000 }, doc: 'Rate of every input afferent (Hz).' },
  durationMs: { rule: { kind: 'number', default: 200, min: 1, max: 5000 }, doc: 'Length of a presentation (ms).' },
  targetMs: { rule: { kind: 'numbers', default: [40, 90, 130, 170], min: 0 }, doc: 'Target output spike times (ms), inside the presentation.' },
  trialsPerEpoch: { rule: { kind: 'number', default: 100, min: 1, max: 100000, integer: true }, doc: 'Learning presentations per epoch.' },
  toleranceMs: { rule: { kind: 'number', default: 2, min: 0.1, max: 100 }, doc: 'An output spike this close to a target spike matches it.' },
  vanRossumMs: { rule: { kind: 'number', default: 10, min: 0.1, max: 1000 }, doc: 'Kernel time constant of the van Rossum distance (the loss).' },
  a: { rule: { kind: 'number', default: 0.05, min: 0, max: 10 }, doc: 'Non-Hebbian term a of the ReSuMe rule.' },
  tauL: { rule: { kind: 'number', default: 5, min: 0.1, max: 1000 }, doc: 'Learning-window time constant τ_L (ms).' },
} as const satisfies OptionTable;

export const RESUME_INFO: MethodInfo = {
  name: 'resume',
  title: 'ReSuMe (remote supervised method)',
  family: 'supervised-temporal',
  description: 'A LIF neuron learns to emit a target spike train: every target spike potentiates and every output spike depresses each synapse by a + A·(its input trace). Task: a fixed Poisson input pattern and a target train.',
  references: ['Ponulak & Kasiński, "Supervised learning in spiking neural networks with ReSuMe: sequence learning, classification, and spike shifting", Neural Comput. 22:467, 2010'],
  options: optionInfos(RESUME_OPTIONS),
  presets: [],
};

/** van Rossum distance with an exponential kernel of time constant tau (closed form). */
export function vanRossum(a: readonly number[], b: readonly number[], tau: number): number {
  const k = (x: readonly number[], y: readonly number[]): number => {
    let s = 0;
    for (const u of x) for (const v of y) s += Math.exp(-Math.abs(u - v) / tau);
    return s;
  };
  return Math.sqrt(Math.max(0, (k(a, a) + k(b, b) - 2 * k(a, b)) / 2));
}

/** Fraction of target spikes matched within tol by distinct output spikes, over max(#out, #target). */
export function matchedFraction(out: readonly number[], target: readonly number[], tol: number): number {
  const n = Math.max(out.length, target.length);
  if (n === 0) return 1;
  const used = new Array<boolean>(out.length).fill(false);
  let hits = 0;
  for (const t of target) {
    let best = -1;
    for (let k = 0; k < out.length; k++) if (!used[k] && Math.abs(out[k] - t) <= tol && (best < 0 || Math.abs(out[k] - t) < Math.abs(out[best] - t))) best = k;
    if (best >= 0) {
      used[best] = true;
      hits++;
    }
  }
  return hits / n;
}

export const trainResume: TrainMethod = async (config: RunConfig, hooks, resume) => {
  const o = parseOptions('resume', RESUME_OPTIONS, rawMethodOptions(config));
  const bad = o.targetMs.find((t) => t >= o.durationMs);
  if (bad !== undefined) throw new MethodError('METHOD_OPTIONS', `resume: option "targetMs" has ${bad} ms, outside the ${o.durationMs} ms presentation`);
  const s = config.settings;
  const target = [...o.targetMs].sort((x, y) => x - y);
  const input = poissonPattern(o.afferents, o.inputRateHz, o.durationMs, new Rng(s.seed));
  const rng = new Rng(s.seed + 1);
  const neuron = new ResumeNeuron({ nAfferents: o.afferents, learningRate: s.learningRate, a: o.a, tauL: o.tauL }, rng);
  hooks.log(`resume: ${o.afferents} afferents at ${o.inputRateHz} Hz, target [${target.join(', ')}] ms`);
  const score = (out: number[]): { loss: number; accuracy: number } => ({ loss: vanRossum(out, target, o.vanRossumMs), accuracy: matchedFraction(out, target, o.toleranceMs) });
  const host: RuleHost = {
    method: 'resume',
    trialsPerEpoch: o.trialsPerEpoch,
    rng,
    learningRate: s.learningRate,
    trial() {
      const r = score(neuron.run(input, o.durationMs, target));
      return { loss: r.loss, correct: r.accuracy === 1 ? 1 : 0 };
    },
    evaluate: () => score(neuron.run(input, o.durationMs)),
    state: () => ({ weights: [{ name: 'afferent.weight', shape: [o.afferents], data: neuron.w }], extra: [] }),
    restore(a) {
      neuron.w.set(a.get('afferent.weight') as Float64Array);
    },
    snapshot() {
      const v: number[] = [];
      const out = neuron.run(input, o.durationMs, undefined, v);
      const tr = decimate(v, neuron.p.dtMs);
      return { histogram: histogram('afferent', neuron.w), trace: { dtMs: tr.dtMs, voltage: tr.values, threshold: neuron.p.threshold, outputSpikesMs: out, targetSpikesMs: target } };
    },
  };
  return runRuleEpochs(config, hooks, resume, host);
};
