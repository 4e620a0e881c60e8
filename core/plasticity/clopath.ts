/**
 * Voltage-based STDP (Clopath, Büsing, Vasilaki & Gerstner 2010, Nat. Neurosci. 13:344, eqs. 1-5).
 * The weight follows the postsynaptic membrane potential u and two low-pass filtered copies
 * ū− (τ−) and ū+ (τ+), and a presynaptic trace x̄ (τ_x dx̄/dt = −x̄ + X(t), X the spike train):
 *
 *   LTD (eq. 3): dw/dt = −A_LTD X(t) [ū− − θ−]+           (at each presynaptic spike)
 *   LTP (eq. 4): dw/dt = +A_LTP x̄(t) [u − θ+]+ [ū+ − θ−]+  (continuously)
 *
 * so depression needs a moderately depolarised cell when the input arrives, potentiation needs a
 * strongly depolarised one (u above θ+, as during a spike) shortly after the input. Optional
 * homeostasis (eq. 5) scales A_LTD by ū²/u_ref², ū the mean depolarisation. Defaults are the
 * visual-cortex fit of their Table 1 (θ− = −70.6 mV, θ+ = −45.3 mV, τ− = 10 ms, τ+ = 7 ms,
 * τ_x = 15 ms, A_LTD = 14e-5 mV⁻¹, A_LTP = 8e-5 mV⁻²); the neuron is AdEx (./adex.ts).
 */
import { requirePositive } from './errors';
import { clamp } from './pairStdp';

export interface ClopathParams {
  thetaMinus: number;
  thetaPlus: number;
  tauMinus: number;
  tauPlus: number;
  tauX: number;
  aLtd: number;
  aLtp: number;
  wMin: number;
  wMax: number;
  /** u_ref² (mV²) for homeostatic A_LTD; null = off (fixed A_LTD). */
  uRefSquared: number | null;
  /** Averaging time of ū for homeostasis (ms). */
  tauHomeo: number;
}

export const CLOPATH_DEFAULTS: ClopathParams = {
  thetaMinus: -70.6,
  thetaPlus: -45.3,
  tauMinus: 10,
  tauPlus: 7,
  tauX: 15,
  aLtd: 14e-5,
  aLtp: 8e-5,
  wMin: 0,
  wMax: 3,
  uRefSquared: null,
  tauHomeo: 1000,
};

/** The synapses onto one postsynaptic neuron, advanced on a fixed time step. */
export class ClopathSynapses {
  readonly p: ClopathParams;
  readonly w: Float64Array;
  readonly xBar: Float64Array;
  uMinus: number;
  uPlus: number;
  /** Mean depolarisation above rest (mV), for homeostasis. */
  uMean = 0;

  constructor(readonly nPre: number, params: Partial<ClopathParams> = {}, initial = 1, uRest = -70.6) {
    this.p = { ...CLOPATH_DEFAULTS, ...params };
    for (const k of ['tauMinus', 'tauPlus', 'tauX', 'tauHomeo'] as const) requirePositive(k, this.p[k]);
    this.w = new Float64Array(nPre).fill(initial);
    this.xBar = new Float64Array(nPre);
    this.uMinus = uRest;
    this.uPlus = uRest;
  }

  /**
   * One step of dt ms: u is the postsynaptic potential now (mV), pre the indices of presynaptic
   * neurons spiking in this step. The filters use the potential before this step's update, so a
   * spike's own depolarisation reaches ū± only after it (Clopath's small delay ε).
   */
  step(dt: number, u: number, pre: ArrayLike<number>): void {
    const p = this.p;
    const aLtd = p.uRefSquared === null ? p.aLtd : (p.aLtd * this.uMean * this.uMean) / p.uRefSquared;
    const ltd = aLtd * Math.max(0, this.uMinus - p.thetaMinus);
    for (let k = 0; k < pre.length; k++) {
      const i = pre[k];
      this.w[i] = clamp(this.w[i] - ltd, p.wMin, p.wMax);
      this.xBar[i] += 1 / p.tauX;
    }
    const ltp = p.aLtp * Math.max(0, u - p.thetaPlus) * Math.max(0, this.uPlus - p.thetaMinus) * dt;
    const dx = Math.exp(-dt / p.tauX);
    for (let i = 0; i < this.nPre; i++) {
      if (ltp > 0 && this.xBar[i] > 0) this.w[i] = clamp(this.w[i] + ltp * this.xBar[i], p.wMin, p.wMax);
      this.xBar[i] *= dx;
    }
    this.uMinus += (dt / p.tauMinus) * (u - this.uMinus);
    this.uPlus += (dt / p.tauPlus) * (u - this.uPlus);
    this.uMean += (dt / p.tauHomeo) * (u - p.thetaMinus - this.uMean);
  }
}

/**
 * Voltage-clamp pairing (Artola, Bröcher & Singer 1990, as simulated by Clopath et al. 2010):
 * the postsynaptic cell is held at uClamp while the synapse receives `pulses` presynaptic spikes
 * at `frequencyHz`. Returns Δw.
 */
export function voltageClampProtocol(uClamp: number, params: Partial<ClopathParams> = {}, pulses = 50, frequencyHz = 10, dt = 0.1): number {
  const syn = new ClopathSynapses(1, params, 1, uClamp);
  const period = Math.round(1000 / frequencyHz / dt);
  const steps = period * pulses + Math.round((5 * syn.p.tauX) / dt);
  const pre = [0];
  const none: number[] = [];
  for (let s = 0; s < steps; s++) syn.step(dt, uClamp, s % period === 0 && s < period * pulses ? pre : none);
  return syn.w[0] - 1;
}
