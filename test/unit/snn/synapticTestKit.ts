/**
 * Test kit for the synaptic layers: a naive kernel set (an independent oracle for the conv path)
 * and a finite-difference gradient checker that accumulates in float64.
 */
import type { Conv2dGeometry, Kernels } from '../../../core/snn/kernels/types';
import type { ForwardContext, Layer, Tensor } from '../../../core/snn/layers/layer';
import { Rng } from '../../../core/snn/rng';
import { referenceKernels } from '../../../core/snn/kernels/reference';

function naiveGemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, beta: number, C: Float32Array, cOff: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * M + i] : A[aOff + i * K + k];
        const b = transB ? B[bOff + j * K + k] : B[bOff + k * N + j];
        acc += a * b;
      }
      const c = cOff + i * N + j;
      C[c] = alpha * acc + (beta === 0 ? 0 : beta * C[c]);
    }
  }
}

function forEachPatch(g: Conv2dGeometry, fn: (row: number, col: number, img: number) => void): void {
  const L = g.outH * g.outW;
  for (let c = 0; c < g.channels; c++)
    for (let ky = 0; ky < g.kernelH; ky++)
      for (let kx = 0; kx < g.kernelW; kx++) {
        const row = (c * g.kernelH + ky) * g.kernelW + kx;
        for (let oy = 0; oy < g.outH; oy++)
          for (let ox = 0; ox < g.outW; ox++) {
            const y = oy * g.strideH - g.padH + ky;
            const x = ox * g.strideW - g.padW + kx;
            const inside = y >= 0 && y < g.height && x >= 0 && x < g.width;
            fn(row * L + oy * g.outW + ox, 0, inside ? (c * g.height + y) * g.width + x : -1);
          }
      }
}

export const naiveKernels: Kernels = {
  name: 'reference',
  gemm: naiveGemm,
  spikeMatmul(R, K, N, X, W, out, accumulate) {
    naiveGemm(false, false, R, N, K, 1, X, 0, W, 0, accumulate ? 1 : 0, out, 0);
  },
  spikeMatmulGradW(R, K, N, X, G, dW) {
    naiveGemm(true, false, K, N, R, 1, X, 0, G, 0, 1, dW, 0);
  },
  im2col(g, x, xOff, cols, cOff) {
    forEachPatch(g, (ci, _c, img) => {
      cols[cOff + ci] = img < 0 ? 0 : x[xOff + img];
    });
  },
  col2im(g, cols, cOff, dx, dxOff) {
    forEachPatch(g, (ci, _c, img) => {
      if (img >= 0) dx[dxOff + img] += cols[cOff + ci];
    });
  },
  neuronForward() {
    throw new Error('naiveKernels: neuronForward is not needed by synaptic layer tests');
  },
  neuronBackward() {
    throw new Error('naiveKernels: neuronBackward is not needed by synaptic layer tests');
  },
};

/** Layers are tested on the shared reference backend; naiveKernels cross-checks it for conv. */
export const testKernels: Kernels = referenceKernels;

export function ctxFor(kernels: Kernels, training: boolean, seed = 7): ForwardContext {
  return { kernels, training, rng: new Rng(seed) };
}

export function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (rng.next() * 2 - 1) * scale;
  return { data, shape };
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-12);
}

export interface GradCheckResult {
  inputRelErr: number;
  paramRelErr: Record<string, number>;
}

/**
 * Central differences of L = sum(y * R) for a fixed random R, against the layer's backward.
 * `seed` re-seeds the context RNG on every forward so stochastic layers (dropout) repeat their mask.
 */
export function gradCheck(layer: Layer, x: Tensor, kernels: Kernels, h = 1e-2, seed = 11): GradCheckResult {
  const rng = new Rng(99);
  const y0 = layer.forward(x, ctxFor(kernels, true, seed));
  const R = randomTensor(y0.shape, rng);
  const loss = (): number => {
    const y = layer.forward(x, ctxFor(kernels, true, seed));
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i] * R.data[i];
    return s;
  };
  for (const p of layer.params()) p.grad.fill(0);
  layer.forward(x, ctxFor(kernels, true, seed));
  const dx = layer.backward(R, ctxFor(kernels, true, seed));
  const numeric = (buf: Float32Array): Float64Array => {
    const g = new Float64Array(buf.length);
    for (let i = 0; i < buf.length; i++) {
      const orig = buf[i];
      buf[i] = orig + h;
      const lp = loss();
      buf[i] = orig - h;
      const lm = loss();
      buf[i] = orig;
      g[i] = (lp - lm) / (2 * h);
    }
    return g;
  };
  const inputRelErr = relErr(dx.data, numeric(x.data));
  const paramRelErr: Record<string, number> = {};
  for (const p of layer.params()) {
    const analytic = Float64Array.from(p.grad);
    paramRelErr[p.name] = relErr(analytic, numeric(p.value));
  }
  return { inputRelErr, paramRelErr };
}
