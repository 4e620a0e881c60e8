/**
 * SpikeProp (Bohte, Kok & La Poutré 2002, Neurocomputing 48:17). Feed-forward layers of spike
 * response model neurons that fire once; every connection i→j has m delayed terminals
 * (delays d_k, weights w_ij^k), and (eqs. 1-3)
 *
 *   x_j(t) = Σ_i Σ_k w_ij^k ε(t − t_i − d_k),   ε(t) = (t/τ) exp(1 − t/τ) for t > 0,
 *
 * t_j being the first time x_j reaches θ. With E = ½ Σ_o (t_o − t_o^d)² (eq. 4) and the
 * linearisation of x_j around t_j (eqs. 8-17):
 *
 *   ∂t_j/∂w_ij^k = −ε(t_j − t_i − d_k) / x_j'(t_j),
 *   ∂t_j/∂t_i    = Σ_k w_ij^k ε'(t_j − t_i − d_k) / x_j'(t_j),
 *
 * so gradients flow back as g_j = ∂E/∂t_j (output: t_o − t_o^d; hidden: Σ_j g_j ∂t_j/∂t_i).
 * The denominator x_j'(t_j) is floored (minSlope) because near-tangential crossings make it
 * explode, the instability Bohte et al. discuss. Optimisers: plain gradient descent (the paper),
 * with momentum, and RProp (Riedmiller & Braun 1993, as applied to SpikeProp by McKennoch, Liu &
 * Bushnell 2006). A neuron that stays silent gets its incoming weights nudged up, otherwise no
 * gradient could reach it.
 */
import { PlasticityError, requirePositive } from './errors';
import type { Rng } from '../snn/rng';

export type SpikePropOptimizer = 'sgd' | 'momentum' | 'rprop';

export interface SpikePropParams {
  layers: readonly number[];
  /** Terminal delays in ms (Bohte: 1..16). */
  delays: readonly number[];
  tau: number;
  threshold: number;
  /** Simulation horizon (ms); a neuron silent by then has no spike. */
  tMax: number;
  /** Coarse scan step for the threshold crossing, refined by bisection. */
  scanStep: number;
  minSlope: number;
  optimizer: SpikePropOptimizer;
  learningRate: number;
  momentum: number;
  /** RProp step bounds and factors. */
  rpropInit: number;
  rpropMin: number;
  rpropMax: number;
  rpropUp: number;
  rpropDown: number;
  /** Added to every incoming weight of a neuron that did not fire. */
  silentBoost: number;
  /**
   * The first this-many neurons of every hidden layer are inhibitory: their outgoing weights are
   * kept ≤ 0, all others ≥ 0 (Bohte et al. use one inhibitory hidden neuron for XOR, since with
   * positive weights only, "both inputs early" could not make the output late).
   */
  inhibitoryHidden: number;
}

export const SPIKEPROP_DEFAULTS: Omit<SpikePropParams, 'layers'> = {
  delays: Array.from({ length: 16 }, (_, k) => k + 1),
  tau: 7,
  threshold: 1,
  tMax: 50,
  scanStep: 0.1,
  minSlope: 0.1,
  optimizer: 'rprop',
  // Used by 'sgd' and 'momentum' (RProp adapts its own steps); XOR converges with 0.001-0.003.
  learningRate: 0.001,
  momentum: 0.9,
  rpropInit: 0.001,
  rpropMin: 1e-6,
  rpropMax: 0.05,
  rpropUp: 1.2,
  rpropDown: 0.5,
  silentBoost: 0.005,
  inhibitoryHidden: 1,
};

function eps(t: number, tau: number): number {
  return t <= 0 ? 0 : (t / tau) * Math.exp(1 - t / tau);
}

function epsDot(t: number, tau: number): number {
  return t <= 0 ? 0 : (1 / tau) * (1 - t / tau) * Math.exp(1 - t / tau);
}

export class SpikePropNetwork {
  readonly p: SpikePropParams;
  /** Per layer l (1..L): weights [nIn, nOut, m] flattened. */
  readonly w: Float64Array[];
  private readonly vel: Float64Array[];
  private readonly step: Float64Array[];
  private readonly prevGrad: Float64Array[];

  /**
   * initScale: weights start uniform in [0, initScale] (negative for inhibitory neurons); it must
   * be large enough that every neuron fires at first, since a silent network has no gradient.
   */
  constructor(params: Partial<SpikePropParams> & { layers: readonly number[] }, rng: Rng, initScale = 0.15) {
    this.p = { ...SPIKEPROP_DEFAULTS, ...params };
    if (this.p.layers.length < 2 || this.p.layers.some((n) => !Number.isInteger(n) || n < 1)) throw new PlasticityError('BAD_PARAMETER', `Expected at least two positive integer layer sizes but received [${this.p.layers.join(', ')}]`);
    for (const k of ['tau', 'threshold', 'tMax', 'scanStep', 'minSlope'] as const) requirePositive(k, this.p[k]);
    const m = this.p.delays.length;
    this.w = [];
    for (let l = 1; l < this.p.layers.length; l++) {
      const w = new Float64Array(this.p.layers[l - 1] * this.p.layers[l] * m);
      for (let k = 0; k < w.length; k++) w[k] = this.signOf(l - 1, Math.floor(k / (this.p.layers[l] * m))) * initScale * rng.next();
      this.w.push(w);
    }
    this.vel = this.w.map((w) => new Float64Array(w.length));
    this.step = this.w.map((w) => new Float64Array(w.length).fill(this.p.rpropInit));
    this.prevGrad = this.w.map((w) => new Float64Array(w.length));
  }

