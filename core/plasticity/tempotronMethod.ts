/**
 * The Tempotron (Gütig & Sompolinsky 2006) as a lab TrainMethod ('tempotron') on their random
 * latency task: `patternsPerClass` patterns per class (2 classes), each afferent firing once at a
 * uniform time in [0, durationMs), generated from the run's seed; class 1 must make the neuron
 * cross θ, class 0 must not. settings.learningRate is λ.
 *
 * Metrics: a trial is one pattern presentation. loss = the Tempotron cost of the trial, |θ − V(t_max)|
 * on an error and 0 when correct (their eq. 3); trainAccuracy = correct presentations while
 * learning. Epoch records: testAccuracy and loss over every pattern with its spike times jittered
 * by N(0, jitterMs) (jitterMs 0: the training patterns themselves, the capacity measure of the paper).
 */
import type { RunConfig } from '../api/contract';
import { optionInfos } from '../train/methodCatalog';
import { parseOptions, rawMethodOptions, type OptionTable } from '../train/methodKit';
import type { MethodInfo } from '../api/contractMethods';
import type { TrainMethod } from '../train/types';
import { Rng } from '../snn/rng';
import { decimate, epochPermutation, histogram, runRuleEpochs, type RuleHost } from './ruleLoop';
import { makePattern, randomLatencyPattern, type SpikePattern } from './spikePattern';
import { Tempotron } from './tempotron';

export const TEMPOTRON_OPTIONS = {
  afferents: { rule: { kind: 'number', default: 500, min: 1, max: 10000, integer: true }, doc: 'Input afferents, each firing once per pattern.' },
  patternsPerClass: { rule: { kind: 'number', default: 50, min: 1, max: 5000, integer: true }, doc: 'Random patterns per class (2 classes).' },
  durationMs: { rule: { kind: 'number', default: 500, min: 1, max: 10000 }, doc: 'Pattern length T (ms).' },
  tau: { rule: { kind: 'number', default: 15, min: 0.1, max: 1000 }, doc: 'Membrane time constant τ (ms).' },
  tauS: { rule: { kind: 'number', default: 3.75, min: 0.01, max: 1000 }, doc: 'Synaptic time constant τs (ms), below τ.' },
  momentum: { rule: { kind: 'number', default: 0.99, min: 0, max: 0.999 }, doc: 'Momentum μ of the weight steps.' },
  jitterMs: { rule: { kind: 'number', default: 0, min: 0, max: 100 }, doc: 'Test patterns: training patterns with spike times jittered by N(0, jitter) ms.' },
} as const satisfies OptionTable;

export const TEMPOTRON_INFO: MethodInfo = {
  name: 'tempotron',
  title: 'Tempotron',
  family: 'supervised-temporal',
  description: 'One LIF-kernel neuron learns to fire for one class of spike patterns and stay silent for the other; the weights move along the gradient of V at its maximum on errors. Task: random latency patterns generated from the seed.',
  references: ['Gütig & Sompolinsky, "The tempotron: a neuron that learns spike timing-based decisions", Nat. Neurosci. 9:420, 2006'],
  options: optionInfos(TEMPOTRON_OPTIONS),
  presets: [],
};

function jittered(p: SpikePattern, sigma: number, rng: Rng, durationMs: number): SpikePattern {
  if (sigma === 0) return p;
  const ev: Array<[number, number]> = [];
  for (let k = 0; k < p.time.length; k++) ev.push([p.afferent[k], Math.min(durationMs, Math.max(0, p.time[k] + sigma * rng.normal()))]);
  return makePattern(ev);
}

export const trainTempotron: TrainMethod = async (config: RunConfig, hooks, resume) => {
  const o = parseOptions('tempotron', TEMPOTRON_OPTIONS, rawMethodOptions(config));
  const s = config.settings;
  const data = new Rng(s.seed);
  const patterns: SpikePattern[] = [];
  const labels: boolean[] = [];
  for (let c = 0; c < 2; c++) {
    for (let k = 0; k < o.patternsPerClass; k++) {
      patterns.push(randomLatencyPattern(o.afferents, o.durationMs, data));
      labels.push(c === 1);
    }
  }
  const test = patterns.map((p) => jittered(p, o.jitterMs, data, o.durationMs));
  const rng = new Rng(s.seed + 1);
  const neuron = new Tempotron({ nAfferents: o.afferents, tau: o.tau, tauS: o.tauS, momentum: o.momentum, learningRate: s.learningRate }, rng);
  hooks.log(`tempotron: ${patterns.length} patterns of ${o.afferents} afferents over ${o.durationMs} ms`);
  let order = epochPermutation(patterns.length, s.seed, 0);
  let orderEpoch = 0;
  let shown = 0;
  const cost = (vMax: number, label: boolean, fired: boolean): number => (fired === label ? 0 : Math.abs(neuron.p.threshold - vMax));
  const host: RuleHost = {
    method: 'tempotron',
    trialsPerEpoch: patterns.length,
    rng,
    learningRate: s.learningRate,
    trial(epoch, index) {
      if (epoch !== orderEpoch) {
        order = epochPermutation(patterns.length, s.seed, epoch);
        orderEpoch = epoch;
      }
      const k = order[index];
      const r = neuron.respond(patterns[k]);
      neuron.train(patterns[k], labels[k]);
      shown = k;
      return { loss: cost(r.vMax, labels[k], r.fired), correct: r.fired === labels[k] ? 1 : 0 };
    },
    evaluate() {
      let correct = 0;
      let loss = 0;
      test.forEach((p, k) => {
        const r = neuron.respond(p);
        if (r.fired === labels[k]) correct++;
        loss += cost(r.vMax, labels[k], r.fired);
      });
      return { accuracy: correct / test.length, loss: loss / test.length };
    },
    state: () => ({ weights: [{ name: 'afferent.weight', shape: [o.afferents], data: neuron.w }], extra: [{ name: 'afferent.momentum', shape: [o.afferents], data: neuron.dw }] }),
    restore(a) {
      neuron.w.set(a.get('afferent.weight') as Float64Array);
      neuron.dw.set(a.get('afferent.momentum') as Float64Array);
    },
    snapshot() {
      const p = patterns[shown];
      const dt = 0.5;
      const raw = neuron.voltageTrace(p, dt, o.durationMs);
      const cross = raw.findIndex((v) => v >= neuron.p.threshold);
      const tr = decimate(raw, dt);
      const r = neuron.respond(p);
      return {
        histogram: histogram('afferent', neuron.w),
        // The Tempotron's output is a decision: its "spike" is the first crossing of θ, and the
        // target is a crossing (at the response maximum) for class 1, none for class 0.
        trace: { dtMs: tr.dtMs, voltage: tr.values, threshold: neuron.p.threshold, outputSpikesMs: cross >= 0 ? [cross * dt] : [], targetSpikesMs: labels[shown] ? [r.tMax] : [] },
      };
    },
  };
  return runRuleEpochs(config, hooks, resume, host);
};
