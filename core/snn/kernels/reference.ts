/**
 * The plain TypeScript backend: the fallback where the native addon is not built, and the oracle the
 * native kernels are tested against. Exactness first: sums accumulate in float64 rows and are
 * rounded to float32 once. Loop orders keep inner loops contiguous (i-k-j) so MNIST-sized training
 * is still practical without the addon.
 */
import { surrogateGrad } from '../surrogates';
import { conv2dBackwardPerImage, conv2dForwardPerImage } from './convPerImage';
import type { Conv2dBatch, Conv2dGeometry, Kernels, NeuronKernelParams, NeuronParamGrads, Pool2dGeometry } from './types';

function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  aOffset: number,
  B: Float32Array,
  bOffset: number,
  beta: number,
  C: Float32Array,
  cOffset: number,
): void {
  const acc = new Float64Array(N);
  if (!transB) {
    // Row i of C is a combination of rows of B: contiguous inner loop over j.
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOffset + k * M + i] : A[aOffset + i * K + k];
        if (a === 0) continue;
        const bRow = bOffset + k * N;
        for (let j = 0; j < N; j++) acc[j] += a * B[bRow + j];
      }
      storeRow(acc, alpha, beta, C, cOffset + i * N, N);
    }
    return;
  }
  // B stored N x K: C[i,j] is a dot product of row i of op(A) with row j of B.
  const aRow = new Float64Array(K);
  for (let i = 0; i < M; i++) {
    if (transA) for (let k = 0; k < K; k++) aRow[k] = A[aOffset + k * M + i];
    else for (let k = 0; k < K; k++) aRow[k] = A[aOffset + i * K + k];
    for (let j = 0; j < N; j++) {
      const bRow = bOffset + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += aRow[k] * B[bRow + k];
      acc[j] = s;
    }
    storeRow(acc, alpha, beta, C, cOffset + i * N, N);
  }
}

/** C = alpha * acc + beta * C; beta = 0 ignores C entirely (BLAS semantics: NaN in C is not read). */
function storeRow(acc: Float64Array, alpha: number, beta: number, C: Float32Array, off: number, N: number): void {
  if (beta === 0) for (let j = 0; j < N; j++) C[off + j] = alpha * acc[j];
  else for (let j = 0; j < N; j++) C[off + j] = alpha * acc[j] + beta * C[off + j];
}

function spikeMatmul(R: number, K: number, N: number, X: Float32Array, W: Float32Array, out: Float32Array, accumulate: boolean): void {
  const acc = new Float64Array(N);
  for (let r = 0; r < R; r++) {
    acc.fill(0);
    const xRow = r * K;
    for (let k = 0; k < K; k++) {
      const x = X[xRow + k];
      if (x === 0) continue;
      const wRow = k * N;
      for (let j = 0; j < N; j++) acc[j] += x * W[wRow + j];
    }
    const o = r * N;
    if (accumulate) for (let j = 0; j < N; j++) out[o + j] += acc[j];
    else for (let j = 0; j < N; j++) out[o + j] = acc[j];
  }
}

function spikeMatmulGradW(R: number, K: number, N: number, X: Float32Array, G: Float32Array, dW: Float32Array): void {
  // k outer so each dW row is summed in float64 and rounded once; only active (r, k) pairs add.
  const acc = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    let any = false;
    acc.fill(0);
    for (let r = 0; r < R; r++) {
      const x = X[r * K + k];
      if (x === 0) continue;
      any = true;
      const gRow = r * N;
      for (let j = 0; j < N; j++) acc[j] += x * G[gRow + j];
    }
    if (!any) continue;
    const wRow = k * N;
    for (let j = 0; j < N; j++) dW[wRow + j] += acc[j];
  }
}

function im2col(g: Conv2dGeometry, x: Float32Array, xOffset: number, cols: Float32Array, colsOffset: number): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW } = g;
  const plane = outH * outW;
  for (let c = 0; c < channels; c++) {
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++) {
        const row = colsOffset + ((c * kernelH + ki) * kernelW + kj) * plane;
        for (let oh = 0; oh < outH; oh++) {
          const y = oh * strideH - padH + ki;
          for (let ow = 0; ow < outW; ow++) {
            const xx = ow * strideW - padW + kj;
            cols[row + oh * outW + ow] =
              y >= 0 && y < height && xx >= 0 && xx < width ? x[xOffset + (c * height + y) * width + xx] : 0;
          }
        }
      }
    }
  }
}

function col2im(g: Conv2dGeometry, cols: Float32Array, colsOffset: number, dx: Float32Array, dxOffset: number): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW } = g;
  const plane = outH * outW;
  for (let c = 0; c < channels; c++) {
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++) {
        const row = colsOffset + ((c * kernelH + ki) * kernelW + kj) * plane;
        for (let oh = 0; oh < outH; oh++) {
          const y = oh * strideH - padH + ki;
          if (y < 0 || y >= height) continue;
          for (let ow = 0; ow < outW; ow++) {
            const xx = ow * strideW - padW + kj;
            if (xx < 0 || xx >= width) continue;
            dx[dxOffset + (c * height + y) * width + xx] += cols[row + oh * outW + ow];
          }
        }
      }
    }
  }
}