  /** Weights and optimiser state (velocities, RProp steps, previous gradients), the arrays themselves. */
  stateArrays(): { name: string; arrays: Float64Array[] }[] {
    return [
      { name: 'w', arrays: this.w },
      { name: 'vel', arrays: this.vel },
      { name: 'step', arrays: this.step },
      { name: 'prevGrad', arrays: this.prevGrad },
    ];
  }

  /** Potential of output neuron `o` sampled every dtMs over [0, tMax) for one input pattern, with the spike times of every layer. */
  outputTrace(inputs: ArrayLike<number>, dtMs: number, o = 0): { voltage: number[]; times: Float64Array[] } {
    requirePositive('dtMs', dtMs);
    const times = this.forward(inputs);
    const L = this.w.length;
    const n = Math.round(this.p.tMax / dtMs);
    const voltage = new Array<number>(n);
    for (let s = 0; s < n; s++) voltage[s] = this.potential(L - 1, o, s * dtMs, times[L - 1]);
    return { voltage, times };
  }

  /** +1 or −1: the sign constraint on neuron i of layer l's outgoing weights (inputs are excitatory). */
  private signOf(l: number, i: number): number {
    return l > 0 && i < this.p.inhibitoryHidden ? -1 : 1;
  }

  private potential(l: number, j: number, t: number, tin: Float64Array): number {
    const { delays, tau } = this.p;
    const m = delays.length;
    const nOut = this.p.layers[l + 1];
    const w = this.w[l];
    let x = 0;
    for (let i = 0; i < tin.length; i++) {
      if (!(tin[i] >= 0)) continue;
      const base = (i * nOut + j) * m;
      for (let k = 0; k < m; k++) x += w[base + k] * eps(t - tin[i] - delays[k], tau);
    }
    return x;
  }

  /** Spike times of every layer (NaN = silent). inputs: input-layer spike times in ms. */
  forward(inputs: ArrayLike<number>): Float64Array[] {
    if (inputs.length !== this.p.layers[0]) throw new PlasticityError('BAD_INPUT', `Expected ${this.p.layers[0]} input spike times but received ${inputs.length}`);
    const times = [Float64Array.from(inputs)];
    const { threshold, tMax, scanStep } = this.p;
    for (let l = 0; l < this.w.length; l++) {
      const tin = times[l];
      const out = new Float64Array(this.p.layers[l + 1]).fill(NaN);
      for (let j = 0; j < out.length; j++) {
        let prev = 0;
        for (let t = scanStep; t <= tMax; t += scanStep) {
          if (this.potential(l, j, t, tin) >= threshold) {
            // Bisection between the last sub-threshold sample and this one.
            let lo = prev;
            let hi = t;
            for (let it = 0; it < 30; it++) {
              const mid = 0.5 * (lo + hi);
              if (this.potential(l, j, mid, tin) >= threshold) hi = mid;
              else lo = mid;
            }
            out[j] = hi;
            break;
          }
          prev = t;
        }
      }
      times.push(out);
    }
    return times;
  }

  /** Accumulates ∂E/∂w for one pattern into grads; returns E (NaN outputs count as tMax). */
  private backward(times: Float64Array[], target: ArrayLike<number>, grads: Float64Array[]): number {
    const { delays, tau, minSlope, tMax, silentBoost } = this.p;
    const m = delays.length;
    const L = this.w.length;
    let g = new Float64Array(this.p.layers[L]);
    let err = 0;
    const out = times[L];
    for (let o = 0; o < g.length; o++) {
      const to = Number.isNaN(out[o]) ? tMax : out[o];
      g[o] = to - target[o];
      err += 0.5 * g[o] * g[o];
    }
    for (let l = L - 1; l >= 0; l--) {
      const tin = times[l];
      const tout = times[l + 1];
      const nIn = this.p.layers[l];
      const nOut = this.p.layers[l + 1];
      const w = this.w[l];
      const gw = grads[l];
      const gin = new Float64Array(nIn);
      for (let j = 0; j < nOut; j++) {
        const tj = tout[j];
        if (Number.isNaN(tj)) {
          // Silent: push every incoming weight up (negative gradient) so the neuron starts firing.
          for (let i = 0; i < nIn; i++) for (let k = 0; k < m; k++) gw[(i * nOut + j) * m + k] -= silentBoost;
          continue;
        }
        let slope = 0;
        for (let i = 0; i < nIn; i++) {
          if (Number.isNaN(tin[i])) continue;
          for (let k = 0; k < m; k++) slope += w[(i * nOut + j) * m + k] * epsDot(tj - tin[i] - delays[k], tau);
        }
        const denom = Math.max(slope, minSlope);
        for (let i = 0; i < nIn; i++) {
          if (Number.isNaN(tin[i])) continue;
          let dtjdti = 0;
          for (let k = 0; k < m; k++) {
            const s = tj - tin[i] - delays[k];
            const idx = (i * nOut + j) * m + k;
            gw[idx] += g[j] * (-eps(s, tau) / denom);
            dtjdti += w[idx] * epsDot(s, tau);
          }
          gin[i] += g[j] * (dtjdti / denom);
        }
      }
      g = gin;
    }
    return err;
  }

