/**
 * Accuracy against latency of converted SNNs.
 *
 * Rate coding: one simulation at T_max; the integrator readout's membrane after t steps is the
 * accumulated output current of the first t steps, so the prediction at every T <= T_max is read
 * off the same run (argmax of V^out[T-1]), exactly what a separate run of length T would give
 * (the network is causal and its neurons start from rest).
 *
 * Temporal (TTFS) coding, one spike per neuron: layer-synchronous time-to-first-spike with
 * non-leaky IF neurons, step-current synapses and a threshold ramp, the exact ReLU mapping of
 * Stanojevic et al. (Neural Networks 2023 / arXiv 2212.12522, "An exact mapping from ReLU networks
 * to spiking neural networks", eq. 4-9) and the layer-wise windows of Rueckauer & Liu (ISCAS 2018,
 * "Conversion of analog to spiking neural networks using sparse temporal coding"), in discrete
 * time with K steps per layer window:
 *   - a neuron of layer l spikes once at step k in [0, K) of window l; its value is a = (K - k)/K;
 *     a silent neuron has a = 0. Inputs spike at k = round(K (1 - x)).
 *   - from its spike on, it injects a constant current w_ij / K into each target per step, so at
 *     the end of window l the target's membrane is V = sum_i w_ij a_i + b_j = z_j (the ANN
 *     pre-activation, on the normalised weights; the bias is a current over the whole window).
 *   - during window l+1 a ramp adds theta/K per step (starting half a step in, so crossing rounds
 *     rather than truncates); the neuron fires at the first k with V + theta (k + 1/2)/K >= theta,
 *     giving a_j = clip(z_j / theta, 0, 1) quantised to 1/K: a clipped ReLU, one spike or none.
 *   - the output layer is non-spiking; its membrane at the end of the last window is read out.
 * Because the synapse is a step current, V at the window end is linear in the a_i, so the network
 * is evaluated window by window with one synaptic pass per layer (test: identical to stepping).
 * Latency: T = K (hidden layers + 1).
 */
import type { Dataset } from '../bptt';
import { gatherBatch } from '../bptt';
import type { Tensor } from '../../snn/layers/layer';
import { NeuronLayer } from '../../snn/layers/neuron';
import type { Network } from '../../snn/network';
import { argmax, ctxOf, splitSegments } from '../methodKit';

export interface CurvePoint {
  coding: 'rate' | 'ttfs';
  /** Total simulation steps per sample. */
  timesteps: number;
  accuracy: number;
  /** Mean spikes per sample (all hidden layers) up to this T. */
  spikesPerSample: number;
}

/** Default T grid, 1..256 in powers of two. */
export const DEFAULT_T_GRID: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

function perSampleMax(net: Network): number {
  let m = net.spec.input.reduce((a, b) => a * b, 1);
  let shape = [...net.spec.input];
  for (const l of net.layers) {
    shape = l.outputShape(shape);
    m = Math.max(m, shape.reduce((a, b) => a * b, 1));
  }
  return m;
}

/**
 * Rate-coded accuracy at each T of `grid` (<= the network's timesteps, which is T_max), over the
 * first `count` samples of `data`. The network must end in an integrator readout.
 */
export function rateCurve(net: Network, data: Dataset, count: number, grid: readonly number[]): CurvePoint[] {
  const Tmax = net.spec.timesteps;
  const Ts = grid.filter((t) => t <= Tmax);
  const n = Math.min(count, data.count);
  // Bound the largest activation tensor to about 8 M floats (32 MB) per batch.
  const batch = Math.max(1, Math.min(100, Math.floor(8e6 / (Tmax * perSampleMax(net)))));
  const correct = new Float64Array(Ts.length);
  const spikesAt = new Float64Array(Tmax);
  const ctx = ctxOf(net, false);
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const B = e - s;
    const { x, y } = gatherBatch(data, null, s, e);
    let h: Tensor = { data: net.encoder.encode(x, B, Tmax, net.rng), shape: [Tmax, B, ...net.spec.input] };
    for (const l of net.layers) {
      h = l.forward(h, ctx);
      if (l instanceof NeuronLayer && l.spec.model !== 'integrator') {
        const per = h.data.length / Tmax;
        for (let t = 0; t < Tmax; t++) {
          let c = 0;
          for (let i = t * per; i < (t + 1) * per; i++) c += h.data[i];
          spikesAt[t] += c;
        }
      }
    }
    const O = h.data.length / (Tmax * B);
    Ts.forEach((T, k) => {
      for (let b = 0; b < B; b++) if (argmax(h.data, ((T - 1) * B + b) * O, O) === y[b]) correct[k]++;
    });
  }
  let cum = 0;
  const cumSpikes = Array.from(spikesAt, (v) => (cum += v));
  return Ts.map((T, k) => ({ coding: 'rate', timesteps: T, accuracy: n ? correct[k] / n : 0, spikesPerSample: n ? cumSpikes[T - 1] / n : 0 }));
}