/**
 * Post-reset membrane from the pre-reset membrane and the spike. Also right for refractory steps,
 * where the kernel stores the held value in H and S = 0.
 */
function postReset(p: NeuronKernelParams, h: number, s: number): number {
  if (p.reset === 0) return s !== 0 ? p.vReset : h;
  if (p.reset === 1) return h - p.threshold * s;
  return h;
}

/**
 * Forward of the fused neuron (equations in types.ts). Refractory: after a spike at t the next
 * `refractory` steps hold V (H[t'] = V[t'] = V[t]), ignore input and emit no spike.
 */
function neuronForward(p: NeuronKernelParams, T: number, N: number, X: Float32Array, S: Float32Array, H: Float32Array, V: Float32Array | null): void {
  const { decay, inputScale, bias, threshold, reset, refractory } = p;
  for (let n = 0; n < N; n++) {
    let v = p.vInit;
    let hold = 0;
    for (let t = 0; t < T; t++) {
      const i = t * N + n;
      if (hold > 0) {
        hold--;
        H[i] = v;
        S[i] = 0;
        if (V) V[i] = v;
        continue;
      }
      const h = decay * v + inputScale * X[i] + bias;
      // Math.fround: compare the float32 value that is stored, so backward sees the same decision.
      const hf = Math.fround(h);
      const s = reset !== 2 && hf >= threshold ? 1 : 0;
      H[i] = hf;
      S[i] = s;
      v = Math.fround(postReset(p, hf, s));
      if (V) V[i] = v;
      if (s !== 0 && refractory > 0) hold = refractory;
    }
  }
}

/**
 * BPTT through the fused neuron, t = T−1 … 0, per neuron, with g = surrogate'(H − threshold):
 *   dV[t]  = gradV[t] + decay · dH[t+1]                    (0 carried out of a refractory step)
 *   dS[t]  = gradS[t] + dV[t] · ∂V/∂S                     (∂V/∂S = vReset − H (hard), −θ (soft);
 *                                                          0 with detachReset or no reset)
 *   dH[t]  = dV[t] · ∂V/∂H + dS[t] · g                     (∂V/∂H = 1 − S (hard), 1 otherwise)
 *   dX[t]  = inputScale · dH[t]
 *   dDecay = Σ dH[t] · V[t−1];  dθ = Σ −dS[t] · g − dV[t] · S[t] (soft reset only)
 * Refractory steps pass no gradient: dX = 0 and nothing flows back through them.
 */
function neuronBackward(
  p: NeuronKernelParams,
  T: number,
  N: number,
  H: Float32Array,
  S: Float32Array,
  gradS: Float32Array | null,
  gradV: Float32Array | null,
  gradX: Float32Array,
): NeuronParamGrads {
  const { decay, inputScale, threshold, reset, vReset, refractory, detachReset, surrogate, surrogateAlpha } = p;
  const refr = new Uint8Array(T);
  let gDecay = 0;
  let gThreshold = 0;
  for (let n = 0; n < N; n++) {
    // Which steps were refractory follows from the spikes alone.
    let hold = 0;
    for (let t = 0; t < T; t++) {
      if (hold > 0) {
        refr[t] = 1;
        hold--;
        continue;
      }
      refr[t] = 0;
      if (S[t * N + n] !== 0 && refractory > 0) hold = refractory;
    }
    let carry = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + n;
      if (refr[t]) {
        gradX[i] = 0;
        carry = 0;
        continue;
      }
      const h = H[i];
      const s = S[i];
      const dV = (gradV ? gradV[i] : 0) + carry;
      const g = reset === 2 ? 0 : surrogateGrad(surrogate, h - threshold, surrogateAlpha);
      let dS = gradS && reset !== 2 ? gradS[i] : 0;
      let dVdH = 1;
      if (reset === 0) {
        dVdH = 1 - s;
        if (!detachReset) dS += dV * (vReset - h);
      } else if (reset === 1) {
        if (!detachReset) dS += dV * -threshold;
        gThreshold -= dV * s;
      }
      const dH = dV * dVdH + dS * g;
      gradX[i] = inputScale * dH;
      gThreshold -= dS * g;
      const vPrev = t === 0 ? p.vInit : postReset(p, H[i - N], S[i - N]);
      gDecay += dH * vPrev;
      carry = decay * dH;
    }
  }
  return { decay: gDecay, threshold: gThreshold };
}

/**
 * Poisson spikes from counter hashes (types.ts, counterHash.ts). `u < p·2^32` is tested as
 * `u <= ceil(p·2^32) − 1` on integers; p <= 0 (and NaN) never fires and p >= 1 always does.
 * poissonCounterHash is inlined and everything stays in int32 (u and the limit shifted by −2^31 for
 * a signed compare): a uint32 above 2^31 is a heap number in V8, which made the plain version
 * ten times slower.
 */