  /** ∂E/∂w summed over the patterns (per layer, same layout as w), and E. */
  gradients(inputs: ReadonlyArray<ArrayLike<number>>, targets: ReadonlyArray<ArrayLike<number>>): { grads: Float64Array[]; error: number } {
    if (inputs.length !== targets.length) throw new PlasticityError('BAD_INPUT', `Expected as many targets as inputs but received ${targets.length} for ${inputs.length}`);
    const grads = this.w.map((w) => new Float64Array(w.length));
    let error = 0;
    inputs.forEach((x, n) => {
      error += this.backward(this.forward(x), targets[n], grads);
    });
    return { grads, error };
  }

  /** E = ½ Σ (t_o − t_o^d)² over the patterns, silent outputs counted at tMax. */
  error(inputs: ReadonlyArray<ArrayLike<number>>, targets: ReadonlyArray<ArrayLike<number>>): number {
    let e = 0;
    inputs.forEach((x, n) => {
      const out = this.forward(x)[this.w.length];
      for (let o = 0; o < out.length; o++) {
        const d = (Number.isNaN(out[o]) ? this.p.tMax : out[o]) - targets[n][o];
        e += 0.5 * d * d;
      }
    });
    return e;
  }

  /** One batch epoch over all patterns; returns E before the update. */
  trainEpoch(inputs: ReadonlyArray<ArrayLike<number>>, targets: ReadonlyArray<ArrayLike<number>>): number {
    const { grads, error } = this.gradients(inputs, targets);
    this.apply(grads);
    return error;
  }

  /**
   * Batch training until every output spike is within `toleranceMs` of its target (checked
   * before each update, so the returned network is the one that met it) or maxEpochs.
   */
  fit(inputs: ReadonlyArray<ArrayLike<number>>, targets: ReadonlyArray<ArrayLike<number>>, maxEpochs: number, toleranceMs = 1): { epochs: number; maxErrorMs: number } {
    let worst = Infinity;
    for (let e = 0; e <= maxEpochs; e++) {
      worst = 0;
      inputs.forEach((x, n) => {
        const out = this.forward(x)[this.w.length];
        for (let o = 0; o < out.length; o++) worst = Math.max(worst, Number.isNaN(out[o]) ? Infinity : Math.abs(out[o] - targets[n][o]));
      });
      if (worst <= toleranceMs || e === maxEpochs) return { epochs: e, maxErrorMs: worst };
      this.trainEpoch(inputs, targets);
    }
    return { epochs: maxEpochs, maxErrorMs: worst };
  }

  private apply(grads: Float64Array[]): void {
    const p = this.p;
    for (let l = 0; l < this.w.length; l++) {
      const w = this.w[l];
      const g = grads[l];
      if (p.optimizer === 'sgd') {
        for (let k = 0; k < w.length; k++) w[k] -= p.learningRate * g[k];
      } else if (p.optimizer === 'momentum') {
        const v = this.vel[l];
        for (let k = 0; k < w.length; k++) {
          v[k] = p.momentum * v[k] - p.learningRate * g[k];
          w[k] += v[k];
        }
      } else {
        // RProp without weight backtracking (iRprop-): only the gradient's sign is used.
        const st = this.step[l];
        const pg = this.prevGrad[l];
        for (let k = 0; k < w.length; k++) {
          const prod = pg[k] * g[k];
          let gk = g[k];
          if (prod > 0) st[k] = Math.min(st[k] * p.rpropUp, p.rpropMax);
          else if (prod < 0) {
            st[k] = Math.max(st[k] * p.rpropDown, p.rpropMin);
            gk = 0;
          }
          w[k] -= Math.sign(gk) * st[k];
          pg[k] = gk;
        }
      }
      // Dale's principle per neuron: a weight that would change sign stops at zero.
      const nOutM = this.p.layers[l + 1] * this.p.delays.length;
      for (let k = 0; k < w.length; k++) {
        const sgn = this.signOf(l, Math.floor(k / nOutM));
        if (w[k] * sgn < 0) w[k] = 0;
      }
    }
  }
}

/**
 * The temporally encoded XOR of Bohte et al. (2002, Table 1): inputs early (0 ms) or late (6 ms)
 * plus a bias input that always fires at 0 ms; the output should fire at 10 ms for "true" and
 * 16 ms for "false".
 */
export const SPIKEPROP_XOR = {
  inputs: [
    [0, 0, 0],
    [0, 0, 6],
    [0, 6, 0],
    [0, 6, 6],
  ],
  targets: [[16], [10], [10], [16]],
} as const;
