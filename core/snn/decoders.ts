/**
 * Decoders reduce the network output over time, [T, B, O] -> per-class scores [B, classes], with an
 * exact backward (or, for first-spike time, a documented straight-through estimate).
 */
import type { DecoderSpec } from './spec';

export interface Decoder {
  readonly kind: DecoderSpec['type'];
  classes(outputs: number): number;
  /** y: [T, B, O] -> [B, classes]. Remembers what backward needs. */
  forward(y: Float32Array, T: number, B: number, O: number): Float32Array;
  /** g: dL/dscores [B, classes] -> dL/dy [T, B, O]. */
  backward(g: Float32Array): Float32Array;
}

export class DecoderError extends Error {
  readonly code = 'DECODER';
  constructor(message: string) {
    super(message);
    this.name = 'DecoderError';
  }
}

interface Dims {
  T: number;
  B: number;
  O: number;
}

/** Sum (count) or mean (rate) of the output over time. */
function sumDecoder(kind: 'spikeCount' | 'rate'): Decoder {
  let d: Dims | null = null;
  return {
    kind,
    classes: (o) => o,
    forward(y, T, B, O) {
      d = { T, B, O };
      const scale = kind === 'rate' ? 1 / T : 1;
      const out = new Float32Array(B * O);
      for (let t = 0; t < T; t++) for (let i = 0; i < B * O; i++) out[i] += y[t * B * O + i];
      if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= scale;
      return out;
    },
    backward(g) {
      const { T, B, O } = need(d);
      const scale = kind === 'rate' ? 1 / T : 1;
      const dy = new Float32Array(T * B * O);
      for (let t = 0; t < T; t++) for (let i = 0; i < B * O; i++) dy[t * B * O + i] = g[i] * scale;
      return dy;
    },
  };
}

function need(d: Dims | null): Dims {
  if (!d) throw new DecoderError('decoder backward called before forward');
  return d;
}

/** Membrane of a non-spiking readout (integrator) reduced over time: last, max or mean. */
function membraneDecoder(reduce: 'last' | 'max' | 'mean'): Decoder {
  let d: Dims | null = null;
  let argT: Int32Array | null = null;
  return {
    kind: 'membrane',
    classes: (o) => o,
    forward(y, T, B, O) {
      d = { T, B, O };
      const n = B * O;
      const out = new Float32Array(n);
      if (reduce === 'last') out.set(y.subarray((T - 1) * n, T * n));
      else if (reduce === 'mean') {
        for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) out[i] += y[t * n + i];
        for (let i = 0; i < n; i++) out[i] /= T;
      } else {
        argT = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          let best = y[i];
          let bt = 0;
          for (let t = 1; t < T; t++) if (y[t * n + i] > best) { best = y[t * n + i]; bt = t; }
          out[i] = best;
          argT[i] = bt;
        }
      }
      return out;
    },
    backward(g) {
      const { T, B, O } = need(d);
      const n = B * O;
      const dy = new Float32Array(T * n);
      if (reduce === 'last') dy.set(g, (T - 1) * n);
      else if (reduce === 'mean') for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) dy[t * n + i] = g[i] / T;
      else {
        const a = argT as Int32Array;
        for (let i = 0; i < n; i++) dy[a[i] * n + i] = g[i];
      }
      return dy;
    },
  };
}

/**
 * First-spike time as a score: T − t_first (0 when silent), so the earliest output wins. The spike
 * time is piecewise constant in the spikes, so backward uses a straight-through estimate: a spike
 * at any t up to the first one would move the score by (T − t)/T, which is what dScore/dS[t] gets.
 */
function firstSpikeDecoder(): Decoder {
  let d: Dims | null = null;
  let first: Int32Array | null = null;
  return {
    kind: 'firstSpike',
    classes: (o) => o,
    forward(y, T, B, O) {
      d = { T, B, O };
      const n = B * O;
      const out = new Float32Array(n);
      first = new Int32Array(n).fill(T);
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < T; t++) if (y[t * n + i] > 0) { first[i] = t; break; }
        out[i] = T - first[i];
      }
      return out;
    },
    backward(g) {
      const { T, B, O } = need(d);
      const n = B * O;
      const f = first as Int32Array;
      const dy = new Float32Array(T * n);
      for (let i = 0; i < n; i++) for (let t = 0; t <= Math.min(f[i], T - 1); t++) dy[t * n + i] = (g[i] * (T - t)) / T;
      return dy;
    },
  };
}

/** Population voting: each class owns O/classes output neurons; its score is their mean count. */
function votingDecoder(classes: number): Decoder {
  let d: Dims | null = null;
  return {
    kind: 'voting',
    classes(o) {
      if (o % classes !== 0) throw new DecoderError(`${o} output neurons cannot be split into ${classes} equal voting groups`);
      return classes;
    },
    forward(y, T, B, O) {
      d = { T, B, O };
      const pop = O / classes;
      const out = new Float32Array(B * classes);
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) out[b * classes + Math.floor(o / pop)] += y[(t * B + b) * O + o] / pop;
      return out;
    },
    backward(g) {
      const { T, B, O } = need(d);
      const pop = O / classes;
      const dy = new Float32Array(T * B * O);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) dy[(t * B + b) * O + o] = g[b * classes + Math.floor(o / pop)] / pop;
      return dy;
    },
  };
}

export function createDecoder(spec: DecoderSpec): Decoder {
  switch (spec.type) {
    case 'spikeCount':
      return sumDecoder('spikeCount');
    case 'rate':
      return sumDecoder('rate');
    case 'membrane':
      return membraneDecoder(spec.reduce ?? 'mean');
    case 'firstSpike':
      return firstSpikeDecoder();
    case 'voting':
      return votingDecoder(spec.classes);
  }
}