function poissonEncode(x: Float32Array, n: number, T: number, gain: number, key0: number, key1: number, out: Float32Array): void {
  const lim = new Int32Array(n);
  const on = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const p = gain * x[j];
    if (!(p > 0)) continue;
    const th = Math.min(Math.ceil(p * 4294967296), 4294967296);
    lim[j] = (th - 1 - 2147483648) | 0;
    on[j] = 1;
  }
  const k0 = key0 | 0;
  const k1 = key1 | 0;
  for (let t = 0; t < T; t++) {
    const o = t * n;
    for (let j = 0; j < n; j++) {
      let h = (Math.imul((o + j) | 0, 0x9e3779b9) + k0) | 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x7feb352d);
      h ^= h >>> 15;
      h = Math.imul(h, 0x846ca68b);
      h ^= h >>> 16;
      h ^= k1;
      h ^= h >>> 16;
      h = Math.imul(h, 0x7feb352d);
      h ^= h >>> 15;
      h = Math.imul(h, 0x846ca68b);
      h ^= h >>> 16;
      out[o + j] = on[j] & +((h ^ -2147483648) <= lim[j]);
    }
  }
}

/**
 * Average pooling over independent planes. The 2x2 / stride 2 case is unrolled (same summation
 * order as the general loop, so the same values): over a conv layer's whole T·B output this loop
 * is a large share of the step.
 */
function avgPool2dForward(g: Pool2dGeometry, x: Float32Array, out: Float32Array): void {
  const { planes, height: h, width: w, size, stride, outH, outW } = g;
  const inPlane = h * w;
  const outPlane = outH * outW;
  const inv = 1 / (size * size);
  if (size === 2 && stride === 2) {
    for (let p = 0; p < planes; p++) {
      const ib = p * inPlane;
      const ob = p * outPlane;
      for (let oy = 0; oy < outH; oy++) {
        const r0 = ib + 2 * oy * w;
        const r1 = r0 + w;
        const o = ob + oy * outW;
        for (let ox = 0; ox < outW; ox++) {
          const c = 2 * ox;
          out[o + ox] = (x[r0 + c] + x[r0 + c + 1] + x[r1 + c] + x[r1 + c + 1]) * inv;
        }
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    const ib = p * inPlane;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let acc = 0;
        for (let ky = 0; ky < size; ky++) {
          const row = ib + (oy * stride + ky) * w + ox * stride;
          for (let kx = 0; kx < size; kx++) acc += x[row + kx];
        }
        out[p * outPlane + oy * outW + ox] = acc * inv;
      }
    }
  }
}

function avgPool2dBackward(g: Pool2dGeometry, gy: Float32Array, dx: Float32Array): void {
  const { planes, height: h, width: w, size, stride, outH, outW } = g;
  const inPlane = h * w;
  const outPlane = outH * outW;
  const inv = 1 / (size * size);
  if (size === 2 && stride === 2) {
    // Non-overlapping windows: every input element gets at most one window's share, so it is
    // written, not accumulated; only the floor-mode remainder (odd H or W) needs zeros.
    if (h % 2 !== 0 || w % 2 !== 0) dx.fill(0, 0, planes * inPlane);
    for (let p = 0; p < planes; p++) {
      const ib = p * inPlane;
      const ob = p * outPlane;
      for (let oy = 0; oy < outH; oy++) {
        const r0 = ib + 2 * oy * w;
        const r1 = r0 + w;
        const o = ob + oy * outW;
        for (let ox = 0; ox < outW; ox++) {
          const v = gy[o + ox] * inv;
          const c = 2 * ox;
          dx[r0 + c] = v;
          dx[r0 + c + 1] = v;
          dx[r1 + c] = v;
          dx[r1 + c + 1] = v;
        }
      }
    }
    return;
  }
  dx.fill(0, 0, planes * inPlane);
  for (let p = 0; p < planes; p++) {
    const ib = p * inPlane;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const v = gy[p * outPlane + oy * outW + ox] * inv;
        for (let ky = 0; ky < size; ky++) {
          const row = ib + (oy * stride + ky) * w + ox * stride;
          for (let kx = 0; kx < size; kx++) dx[row + kx] += v;
        }
      }
    }
  }
}

const primitives = { gemm, im2col, col2im };

/** Image by image (convPerImage.ts): the oracle for the native batched convolution. */
function conv2dForward(c: Conv2dBatch, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, work: Float32Array): void {
  conv2dForwardPerImage(primitives, c, x, w, bias, out, work);
}

function conv2dBackward(
  c: Conv2dBatch,
  x: Float32Array,
  w: Float32Array,
  gy: Float32Array,
  dW: Float32Array,
  dBias: Float32Array | null,
  dx: Float32Array | null,
  work: Float32Array,
): void {
  conv2dBackwardPerImage(primitives, c, x, w, gy, dW, dBias, dx, work);
}

export const referenceKernels: Kernels = {
  name: 'reference',
  gemm,
  spikeMatmul,
  spikeMatmulGradW,
  im2col,
  col2im,
  conv2dForward,
  conv2dBackward,
  avgPool2dForward,
  avgPool2dBackward,
  poissonEncode,
  neuronForward,
  neuronBackward,
};
