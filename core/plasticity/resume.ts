/**
 * ReSuMe, Remote Supervised Method (Ponulak & Kasiński 2010, Neural Comput. 22:467, eq. 2.10):
 *
 *   dw_i/dt = [S_d(t) − S_o(t)] · [a + ∫_0^∞ W(s) S_i(t − s) ds],   W(s) = A exp(−s/τ_L),
 *
 * where S_d, S_o, S_i are the desired, output and input spike trains (sums of Dirac pulses). So at
 * every desired spike each synapse gains η(a + A x_i) and at every output spike it loses the same,
 * x_i being the input's exponential trace (τ_L); the two cancel once output and target coincide.
 * The non-Hebbian term a speeds up learning of the firing rate. The learner is a current-based
 * LIF neuron (membrane τ_m, exponential synaptic current τ_s, threshold 1, reset to 0, absolute
 * refractory period), simulated with exact exponential decay on a fixed step.
 */
import { PlasticityError, requirePositive } from './errors';
import type { Rng } from '../snn/rng';
import type { SpikePattern } from './spikePattern';

export interface ResumeParams {
  nAfferents: number;
  dtMs: number;
  tauM: number;
  tauS: number;
  threshold: number;
  refractoryMs: number;
  /** η */
  learningRate: number;
  /** Non-Hebbian term a. */
  a: number;
  /** Amplitude A of the learning window. */
  aWindow: number;
  /** τ_L of the learning window (ms). */
  tauL: number;
}

export const RESUME_DEFAULTS: Omit<ResumeParams, 'nAfferents'> = {
  dtMs: 0.1,
  tauM: 10,
  tauS: 5,
  threshold: 1,
  refractoryMs: 2,
  learningRate: 0.01,
  a: 0.05,
  aWindow: 1,
  tauL: 5,
};

export class ResumeNeuron {
  readonly p: ResumeParams;
  readonly w: Float64Array;
  private readonly trace: Float64Array;

  constructor(params: Partial<ResumeParams> & { nAfferents: number }, rng: Rng) {
    this.p = { ...RESUME_DEFAULTS, ...params };
    for (const k of ['nAfferents', 'dtMs', 'tauM', 'tauS', 'threshold', 'tauL'] as const) requirePositive(k, this.p[k]);
    this.w = new Float64Array(this.p.nAfferents);
    for (let i = 0; i < this.w.length; i++) this.w[i] = 0.2 * rng.next();
    this.trace = new Float64Array(this.p.nAfferents);
  }

  /**
   * Runs the neuron over [0, durationMs) on `input`; returns output spike times. With `target`
   * (desired spike times, ms) the ReSuMe update is applied online. `vTrace`, when given, receives
   * the membrane potential at every step (for plotting the voltage against the target).
   */
  run(input: SpikePattern, durationMs: number, target?: readonly number[], vTrace?: number[]): number[] {
    const p = this.p;
    const steps = Math.round(durationMs / p.dtMs);
    const dM = Math.exp(-p.dtMs / p.tauM);
    const dS = Math.exp(-p.dtMs / p.tauS);
    const dL = Math.exp(-p.dtMs / p.tauL);
    const refr = Math.round(p.refractoryMs / p.dtMs);
    this.trace.fill(0);
    const desired = target ? target.map((t) => Math.round(t / p.dtMs)).sort((x, y) => x - y) : [];
    let nextDesired = 0;
    let k = 0;
    let v = 0;
    let current = 0;
    let refrLeft = 0;
    const out: number[] = [];
    for (let s = 0; s < steps; s++) {
      const t = s * p.dtMs;
      for (let i = 0; i < this.trace.length; i++) this.trace[i] *= dL;
      while (k < input.time.length && input.time[k] < t + p.dtMs) {
        const i = input.afferent[k];
        if (i >= this.w.length) throw new PlasticityError('BAD_INPUT', `Input afferent ${i} out of range (${this.w.length} afferents)`);
        current += this.w[i];
        this.trace[i] += 1;
        k++;
      }
      current *= dS;
      if (refrLeft > 0) {
        refrLeft--;
      } else {
        // τ_m dv/dt = −v + I, I in units of the threshold.
        v = v * dM + (1 - dM) * current;
      }
      let fired = false;
      if (refrLeft === 0 && v >= p.threshold) {
        fired = true;
        v = 0;
        refrLeft = refr;
        out.push(t);
      }
      vTrace?.push(v);
      if (target) {
        let sign = fired ? -1 : 0;
        while (nextDesired < desired.length && desired[nextDesired] === s) {
          sign += 1;
          nextDesired++;
        }
        if (sign !== 0) {
          const eta = p.learningRate * sign;
          for (let i = 0; i < this.w.length; i++) this.w[i] += eta * (p.a + p.aWindow * this.trace[i]);
        }
      }
    }
    return out;
  }
}

/**
 * Per-spike timing error between an output and a target train of equal length (ms), or null
 * when the spike counts differ.
 */
export function spikeTimingErrors(output: readonly number[], target: readonly number[]): number[] | null {
  if (output.length !== target.length) return null;
  const t = [...target].sort((x, y) => x - y);
  return [...output].sort((x, y) => x - y).map((o, k) => Math.abs(o - t[k]));
}
