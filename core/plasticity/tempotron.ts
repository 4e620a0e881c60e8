/**
 * The Tempotron (Gütig & Sompolinsky 2006, Nat. Neurosci. 9:420). The membrane potential is a
 * weighted sum of fixed PSP kernels (eq. 1)
 *
 *   V(t) = Σ_i w_i Σ_{t_i < t} K(t - t_i) + V_rest,   K(t) = V0 (exp(-t/τ) - exp(-t/τs)),
 *
 * V0 normalising the kernel's peak to 1. A pattern is classified "+" when V crosses θ. On an error
 * the weights move along the gradient of V at its maximum t_max (eq. 2):
 *
 *   Δw_i = ±λ Σ_{t_i < t_max} K(t_max - t_i)   (+ for a missed "+" pattern, − for a false alarm),
 *
 * with momentum μ as in the paper's simulations. V between input events is A e^{-u/τ} − B e^{-u/τs}
 * for two running sums A, B, so its maximum is found exactly: at an event, or where dV/du = 0,
 * u* = ln(B τ / (A τs)) / (1/τs − 1/τ). No time grid, no missed peaks.
 */
import { PlasticityError, requirePositive } from './errors';
import type { Rng } from '../snn/rng';
import type { SpikePattern } from './spikePattern';

export interface TempotronParams {
  nAfferents: number;
  /** Membrane time constant τ (ms); Gütig & Sompolinsky: 15. */
  tau: number;
  /** Synaptic time constant τs (ms); τ/4. */
  tauS: number;
  threshold: number;
  vRest: number;
  /** λ */
  learningRate: number;
  /** μ */
  momentum: number;
}

export const TEMPOTRON_DEFAULTS: Omit<TempotronParams, 'nAfferents'> = {
  tau: 15,
  tauS: 3.75,
  threshold: 1,
  vRest: 0,
  learningRate: 3e-3,
  momentum: 0.99,
};

export interface TempotronResponse {
  vMax: number;
  tMax: number;
  fired: boolean;
}

export class Tempotron {
  readonly p: TempotronParams;
  readonly w: Float64Array;
  /** The momentum term (last weight step), part of the state a checkpoint must keep. */
  readonly dw: Float64Array;
  private readonly v0: number;

  constructor(params: Partial<TempotronParams> & { nAfferents: number }, rng: Rng) {
    this.p = { ...TEMPOTRON_DEFAULTS, ...params };
    requirePositive('nAfferents', this.p.nAfferents);
    requirePositive('tau', this.p.tau);
    requirePositive('tauS', this.p.tauS);
    if (this.p.tauS >= this.p.tau) throw new PlasticityError('BAD_PARAMETER', `Expected tauS < tau but received tauS=${this.p.tauS}, tau=${this.p.tau}`);
    const { tau, tauS } = this.p;
    const tPeak = (tau * tauS * Math.log(tau / tauS)) / (tau - tauS);
    this.v0 = 1 / (Math.exp(-tPeak / tau) - Math.exp(-tPeak / tauS));
    this.w = new Float64Array(this.p.nAfferents);
    // Small random initial weights (the paper draws them from a zero-mean Gaussian).
    for (let i = 0; i < this.w.length; i++) this.w[i] = 1e-3 * rng.normal();
    this.dw = new Float64Array(this.p.nAfferents);
  }

  /** K(t), peak 1. */
  kernel(t: number): number {
    return t <= 0 ? 0 : this.v0 * (Math.exp(-t / this.p.tau) - Math.exp(-t / this.p.tauS));
  }

  /** V sampled every dtMs over [0, durationMs) (for plotting against θ; O(events) per sample). */
  voltageTrace(pattern: SpikePattern, dtMs: number, durationMs: number): number[] {
    requirePositive('dtMs', dtMs);
    const n = Math.round(durationMs / dtMs);
    const out = new Array<number>(n);
    for (let s = 0; s < n; s++) {
      const t = s * dtMs;
      let v = this.p.vRest;
      for (let k = 0; k < pattern.time.length && pattern.time[k] < t; k++) v += this.w[pattern.afferent[k]] * this.kernel(t - pattern.time[k]);
      out[s] = v;
    }
    return out;
  }

