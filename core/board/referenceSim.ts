/**
 * Integer reference simulator of a QuantNetwork: the plain statement of the board's arithmetic
 * (equations in quantise.ts), with no cores, FIFOs or routing. The emulator must reproduce its
 * output spikes exactly; `FloatChain` runs the same layers in float32 for the float-vs-quantised
 * accuracy report.
 */
import type { LeakMode, ResetMode } from './messages';
import type { FloatLayer, QuantNetwork } from './quantise';

/** sat_M: clamp to the signed M-bit range. */
export function saturate(v: number, bits: number): number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = -(2 ** (bits - 1));
  return v > hi ? hi : v < lo ? lo : v;
}

/** One tick of the board's leak. Arithmetic shift is floor division by 2^k (defined for negatives). */
export function applyLeak(v: number, mode: LeakMode, leak: number): number {
  if (mode === 'shift') return v - Math.floor(v / 2 ** leak);
  if (mode === 'subtract') return v > 0 ? Math.max(0, v - leak) : Math.min(0, v + leak);
  return v;
}

export function applyReset(v: number, thr: number, mode: ResetMode): number {
  return mode === 'zero' ? 0 : mode === 'subtract' ? v - thr : v;
}

export interface SampleResult {
  /** Per layer, per tick: the ids that fired. */
  spikes: Uint16Array[][];
  /** Per output-layer neuron: spikes over the run. */
  outputCounts: Int32Array;
  /** Final membranes per layer. */
  membranes: Int32Array[];
}

export class QuantReference {
  readonly v: Int32Array[];

  constructor(readonly q: QuantNetwork) {
    this.v = q.layers.map((l) => new Int32Array(l.neurons));
  }

  reset(): void {
    for (const v of this.v) v.fill(0);
  }

  /** One tick: input axon ids in, ids that fired per layer out. */
  step(input: ArrayLike<number>): Uint16Array[] {
    const out: Uint16Array[] = [];
    let src: ArrayLike<number> = input;
    this.q.layers.forEach((l, li) => {
      const N = l.neurons;
      const acc = new Float64Array(N);
      for (let j = 0; j < N; j++) acc[j] = l.bias[j];
      for (let k = 0; k < src.length; k++) {
        const row = src[k] * N;
        for (let j = 0; j < N; j++) acc[j] += l.weights[row + j];
      }
      const v = this.v[li];
      const fired: number[] = [];
      for (let j = 0; j < N; j++) {
        let m = saturate(applyLeak(v[j], l.leakMode, l.leak) + acc[j], this.q.membraneBits);
        if (m >= l.threshold[j]) {
          fired.push(j);
          m = applyReset(m, l.threshold[j], l.resetMode);
        }
        v[j] = m;
      }
      const ids = Uint16Array.from(fired);
      out.push(ids);
      src = ids;
    });
    return out;
  }

  run(inputs: readonly ArrayLike<number>[]): SampleResult {
    this.reset();
    const L = this.q.layers.length;
    const spikes: Uint16Array[][] = this.q.layers.map(() => []);
    const outputCounts = new Int32Array(this.q.layers[L - 1].neurons);
    for (const x of inputs) {
      const s = this.step(x);
      s.forEach((ids, li) => spikes[li].push(ids));
      for (const id of s[L - 1]) outputCounts[id]++;
    }
    return { spikes, outputCounts, membranes: this.v.map((v) => v.slice()) };
  }
}

/** The extracted float layers run in float32, the same equations as the engine's fused kernel. */
export function runFloatChain(layers: readonly FloatLayer[], inputs: readonly ArrayLike<number>[]): { outputCounts: Float32Array; membranes: Float32Array[] } {
  const v = layers.map((l) => new Float32Array(l.neurons));
  const last = layers[layers.length - 1];
  const outputCounts = new Float32Array(last.neurons);
  for (const x of inputs) {
    let src: ArrayLike<number> = x;
    layers.forEach((l, li) => {
      const N = l.neurons;
      const I = new Float32Array(l.bias);
      for (let k = 0; k < src.length; k++) {
        const row = src[k] * N;
        for (let j = 0; j < N; j++) I[j] += l.weight[row + j];
      }
      const fired: number[] = [];
      const vl = v[li];
      for (let j = 0; j < N; j++) {
        let h = Math.fround(l.decay * vl[j] + I[j]);
        if (h >= l.threshold) {
          fired.push(j);
          h = l.reset === 'zero' ? 0 : l.reset === 'subtract' ? h - l.threshold : h;
        }
        vl[j] = h;
      }
      if (li === layers.length - 1) for (const id of fired) outputCounts[id]++;
      src = fired;
    });
  }
  return { outputCounts, membranes: v };
}
