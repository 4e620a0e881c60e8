import { describe, expect, it } from 'vitest';
import { referenceKernels as K } from '../../../core/snn/kernels/reference';
import type { Conv2dGeometry, NeuronKernelParams } from '../../../core/snn/kernels/types';
import { Rng } from '../../../core/snn/rng';
import { SURROGATE_KINDS, surrogateGrad } from '../../../core/snn/surrogates';
import { getKernels } from '../../../core/snn/kernels/index';
import { NEURON_GOLDEN } from './neuronGolden';

function rand(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * scale;
  return a;
}

function params(over: Partial<NeuronKernelParams>): NeuronKernelParams {
  return {
    decay: 1,
    inputScale: 1,
    bias: 0,
    threshold: 1,
    reset: 0,
    vReset: 0,
    vInit: 0,
    refractory: 0,
    detachReset: false,
    surrogate: 'arctan',
    surrogateAlpha: 2,
    ...over,
  };
}

describe('reference gemm', () => {
  const rng = new Rng(1);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matches a naive triple loop (transA=${transA}, transB=${transB})`, () => {
        const M = 7;
        const N = 5;
        const Kd = 9;
        const aOff = 3;
        const bOff = 2;
        const cOff = 4;
        const A = rand(rng, aOff + M * Kd);
        const B = rand(rng, bOff + Kd * N);
        const C = rand(rng, cOff + M * N);
        const C0 = C.slice();
        const alpha = 0.75;
        const beta = -0.5;
        K.gemm(transA, transB, M, N, Kd, alpha, A, aOff, B, bOff, beta, C, cOff);
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let k = 0; k < Kd; k++) {
              const a = transA ? A[aOff + k * M + i] : A[aOff + i * Kd + k];
              const b = transB ? B[bOff + j * Kd + k] : B[bOff + k * N + j];
              s += a * b;
            }
            expect(C[cOff + i * N + j]).toBeCloseTo(alpha * s + beta * C0[cOff + i * N + j], 5);
          }
        }
        for (let i = 0; i < cOff; i++) expect(C[i]).toBe(C0[i]);
      });
    }
  }

  it('ignores C when beta is 0, even NaN', () => {
    const C = new Float32Array([NaN, NaN]);
    K.gemm(false, false, 1, 2, 1, 1, new Float32Array([2]), 0, new Float32Array([3, 4]), 0, 0, C, 0);
    expect(Array.from(C)).toEqual([6, 8]);
  });
});

describe('reference spike matmul', () => {
  it('equals gemm on binary input, forward and weight gradient', () => {
    const rng = new Rng(2);
    const R = 6;
    const Kd = 11;
    const N = 4;
    const X = new Float32Array(R * Kd).map(() => (rng.next() < 0.3 ? 1 : 0));
    const W = rand(rng, Kd * N);
    const out = new Float32Array(R * N);
    const ref = new Float32Array(R * N);
    K.spikeMatmul(R, Kd, N, X, W, out, false);
    K.gemm(false, false, R, N, Kd, 1, X, 0, W, 0, 0, ref, 0);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(ref[i], 6);
    K.spikeMatmul(R, Kd, N, X, W, out, true);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(2 * ref[i], 5);

    const G = rand(rng, R * N);
    const dW = new Float32Array(Kd * N).fill(1);
    const dWref = new Float32Array(Kd * N).fill(1);
    K.spikeMatmulGradW(R, Kd, N, X, G, dW);
    K.gemm(true, false, Kd, N, R, 1, X, 0, G, 0, 1, dWref, 0);
    for (let i = 0; i < dW.length; i++) expect(dW[i]).toBeCloseTo(dWref[i], 5);
  });
});

describe('reference im2col / col2im', () => {
  const geometries: Conv2dGeometry[] = [
    { channels: 2, height: 5, width: 6, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, outH: 5, outW: 6 },
    { channels: 3, height: 7, width: 7, kernelH: 3, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 1, outH: 3, outW: 4 },
  ];
  for (const g of geometries) {
    it(`col2im is the adjoint of im2col (${g.kernelH}x${g.kernelW}/s${g.strideH}/p${g.padH})`, () => {
      const rng = new Rng(3);
      const xs = g.channels * g.height * g.width;
      const cs = g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
      const x = rand(rng, xs + 2);
      const c = rand(rng, cs + 1);
      const colsOfX = new Float32Array(cs + 1);
      K.im2col(g, x, 2, colsOfX, 1);
      const foldC = new Float32Array(xs + 2);
      K.col2im(g, c, 1, foldC, 2);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < xs; i++) lhs += foldC[2 + i] * x[2 + i];
      for (let i = 0; i < cs; i++) rhs += c[1 + i] * colsOfX[1 + i];
      expect(lhs).toBeCloseTo(rhs, 4);
    });
  }

  it('unfolds a known 1-channel 3x3 image with padding', () => {
    const g: Conv2dGeometry = { channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2, strideH: 1, strideW: 1, padH: 0, padW: 0, outH: 2, outW: 2 };
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const cols = new Float32Array(16);
    K.im2col(g, x, 0, cols, 0);
    expect(Array.from(cols)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });
});

describe('neuron forward: golden traces on every available backend', () => {
  const backends = [K, getKernels().kernels].filter((k, i, all) => all.indexOf(k) === i);
  for (const kern of backends) {
    for (const g of NEURON_GOLDEN) {
      it(`${kern.name}: ${g.label}`, () => {
        const T = g.x.length;
        const S = new Float32Array(T);
        const H = new Float32Array(T);
        const V = new Float32Array(T);
        kern.neuronForward(g.params, T, 1, Float32Array.from(g.x), S, H, V);
        expect(Array.from(H)).toEqual(g.H);
        expect(Array.from(S)).toEqual(g.S);
        expect(Array.from(V)).toEqual(g.V);
      });
    }
  }
  it('runs neurons independently over N', () => {
    const X = Float32Array.from([1, 0.5, 1, 0.5]); // T=2, N=2
    const S = new Float32Array(4);
    const H = new Float32Array(4);
    K.neuronForward(params({}), 2, 2, X, S, H, null);
    expect(Array.from(S)).toEqual([1, 0, 1, 1]);
  });
});

/**
 * Forward-mode (tangent) derivative of L = Σ wS·S + wV·V through the same neuron with the surrogate
 * standing in for dΘ: an independent derivation against which the reverse-mode kernel is checked.
 */
function tangent(p: NeuronKernelParams, x: Float64Array, wS: Float64Array, wV: Float64Array, dir: { x?: number; decay?: boolean; threshold?: boolean }): number {
  let v = p.vInit;
  let dv = 0;
  let hold = 0;
  let dL = 0;
  const dDecay = dir.decay ? 1 : 0;
  const dThr = dir.threshold ? 1 : 0;
  for (let t = 0; t < x.length; t++) {
    if (hold > 0) {
      hold--;
      dv = 0;
      continue;
    }
    const h = Math.fround(p.decay * v + p.inputScale * x[t] + p.bias);
    const dh = dDecay * v + p.decay * dv + (dir.x === t ? p.inputScale : 0);
    const s = p.reset !== 2 && h >= p.threshold ? 1 : 0;
    const g = p.reset === 2 ? 0 : surrogateGrad(p.surrogate, h - p.threshold, p.surrogateAlpha);
    const ds = g * (dh - dThr);
    let vn: number;
    let dvn: number;
    if (p.reset === 0) {
      vn = s ? p.vReset : h;
      dvn = dh * (1 - s) + (p.detachReset ? 0 : (p.vReset - h) * ds);
    } else if (p.reset === 1) {
      vn = h - p.threshold * s;
      dvn = dh - dThr * s - (p.detachReset ? 0 : p.threshold * ds);
    } else {
      vn = h;
      dvn = dh;
    }
    dL += wS[t] * ds + wV[t] * dvn;
    v = Math.fround(vn);
    dv = dvn;
    if (s && p.refractory > 0) hold = p.refractory;
  }
  return dL;
}

describe('reference neuron backward', () => {
  const T = 12;
  const cases: Array<[string, Partial<NeuronKernelParams>]> = [
    ['IF hard', {}],
    ['LIF soft', { decay: 0.8, reset: 1 }],
    ['LIF hard detach', { decay: 0.9, detachReset: true, vReset: -0.2 }],
    ['LIF soft detach', { decay: 0.7, reset: 1, detachReset: true }],
    ['LIF tau refractory', { decay: 0.5, inputScale: 0.5, bias: -0.05, threshold: 0.4, refractory: 2, vInit: 0.3 }],
    ['soft refractory', { decay: 0.95, reset: 1, refractory: 1 }],
  ];
  for (const [label, over] of cases) {
    for (const surrogate of SURROGATE_KINDS) {
      it(`matches the tangent derivation: ${label}, ${surrogate}`, () => {
        const p = params({ ...over, surrogate, surrogateAlpha: surrogate === 'fastSigmoid' ? 5 : 1.5 });
        const rng = new Rng(label.length * 7 + surrogate.length);
        const x = Float32Array.from({ length: T }, () => rng.next() * 1.2);
        const wS = Float64Array.from({ length: T }, () => rng.next() * 2 - 1);
        const wV = Float64Array.from({ length: T }, () => rng.next() * 2 - 1);
        const S = new Float32Array(T);
        const H = new Float32Array(T);
        K.neuronForward(p, T, 1, x, S, H, null);
        expect(S.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        const gradX = new Float32Array(T);
        const grads = K.neuronBackward(p, T, 1, H, S, Float32Array.from(wS), Float32Array.from(wV), gradX);
        const x64 = Float64Array.from(x);
        for (let t = 0; t < T; t++) expect(gradX[t]).toBeCloseTo(tangent(p, x64, wS, wV, { x: t }), 4);
        expect(grads.decay).toBeCloseTo(tangent(p, x64, wS, wV, { decay: true }), 3);
        expect(grads.threshold).toBeCloseTo(tangent(p, x64, wS, wV, { threshold: true }), 3);
      });
    }
  }

  function lossV(p: NeuronKernelParams, x: Float32Array, w: Float64Array): number {
    const n = x.length;
    const S = new Float32Array(n);
    const H = new Float32Array(n);
    const V = new Float32Array(n);
    K.neuronForward(p, n, 1, x, S, H, V);
    let l = 0;
    for (let t = 0; t < n; t++) l += w[t] * V[t];
    return l;
  }

  for (const [label, over] of [
    ['integrator', { reset: 2 as const, decay: 0.9, inputScale: 0.5, bias: 0.1 }],
    ['sub-threshold LIF', { decay: 0.85, threshold: 100 }],
  ] as const) {
    it(`agrees with finite differences where no spike occurs (${label})`, () => {
      const rng = new Rng(9);
      const p = params(over);
      const x = Float32Array.from({ length: T }, () => rng.next());
      const w = Float64Array.from({ length: T }, () => rng.next() * 2 - 1);
      const S = new Float32Array(T);
      const H = new Float32Array(T);
      K.neuronForward(p, T, 1, x, S, H, null);
      const gradX = new Float32Array(T);
      const grads = K.neuronBackward(p, T, 1, H, S, null, Float32Array.from(w), gradX);
      const eps = 1e-2;
      for (let t = 0; t < T; t++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[t] += eps;
        xm[t] -= eps;
        expect(gradX[t]).toBeCloseTo((lossV(p, xp, w) - lossV(p, xm, w)) / (2 * eps), 2);
      }
      const fd = (lossV({ ...p, decay: p.decay + eps }, x, w) - lossV({ ...p, decay: p.decay - eps }, x, w)) / (2 * eps);
      expect(grads.decay).toBeCloseTo(fd, 1);
      expect(Math.abs(grads.decay - fd)).toBeLessThan(0.02 * Math.max(1, Math.abs(fd)));
      // Only the far surrogate tail reaches the threshold (the membrane stays far below it).
      expect(Math.abs(grads.threshold)).toBeLessThan(1e-3);
    });
  }

  it('passes no gradient through refractory steps', () => {
    const p = params({ refractory: 2 });
    const x = Float32Array.from([1, 1, 1, 1]);
    const S = new Float32Array(4);
    const H = new Float32Array(4);
    K.neuronForward(p, 4, 1, x, S, H, null);
    const gradX = new Float32Array(4);
    K.neuronBackward(p, 4, 1, H, S, new Float32Array(4).fill(1), null, gradX);
    expect(gradX[1]).toBe(0);
    expect(gradX[2]).toBe(0);
    expect(gradX[0]).not.toBe(0);
  });
});
