/**
 * A small rewarded association task for R-STDP: two input groups, two current-based LIF output
 * neurons. Stimulus s drives input group s at a high Poisson rate (the other group at a low
 * rate); the trial is rewarded (R = 1, else 0) when output neuron s fires more than the other one.
 * Nothing tells the synapses which output is "right" except the scalar reward after the trial.
 *
 * One shared baseline (contexts = 1) by default: with a baseline per stimulus, a network whose
 * same output wins for both stimuli sees R − b → 0 in each context (always right for one, always
 * wrong for the other) and stops learning; a shared b ≈ 0.5 keeps punishing the wrong half.
 * Measured: 6/6 seeds reach 100 % with one baseline, 4/6 with two, after 600 trials.
 */
import { Rng } from '../snn/rng';
import { RStdpSynapses, type RStdpParams } from './rStdp';

export interface RewardTaskOptions {
  inputsPerGroup: number;
  highRateHz: number;
  lowRateHz: number;
  trialMs: number;
  dtMs: number;
  tauM: number;
  tauS: number;
  threshold: number;
  /** Gaussian current noise (std per step), so both outputs explore. */
  noise: number;
  /** Lateral inhibition: a spike of one output lowers the other's potential by this much, so the
   * outputs compete and the reward credits mostly the winner's synapses. */
  inhibition: number;
  rule: Partial<RStdpParams>;
}

export const REWARD_TASK_DEFAULTS: RewardTaskOptions = {
  inputsPerGroup: 20,
  highRateHz: 40,
  lowRateHz: 2,
  trialMs: 200,
  dtMs: 0.5,
  tauM: 10,
  tauS: 5,
  threshold: 1,
  noise: 0.05,
  inhibition: 2,
  rule: { learningRate: 0.1, tauE: 1000, contexts: 1, aPlus: 1, aMinus: 1.05, wMax: 1 },
};

export class RewardTask {
  readonly o: RewardTaskOptions;
  readonly syn: RStdpSynapses;
  readonly rng: Rng;

  constructor(opts: Partial<RewardTaskOptions> = {}, seed = 1) {
    this.o = { ...REWARD_TASK_DEFAULTS, ...opts, rule: { ...REWARD_TASK_DEFAULTS.rule, ...opts.rule } };
    this.rng = new Rng(seed);
    this.syn = new RStdpSynapses(2 * this.o.inputsPerGroup, 2, this.o.rule, 0);
    // Random initial weights: the initial policy is a coin toss.
    for (let k = 0; k < this.syn.w.length; k++) this.syn.w[k] = 0.2 + 0.3 * this.rng.next();
  }

  /** Runs one trial of stimulus s (0 or 1); with learn, delivers the reward. Returns whether it was correct. */
  trial(stimulus: 0 | 1, learn: boolean): boolean {
    const o = this.o;
    const nIn = 2 * o.inputsPerGroup;
    const steps = Math.round(o.trialMs / o.dtMs);
    const dM = Math.exp(-o.dtMs / o.tauM);
    const dS = Math.exp(-o.dtMs / o.tauS);
    const v = [0, 0];
    const cur = [0, 0];
    const counts = [0, 0];
    this.syn.newTrial();
    for (let s = 0; s < steps; s++) {
      const t = s * o.dtMs;
      for (let i = 0; i < nIn; i++) {
        const rate = Math.floor(i / o.inputsPerGroup) === stimulus ? o.highRateHz : o.lowRateHz;
        if (this.rng.next() < (rate * o.dtMs) / 1000) {
          cur[0] += this.syn.w[i * 2];
          cur[1] += this.syn.w[i * 2 + 1];
          if (learn) this.syn.preSpike(i, t);
        }
      }
      const fired = [false, false];
      for (let j = 0; j < 2; j++) {
        cur[j] *= dS;
        v[j] = v[j] * dM + (1 - dM) * cur[j] + o.noise * this.rng.normal();
        if (v[j] >= o.threshold) {
          v[j] = 0;
          fired[j] = true;
          counts[j]++;
          if (learn) this.syn.postSpike(j, t);
        }
      }
      if (fired[0] && !fired[1]) v[1] -= o.inhibition;
      if (fired[1] && !fired[0]) v[0] -= o.inhibition;
    }
    const correct = counts[stimulus] > counts[1 - stimulus];
    if (learn) this.syn.reward(correct ? 1 : 0, o.trialMs, this.syn.p.contexts > 1 ? stimulus : 0);
    return correct;
  }
}
