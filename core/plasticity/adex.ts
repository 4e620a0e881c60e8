/**
 * Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005, J. Neurophysiol.
 * 94:3637, eqs. 1-2) with the additions of Clopath et al. (2010, Nat. Neurosci. 13:344, Methods):
 * a depolarising spike after-current z and an adaptive threshold V_T,
 *
 *   C du/dt = −g_L (u − E_L) + g_L Δ_T exp((u − V_T)/Δ_T) − w_ad + z + I
 *   τ_wad dw_ad/dt = a (u − E_L) − w_ad,   τ_z dz/dt = −z,   τ_VT dV_T/dt = −(V_T − V_T,rest)
 *
 * At a spike (u > peak crossing) u is held at the spike peak for 2 ms then reset, w_ad += b,
 * z = I_sp, V_T = V_T,max. Units: mV, ms, pF, nS, pA. Defaults are Clopath et al.'s Table 1.
 */
export interface AdexParams {
  c: number;
  gL: number;
  eL: number;
  deltaT: number;
  vTRest: number;
  vTMax: number;
  tauVT: number;
  tauWad: number;
  a: number;
  /** pA */
  b: number;
  iSp: number;
  tauZ: number;
  /** The membrane is held here for spikeWidth ms after a spike. */
  vPeak: number;
  spikeWidth: number;
  vReset: number;
}

export const ADEX_CLOPATH: AdexParams = {
  c: 281,
  gL: 30,
  eL: -70.6,
  deltaT: 2,
  vTRest: -50.4,
  vTMax: -30.4,
  tauVT: 50,
  tauWad: 144,
  a: 4,
  b: 80.5,
  iSp: 400,
  tauZ: 40,
  vPeak: 29.4,
  spikeWidth: 2,
  vReset: -70.6,
};

export class AdexNeuron {
  readonly p: AdexParams;
  u: number;
  wAd = 0;
  z = 0;
  vT: number;
  private clamp = 0;

  constructor(params: Partial<AdexParams> = {}) {
    this.p = { ...ADEX_CLOPATH, ...params };
    this.u = this.p.eL;
    this.vT = this.p.vTRest;
  }

  /** Advances by dt ms with input current iPa (pA); returns true when the neuron spiked. */
  step(dt: number, iPa: number): boolean {
    const p = this.p;
    this.z *= Math.exp(-dt / p.tauZ);
    this.vT = p.vTRest + (this.vT - p.vTRest) * Math.exp(-dt / p.tauVT);
    if (this.clamp > 0) {
      this.clamp -= dt;
      if (this.clamp <= 0) this.u = p.vReset;
      this.wAd += (dt / p.tauWad) * (p.a * (this.u - p.eL) - this.wAd);
      return false;
    }
    // The exponential term is capped so a forward-Euler step cannot overflow before detection.
    const expo = p.gL * p.deltaT * Math.exp(Math.min((this.u - this.vT) / p.deltaT, 20));
    const du = (dt / p.c) * (-p.gL * (this.u - p.eL) + expo - this.wAd + this.z + iPa);
    this.wAd += (dt / p.tauWad) * (p.a * (this.u - p.eL) - this.wAd);
    this.u += du;
    if (this.u > p.vPeak) {
      this.u = p.vPeak;
      this.clamp = p.spikeWidth;
      this.wAd += p.b;
      this.z = p.iSp;
      this.vT = p.vTMax;
      return true;
    }
    return false;
  }
}
