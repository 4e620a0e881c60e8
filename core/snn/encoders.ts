/**
 * Encoders turn a batch of analog samples (values in [0, 1], [B, ...input]) into a [T, B, ...input]
 * input tensor: spikes for all kinds except 'direct'. Encoders have no parameters and no backward:
 * the first layer never needs dL/dinput.
 */
import { getKernels, referenceKernels } from './kernels/index';
import type { Kernels } from './kernels/types';
import type { Rng } from './rng';
import type { EncoderSpec } from './spec';

export interface Encoder {
  readonly kind: EncoderSpec['type'];
  /** True when the output is exactly 0/1 (event-driven kernels may be used downstream). */
  readonly binary: boolean;
  /**
   * x: [B, F] values in [0, 1]; returns [T, B, F]. `into` is an optional buffer of T·B·F floats to
   * overwrite (the network reuses one across batches); encoders that cannot use it allocate.
   */
  encode(x: Float32Array, batch: number, timesteps: number, rng: Rng, into?: Float32Array): Float32Array;
}

export class EncoderError extends Error {
  readonly code = 'ENCODER';
  constructor(message: string) {
    super(message);
    this.name = 'EncoderError';
  }
}

/**
 * Bernoulli spike per step with p = clamp(gain·x, 0, 1) (rate coding; snnTorch `spikegen.rate`).
 *
 * This runs on every training step over T·B·F elements (2.5 M for MNIST at T = 25, B = 128). The
 * draws are counter-based (`Kernels.poissonEncode`, kernels/counterHash.ts): each call takes one
 * key of two 32-bit words from the run's Rng and element i draws a hash of (i, key), so the native
 * kernel spreads the work over all cores and both backends emit the same spikes bit for bit under
 * a seed. `kernels` defaults to the process's backend (getKernels()).
 */
export function poissonEncoder(gain = 1, kernels?: Pick<Kernels, 'poissonEncode'>): Encoder {
  return {
    kind: 'poisson',
    binary: true,
    encode(x, _batch, T, rng, into) {
      const n = x.length;
      const out = outputBuffer(into, T * n);
      const key0 = rng.nextU32();
      const key1 = rng.nextU32();
      const k = kernels ?? getKernels().kernels;
      if (k.poissonEncode) k.poissonEncode(x, n, T, gain, key0, key1, out);
      else referenceKernels.poissonEncode!(x, n, T, gain, key0, key1, out);
      return out;
    },
  };
}

/** `into` when it has exactly `size` elements (a caller's reused buffer), else a fresh zeroed array. */
function outputBuffer(into: Float32Array | undefined, size: number): Float32Array {
  return into !== undefined && into.length === size ? into : new Float32Array(size);
}

/**
 * Deterministic rate code: a regular spike train whose rate is x, from an accumulator that fires
 * on crossing 1 (an IF neuron driven by x; the noise-free counterpart of Poisson coding).
 */
export function rateEncoder(): Encoder {
  return {
    kind: 'rate',
    binary: true,
    encode(x, _batch, T) {
      const n = x.length;
      const out = new Float32Array(T * n);
      for (let i = 0; i < n; i++) {
        const r = Math.min(Math.max(x[i], 0), 1);
        let acc = 0;
        for (let t = 0; t < T; t++) {
          acc += r;
          if (acc >= 1 - 1e-9) {
            out[t * n + i] = 1;
            acc -= 1;
          }
        }
      }
      return out;
    },
  };
}

/**
 * Latency / time-to-first-spike: one spike per input, earlier for brighter (snnTorch
 * `spikegen.latency`). linear: t = round((1 − x)(T − 1)); log (RC charging to a threshold):
 * t = τ ln(x / (x − θ)), clipped to T − 1. Inputs at or below θ never spike.
 */
export function latencyEncoder(mode: 'linear' | 'log', tau = 5, threshold = 0.01): Encoder {
  return {
    kind: 'latency',
    binary: true,
    encode(x, _batch, T) {
      const n = x.length;
      const out = new Float32Array(T * n);
      for (let i = 0; i < n; i++) {
        const v = Math.min(x[i], 1);
        if (!(v > threshold)) continue;
        const t = mode === 'linear' ? Math.round((1 - v) * (T - 1)) : Math.min(T - 1, Math.round(tau * Math.log(v / (v - threshold))));
        out[t * n + i] = 1;
      }
      return out;
    },
  };
}

