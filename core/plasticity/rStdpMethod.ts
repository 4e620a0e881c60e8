/**
 * Reward-modulated STDP (Izhikevich 2007; baseline of Frémaux & Gerstner 2016) as a lab
 * TrainMethod ('rstdp') on the rewarded association task of rewardTask.ts: stimulus s (alternating
 * 0, 1, 0, ...) drives input group s; the reward is 1 when output s fires more than the other
 * output. settings.learningRate is η.
 *
 * Metrics: a trial is one stimulus presentation followed by its reward; loss = 1 − R (the trial's
 * missing reward), trainAccuracy = rewarded trials. Epoch records: accuracy and loss over
 * `evalTrials` presentations of each stimulus with learning off.
 */
import type { RunConfig } from '../api/contract';
import type { MethodInfo } from '../api/contractMethods';
import { optionInfos } from '../train/methodCatalog';
import { parseOptions, rawMethodOptions, type OptionTable } from '../train/methodKit';
import type { TrainMethod } from '../train/types';
import { RewardTask } from './rewardTask';
import { histogram, receptiveFields, runRuleEpochs, type RuleHost } from './ruleLoop';

export const RSTDP_OPTIONS = {
  inputsPerGroup: { rule: { kind: 'number', default: 20, min: 1, max: 1000, integer: true }, doc: 'Inputs per stimulus group (2 groups).' },
  trialsPerEpoch: { rule: { kind: 'number', default: 200, min: 2, max: 100000, integer: true }, doc: 'Rewarded trials per epoch.' },
  evalTrials: { rule: { kind: 'number', default: 20, min: 1, max: 10000, integer: true }, doc: 'Test presentations per stimulus after each epoch.' },
  trialMs: { rule: { kind: 'number', default: 200, min: 10, max: 5000 }, doc: 'Length of a trial (ms).' },
  tauE: { rule: { kind: 'number', default: 1000, min: 1, max: 100000 }, doc: 'Eligibility-trace time constant τ_e (ms).' },
  inhibition: { rule: { kind: 'number', default: 2, min: 0, max: 100 }, doc: 'Lateral inhibition between the two outputs.' },
  noise: { rule: { kind: 'number', default: 0.05, min: 0, max: 10 }, doc: 'Gaussian current noise per step, so both outputs explore.' },
} as const satisfies OptionTable;

export const RSTDP_INFO: MethodInfo = {
  name: 'rstdp',
  title: 'Reward-modulated STDP (R-STDP)',
  family: 'plasticity',
  description: 'STDP writes into eligibility traces instead of weights; a scalar reward minus its running baseline turns them into weight changes. Task: two stimuli, two outputs, reward when the stimulus\' own output fires more.',
  references: [
    'Izhikevich, "Solving the distal reward problem through linkage of STDP and dopamine signaling", Cereb. Cortex 17:2443, 2007',
    'Frémaux & Gerstner, "Neuromodulated spike-timing-dependent plasticity, and theory of three-factor learning rules", Front. Neural Circuits 9:85, 2016',
  ],
  options: optionInfos(RSTDP_OPTIONS),
  presets: [],
};

export const trainRStdp: TrainMethod = async (config: RunConfig, hooks, resume) => {
  const o = parseOptions('rstdp', RSTDP_OPTIONS, rawMethodOptions(config));
  const s = config.settings;
  const task = new RewardTask({ inputsPerGroup: o.inputsPerGroup, trialMs: o.trialMs, inhibition: o.inhibition, noise: o.noise, rule: { learningRate: s.learningRate, tauE: o.tauE } }, s.seed);
  const nIn = 2 * o.inputsPerGroup;
  hooks.log(`rstdp: 2 x ${o.inputsPerGroup} inputs, 2 outputs, ${o.trialsPerEpoch} trials per epoch`);
  const host: RuleHost = {
    method: 'rstdp',
    trialsPerEpoch: o.trialsPerEpoch,
    rng: task.rng,
    learningRate: s.learningRate,
    trial(_epoch, index) {
      const ok = task.trial((index % 2) as 0 | 1, true);
      return { loss: ok ? 0 : 1, correct: ok ? 1 : 0 };
    },
    evaluate() {
      let ok = 0;
      for (let k = 0; k < 2 * o.evalTrials; k++) if (task.trial((k % 2) as 0 | 1, false)) ok++;
      const accuracy = ok / (2 * o.evalTrials);
      return { accuracy, loss: 1 - accuracy };
    },
    state: () => ({ weights: [{ name: 'input_out.weight', shape: [nIn, 2], data: task.syn.w }], extra: [{ name: 'baseline', shape: [task.syn.baseline.length], data: task.syn.baseline }] }),
    restore(a) {
      task.syn.w.set(a.get('input_out.weight') as Float64Array);
      task.syn.baseline.set(a.get('baseline') as Float64Array);
    },
    snapshot: () => ({
      // One map per output: row g holds the weights from input group g.
      receptiveFields: receptiveFields(task.syn.w, nIn, 2, 2, o.inputsPerGroup),
      histogram: histogram('input_out', task.syn.w),
    }),
  };
  return runRuleEpochs(config, hooks, resume, host);
};
