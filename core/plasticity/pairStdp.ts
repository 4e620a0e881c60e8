/**
 * Pair-based STDP with exponential traces (Song, Miller & Abbott 2000, Nat. Neurosci. 3:919, eq. 1;
 * trace formulation and pairing schemes: Morrison, Diesmann & Gerstner 2008, Biol. Cybern. 98:459,
 * eqs. 3-4). For a pre spike at t_pre and a post spike at t_post, Δt = t_post - t_pre:
 *
 *   Δw = +A+(w) exp(-Δt/τ+)   for Δt > 0 (pre before post: potentiation)
 *   Δw = -A-(w) exp(+Δt/τ-)   for Δt < 0 (post before pre: depression)
 *
 * implemented with a presynaptic trace x (τ+) read at post spikes and a postsynaptic trace y (τ-)
 * read at pre spikes. Weight dependence (Gütig, Aharonov, Rotter & Sompolinsky 2003, J. Neurosci.
 * 23:3697, eq. 2), in normalised form with R = w_max - w_min and ŵ = (w - w_min)/R:
 *
 *   A+(w) = A+ R (1 - ŵ)^μ,   A-(w) = A- R ŵ^μ.
 *
 * 'additive' uses A± unchanged and clips at the hard bounds (Song et al. 2000);
 * 'multiplicative' with μ = 1 is fully soft-bounded, any μ in (0, 1) gives Gütig's interpolation;
 * 'van-rossum' is the mixed rule of van Rossum, Bi & Turrigiano 2000 (J. Neurosci. 20:8812, eq. 2):
 * additive potentiation A+, multiplicative depression A- (w - w_min), clipped at w_max.
 */
import { PlasticityError, requireNonNegative, requirePositive } from './errors';
import { ExpTraces, type Pairing } from './traces';

export interface PairStdpParams {
  aPlus: number;
  aMinus: number;
  /** ms */
  tauPlus: number;
  /** ms */
  tauMinus: number;
  wMin: number;
  wMax: number;
  form: 'additive' | 'multiplicative' | 'van-rossum';
  /** Gütig's exponent for the multiplicative form (ignored when additive). */
  mu: number;
  pairing: Pairing;
}

/** Song et al. (2000): A- slightly larger than A+ (A-τ- / A+τ+ = 1.05) keeps the rule stable. */
export const PAIR_STDP_DEFAULTS: PairStdpParams = {
  aPlus: 0.005,
  aMinus: 0.00525,
  tauPlus: 20,
  tauMinus: 20,
  wMin: 0,
  wMax: 1,
  form: 'additive',
  mu: 1,
  pairing: 'all-to-all',
};

export function validatePairStdp(p: PairStdpParams): void {
  requireNonNegative('aPlus', p.aPlus);
  requireNonNegative('aMinus', p.aMinus);
  requirePositive('tauPlus', p.tauPlus);
  requirePositive('tauMinus', p.tauMinus);
  if (!(p.wMax > p.wMin)) throw new PlasticityError('BAD_PARAMETER', `Expected wMax > wMin but received wMin=${p.wMin}, wMax=${p.wMax}`);
  requireNonNegative('mu', p.mu);
}

/** The analytic window Δw(Δt) at weight w (no bounds crossing), for plots and tests. */
export function pairStdpWindow(dtMs: number, w: number, params: Partial<PairStdpParams> = {}): number {
  const p = { ...PAIR_STDP_DEFAULTS, ...params };
  if (dtMs > 0) return potentiationScale(p, w) * p.aPlus * Math.exp(-dtMs / p.tauPlus);
  if (dtMs < 0) return -depressionScale(p, w) * p.aMinus * Math.exp(dtMs / p.tauMinus);
  return 0;
}

function potentiationScale(p: PairStdpParams, w: number): number {
  if (p.form === 'additive' || p.form === 'van-rossum') return 1;
  const range = p.wMax - p.wMin;
  return range * Math.pow(Math.max(0, (p.wMax - w) / range), p.mu);
}

function depressionScale(p: PairStdpParams, w: number): number {
  if (p.form === 'additive') return 1;
  if (p.form === 'van-rossum') return Math.max(0, w - p.wMin);
  const range = p.wMax - p.wMin;
  return range * Math.pow(Math.max(0, (w - p.wMin) / range), p.mu);
}

/**
 * A dense [nPre, nPost] synapse matrix learning with pair STDP, driven by spike events in
 * continuous time (ms). Call preSpike/postSpike in time order; simultaneous spikes do not pair.
 */
export class PairStdpSynapses {
  readonly p: PairStdpParams;
  readonly w: Float64Array;
  private readonly x: ExpTraces;
  private readonly y: ExpTraces;

  constructor(readonly nPre: number, readonly nPost: number, params: Partial<PairStdpParams> = {}, initial = 0.5) {
    this.p = { ...PAIR_STDP_DEFAULTS, ...params };
    validatePairStdp(this.p);
    this.w = new Float64Array(nPre * nPost).fill(initial);
    this.x = new ExpTraces(nPre, this.p.tauPlus);
    this.y = new ExpTraces(nPost, this.p.tauMinus);
  }

  /** Depression of every synapse of pre neuron i by the post traces, then its trace is bumped. */
  preSpike(i: number, t: number): void {
    const p = this.p;
    for (let j = 0; j < this.nPost; j++) {
      const yj = this.y.read(j, t);
      if (yj === 0) continue;
      const k = i * this.nPost + j;
      this.w[k] = clamp(this.w[k] - depressionScale(p, this.w[k]) * p.aMinus * yj, p.wMin, p.wMax);
    }
    this.x.spike(i, t, p.pairing);
  }

  /** Potentiation of every synapse onto post neuron j by the pre traces, then its trace is bumped. */
  postSpike(j: number, t: number): void {
    const p = this.p;
    for (let i = 0; i < this.nPre; i++) {
      const xi = this.x.read(i, t);
      if (xi === 0) continue;
      const k = i * this.nPost + j;
      this.w[k] = clamp(this.w[k] + potentiationScale(p, this.w[k]) * p.aPlus * xi, p.wMin, p.wMax);
    }
    this.y.spike(j, t, p.pairing);
  }

  /** Pre trace of i at t (for eligibility-trace rules built on this one). */
  preTrace(i: number, t: number): number {
    return this.x.read(i, t);
  }

  postTrace(j: number, t: number): number {
    return this.y.read(j, t);
  }

  resetTraces(): void {
    this.x.reset();
    this.y.reset();
  }
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
