/**
 * Reward-modulated STDP (Izhikevich 2007, Cereb. Cortex 17:2443, eqs. 1-2; the baseline-corrected
 * form of Frémaux & Gerstner 2016, Front. Neural Circuits 9:85, eqs. 5-7). Pair STDP does not
 * change the weight; it writes into an eligibility trace per synapse,
 *
 *   de_ij/dt = −e_ij/τ_e + STDP(Δt) at every pre/post spike pairing,
 *
 * and a (possibly delayed) reward R turns that trace into a weight change
 *
 *   Δw_ij = η (R − b) e_ij,    b ← b + (R − b)/τ_b  (running mean of R per context).
 *
 * Subtracting the expected reward b makes the update an unbiased policy-gradient estimate: without
 * it, any reward > 0 would reinforce whatever the network did (Frémaux & Gerstner 2016, section 3).
 */
import { PlasticityError, requirePositive } from './errors';
import { clamp, PAIR_STDP_DEFAULTS, type PairStdpParams, validatePairStdp } from './pairStdp';
import { ExpTraces } from './traces';

export interface RStdpParams extends PairStdpParams {
  /** Eligibility time constant τ_e (ms); Izhikevich: 1000. */
  tauE: number;
  /** η */
  learningRate: number;
  /** τ_b in rewards: the baseline is a running mean over about this many trials. */
  baselineTrials: number;
  /** Separate baselines for this many contexts (e.g. one per stimulus). */
  contexts: number;
}

export const RSTDP_DEFAULTS: RStdpParams = {
  ...PAIR_STDP_DEFAULTS,
  aPlus: 1,
  aMinus: 1.05,
  tauE: 1000,
  learningRate: 0.01,
  baselineTrials: 10,
  contexts: 1,
};

export class RStdpSynapses {
  readonly p: RStdpParams;
  readonly w: Float64Array;
  readonly eligibility: Float64Array;
  readonly baseline: Float64Array;
  private readonly x: ExpTraces;
  private readonly y: ExpTraces;
  private tLast = 0;

  constructor(readonly nPre: number, readonly nPost: number, params: Partial<RStdpParams> = {}, initial = 0.5) {
    this.p = { ...RSTDP_DEFAULTS, ...params };
    validatePairStdp(this.p);
    requirePositive('tauE', this.p.tauE);
    requirePositive('baselineTrials', this.p.baselineTrials);
    if (!Number.isInteger(this.p.contexts) || this.p.contexts < 1) throw new PlasticityError('BAD_PARAMETER', `Expected a positive integer for contexts but received ${this.p.contexts}`);
    this.w = new Float64Array(nPre * nPost).fill(initial);
    this.eligibility = new Float64Array(nPre * nPost);
    this.baseline = new Float64Array(this.p.contexts);
    this.x = new ExpTraces(nPre, this.p.tauPlus);
    this.y = new ExpTraces(nPost, this.p.tauMinus);
  }

  /** Decays every eligibility trace to time t (all share τ_e, so one factor serves them all). */
  private advance(t: number): void {
    if (t < this.tLast) throw new PlasticityError('BAD_INPUT', `Events must come in time order: ${t} ms after ${this.tLast} ms`);
    if (t === this.tLast) return;
    const f = Math.exp(-(t - this.tLast) / this.p.tauE);
    for (let k = 0; k < this.eligibility.length; k++) this.eligibility[k] *= f;
    this.tLast = t;
  }

  preSpike(i: number, t: number): void {
    this.advance(t);
    for (let j = 0; j < this.nPost; j++) this.eligibility[i * this.nPost + j] -= this.p.aMinus * this.y.read(j, t);
    this.x.spike(i, t, this.p.pairing);
  }

  postSpike(j: number, t: number): void {
    this.advance(t);
    for (let i = 0; i < this.nPre; i++) this.eligibility[i * this.nPost + j] += this.p.aPlus * this.x.read(i, t);
    this.y.spike(j, t, this.p.pairing);
  }

  /** Delivers reward R at time t in a context; returns R − b (the reward prediction error). */
  reward(r: number, t: number, context = 0): number {
    if (!Number.isInteger(context) || context < 0 || context >= this.p.contexts) throw new PlasticityError('BAD_INPUT', `Context ${context} out of range (${this.p.contexts} contexts)`);
    this.advance(t);
    const delta = r - this.baseline[context];
    const k = this.p.learningRate * delta;
    for (let s = 0; s < this.w.length; s++) this.w[s] = clamp(this.w[s] + k * this.eligibility[s], this.p.wMin, this.p.wMax);
    this.baseline[context] += delta / this.p.baselineTrials;
    return delta;
  }

  /** Clears eligibility and spike traces between independent trials (time restarts at 0). */
  newTrial(): void {
    this.eligibility.fill(0);
    this.x.reset();
    this.y.reset();
    this.tLast = 0;
  }
}