  /** Maximum of V over the pattern (V is defined for all t; the peak follows the last input). */
  respond(pattern: SpikePattern): TempotronResponse {
    const { tau, tauS, vRest, threshold } = this.p;
    let a = 0;
    let b = 0;
    let vMax = vRest;
    let tMax = 0;
    const n = pattern.time.length;
    const stationary = 1 / tauS - 1 / tau;
    for (let k = 0; k < n; k++) {
      const t = pattern.time[k];
      const i = pattern.afferent[k];
      if (i >= this.w.length) throw new PlasticityError('BAD_INPUT', `Pattern afferent ${i} out of range (${this.w.length} afferents)`);
      a += this.w[i];
      b += this.w[i];
      // Merge simultaneous events before looking for the peak.
      if (k + 1 < n && pattern.time[k + 1] === t) continue;
      const gap = k + 1 < n ? pattern.time[k + 1] - t : Infinity;
      // Candidate peak inside (t, t + gap): only where A, B > 0 and the stationary point is ahead.
      if (a > 0 && b > 0) {
        const ratio = (b * tau) / (a * tauS);
        if (ratio > 1) {
          const u = Math.log(ratio) / stationary;
          if (u < gap) {
            const v = vRest + this.v0 * (a * Math.exp(-u / tau) - b * Math.exp(-u / tauS));
            if (v > vMax) {
              vMax = v;
              tMax = t + u;
            }
          }
        }
      }
      if (gap !== Infinity) {
        // Candidate at the next event time itself (V is continuous; its value there is the sum before the new input).
        const v = vRest + this.v0 * (a * Math.exp(-gap / tau) - b * Math.exp(-gap / tauS));
        if (v > vMax) {
          vMax = v;
          tMax = t + gap;
        }
        a *= Math.exp(-gap / tau);
        b *= Math.exp(-gap / tauS);
      }
    }
    return { vMax, tMax, fired: vMax >= threshold };
  }

  /** One presentation; returns true when the classification was correct (no update then). */
  train(pattern: SpikePattern, label: boolean): boolean {
    const r = this.respond(pattern);
    const correct = r.fired === label;
    const { learningRate, momentum } = this.p;
    const sign = correct ? 0 : label ? 1 : -1;
    // Momentum carries the previous step even on correct trials, as in the paper's simulations.
    for (let i = 0; i < this.dw.length; i++) this.dw[i] *= momentum;
    if (sign !== 0) {
      for (let k = 0; k < pattern.time.length && pattern.time[k] < r.tMax; k++) {
        this.dw[pattern.afferent[k]] += sign * learningRate * this.kernel(r.tMax - pattern.time[k]);
      }
    }
    for (let i = 0; i < this.w.length; i++) this.w[i] += this.dw[i];
    return correct;
  }

  /** Epochs of training over the set until all are correct or maxEpochs; returns the epochs used and the final training accuracy. */
  fit(patterns: readonly SpikePattern[], labels: readonly boolean[], maxEpochs: number, rng: Rng): { epochs: number; accuracy: number } {
    if (patterns.length !== labels.length) throw new PlasticityError('BAD_INPUT', `Expected as many labels as patterns but received ${labels.length} for ${patterns.length}`);
    const order = patterns.map((_, k) => k);
    for (let e = 1; e <= maxEpochs; e++) {
      for (let k = order.length - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        [order[k], order[j]] = [order[j], order[k]];
      }
      for (const k of order) this.train(patterns[k], labels[k]);
      const acc = this.accuracy(patterns, labels);
      if (acc === 1) return { epochs: e, accuracy: 1 };
      if (e === maxEpochs) return { epochs: e, accuracy: acc };
    }
    return { epochs: 0, accuracy: this.accuracy(patterns, labels) };
  }

  accuracy(patterns: readonly SpikePattern[], labels: readonly boolean[]): number {
    let c = 0;
    patterns.forEach((p, k) => {
      if (this.respond(p).fired === labels[k]) c++;
    });
    return patterns.length ? c / patterns.length : 0;
  }
}