/** Direct (analog) coding: the same value every step; the first layer acts as the encoder. */
export function directEncoder(): Encoder {
  return {
    kind: 'direct',
    binary: false,
    encode(x, _batch, T) {
      const n = x.length;
      const out = new Float32Array(T * n);
      for (let t = 0; t < T; t++) out.set(x, t * n);
      return out;
    },
  };
}

/** Orthonormal DCT-II basis of size m: C[k][i]. */
function dctBasis(m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    const s = k === 0 ? Math.sqrt(1 / m) : Math.sqrt(2 / m);
    for (let i = 0; i < m; i++) c[k * m + i] = s * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * m));
  }
  return c;
}

/**
 * DCT coding (Garg, Chowdhury & Roy, "DCT-SNN", ICCV 2021): each b x b block of every channel is
 * transformed by a 2-D DCT; the b² frequency components are spread over the T steps in zig-zag
 * order (low frequencies first), and at step t each pixel receives the inverse-DCT contribution of
 * the components assigned to t. Summed over all steps the currents rebuild the image exactly. An
 * integrate-and-fire encoding neuron per pixel (threshold 1/T, soft reset; Garg eq. 3-4) turns
 * the current into spikes. `shape` is the per-sample input: [C, H, W], or [F] read as a square.
 */
export function dctEncoder(shape: readonly number[], blocks = 8): Encoder {
  let C: number;
  let Hh: number;
  let W: number;
  if (shape.length === 3) [C, Hh, W] = shape;
  else {
    const side = Math.round(Math.sqrt(shape[0]));
    if (side * side !== shape[0]) throw new EncoderError(`dct encoder needs [channels, height, width] or a square flat input, got [${shape.join(', ')}]`);
    C = 1;
    Hh = side;
    W = side;
  }
  const b = blocks;
  const basis = dctBasis(b);
  // Zig-zag order of (u, v) frequency pairs by u + v.
  const order: Array<[number, number]> = [];
  for (let s = 0; s <= 2 * (b - 1); s++) for (let u = 0; u < b; u++) { const v = s - u; if (v >= 0 && v < b) order.push([u, v]); }
  const F = C * Hh * W;
  return {
    kind: 'dct',
    binary: true,
    encode(x, batch, T) {
      const out = new Float32Array(T * batch * F);
      // Per-sample, per-step current [T, F].
      const current = new Float64Array(T * F);
      const coef = new Float64Array(b * b);
      const threshold = 1 / T;
      for (let s = 0; s < batch; s++) {
        current.fill(0);
        const base = s * F;
        for (let c = 0; c < C; c++) {
          for (let by = 0; by < Hh; by += b) {
            for (let bx = 0; bx < W; bx += b) {
              // Forward 2-D DCT of the block (zero-padded at the image border).
              for (let u = 0; u < b; u++) for (let v = 0; v < b; v++) {
                let acc = 0;
                for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) {
                  const y = by + i;
                  const xx = bx + j;
                  if (y < Hh && xx < W) acc += basis[u * b + i] * basis[v * b + j] * x[base + (c * Hh + y) * W + xx];
                }
                coef[u * b + v] = acc;
              }
              for (let q = 0; q < order.length; q++) {
                const [u, v] = order[q];
                const cu = coef[u * b + v];
                if (cu === 0) continue;
                const t = Math.min(T - 1, Math.floor((q * T) / order.length));
                for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) {
                  const y = by + i;
                  const xx = bx + j;
                  if (y < Hh && xx < W) current[t * F + (c * Hh + y) * W + xx] += cu * basis[u * b + i] * basis[v * b + j];
                }
              }
            }
          }
        }
        // IF encoding neurons: a pixel of intensity x emits about x·T spikes over the window.
        for (let f = 0; f < F; f++) {
          let v = 0;
          for (let t = 0; t < T; t++) {
            v += current[t * F + f];
            if (v >= threshold) {
              out[(t * batch + s) * F + f] = 1;
              v -= threshold;
            }
          }
        }
      }
      return out;
    },
  };
}

export function createEncoder(spec: EncoderSpec, inputShape: readonly number[]): Encoder {
  switch (spec.type) {
    case 'poisson':
      return poissonEncoder(spec.gain ?? 1);
    case 'rate':
      return rateEncoder();
    case 'latency':
      return latencyEncoder(spec.mode, spec.tau ?? 5, spec.threshold ?? 0.01);
    case 'dct':
      return dctEncoder(inputShape, spec.blocks ?? 8);
    case 'direct':
      return directEncoder();
  }
}