/** TTFS value of a neuron that crosses the ramp: a = (K - k)/K with k the first crossing step, 0 if none. */
export function ttfsQuantise(z: number, K: number, theta = 1): number {
  const k = Math.max(0, Math.ceil(K * (1 - z / theta) - 0.5));
  return k >= K ? 0 : (K - k) / K;
}

/** Input spike value: the input neuron fires at k = round(K (1 - x)). */
export function ttfsInput(x: number, K: number): number {
  if (x <= 0) return 0;
  const k = Math.round(K * (1 - Math.min(1, x)));
  return k >= K ? 0 : (K - k) / K;
}

/**
 * TTFS accuracy for each K (steps per layer window) on an ANN whose weights are normalised so
 * activations are about [0, 1] (threshold 1); T = K (hidden + 1).
 */
export function ttfsCurve(ann: Network, data: Dataset, count: number, ks: readonly number[]): CurvePoint[] {
  const segs = splitSegments(ann);
  const hidden = segs.filter((s) => s.activation !== null).length;
  const n = Math.min(count, data.count);
  const ctx = ctxOf(ann, false);
  const out: CurvePoint[] = [];
  const batch = 100;
  for (const K of ks) {
    let correct = 0;
    let spikes = 0;
    for (let s = 0; s < n; s += batch) {
      const e = Math.min(n, s + batch);
      const B = e - s;
      const { x, y } = gatherBatch(data, null, s, e);
      const a0 = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        a0[i] = ttfsInput(x[i], K);
        if (a0[i] > 0) spikes++;
      }
      let h: Tensor = { data: a0, shape: [1, B, ...ann.spec.input] };
      for (const seg of segs) {
        for (const l of seg.synapses) h = l.forward(h, ctx);
        if (seg.activation) {
          const a = new Float32Array(h.data.length);
          for (let i = 0; i < a.length; i++) {
            a[i] = ttfsQuantise(h.data[i], K);
            if (a[i] > 0) spikes++;
          }
          h = { data: a, shape: h.shape };
        }
      }
      const O = h.data.length / B;
      for (let b = 0; b < B; b++) if (argmax(h.data, b * O, O) === y[b]) correct++;
    }
    out.push({ coding: 'ttfs', timesteps: K * (hidden + 1), accuracy: n ? correct / n : 0, spikesPerSample: n ? spikes / n : 0 });
  }
  return out;
}

/**
 * Step-by-step TTFS simulation of one dense layer for one sample (reference for the closed form
 * above): inputs spike at steps kIn (K = silent), weights w [in, out], bias b. Integrates window 0
 * with step currents, then ramps in window 1 and returns each output neuron's spike step (K = none).
 */
export function ttfsSimulateDense(kIn: readonly number[], w: Float32Array, b: Float32Array, K: number, theta = 1): number[] {
  const nIn = kIn.length;
  const nOut = b.length;
  const v = new Float64Array(nOut);
  for (let k = 0; k < K; k++)
    for (let j = 0; j < nOut; j++) {
      let cur = b[j] / K;
      for (let i = 0; i < nIn; i++) if (kIn[i] <= k) cur += w[i * nOut + j] / K;
      v[j] += cur;
    }
  const fired = new Array<number>(nOut).fill(K);
  for (let j = 0; j < nOut; j++) {
    let m = v[j] + theta / (2 * K);
    for (let k = 0; k < K; k++) {
      if (m >= theta - 1e-9) {
        fired[j] = k;
        break;
      }
      m += theta / K;
    }
  }
  return fired;
}

