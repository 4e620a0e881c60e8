/**
 * The kernel interface every compute backend implements: the plain TypeScript reference
 * (`reference.ts`, the oracle) and the native addon (`core/native/nativeKernels.ts`).
 *
 * Plain data only: Float32Array/Int32Array and numbers, all row-major, all outputs preallocated by
 * the caller. Argument checks live in the TypeScript layer above (see `checked.ts`), so a kernel may
 * assume valid sizes. Kernels are synchronous: they are called from worker threads, never from a UI
 * or host main thread.
 */

export type SurrogateKind = 'arctan' | 'sigmoid' | 'fastSigmoid' | 'triangle' | 'rectangle';
export const SURROGATE_CODES: Record<SurrogateKind, number> = {
  arctan: 0,
  sigmoid: 1,
  fastSigmoid: 2,
  triangle: 3,
  rectangle: 4,
};

/** 0: hard reset to vReset; 1: soft reset (subtract threshold); 2: no spikes, no reset (integrator). */
export type ResetCode = 0 | 1 | 2;

/**
 * One fused multi-step neuron layer. With x = input current at step t:
 *   H[t] = decay * V[t-1] + inputScale * x[t] + bias            (charge)
 *   S[t] = H[t] >= threshold ? 1 : 0                            (fire; always 0 for reset 2)
 *   V[t] = hard: H[t] * (1 - S[t]) + vReset * S[t]               (reset)
 *          soft: H[t] - threshold * S[t]
 *          none: H[t]
 *   V[-1] = vInit
 * IF: decay = 1, inputScale = 1, bias = 0.
 * LIF decay form (snnTorch Leaky): decay = beta, inputScale = 1, bias = 0.
 * LIF seed form V(t+1) = V(t) + (I - (V - vReset)) / tau: decay = 1 - 1/tau, inputScale = 1/tau,
 *   bias = vReset / tau.
 * Refractory: for `refractory` steps after a spike the neuron holds V = vReset (hard) or its
 * post-reset value (soft), ignores input and cannot fire; gradients do not flow through those steps.
 * Backward uses dS/dH = surrogate'(H - threshold; surrogateAlpha). With detachReset the reset term
 * is treated as a constant in backward (SpikingJelly `detach_reset`).
 */
export interface NeuronKernelParams {
  decay: number;
  inputScale: number;
  bias: number;
  threshold: number;
  reset: ResetCode;
  vReset: number;
  vInit: number;
  refractory: number;
  detachReset: boolean;
  surrogate: SurrogateKind;
  surrogateAlpha: number;
}

/** Gradients of scalar (layer-shared) neuron parameters, summed over T and N. */
export interface NeuronParamGrads {
  decay: number;
  threshold: number;
}

export interface Conv2dGeometry {
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outH: number;
  outW: number;
}

/** A convolution over a whole batch of images [samples, C, H, W] -> [samples, filters, outH, outW]. */
export interface Conv2dBatch {
  /** One group's geometry: `channels` is C / groups. */
  geometry: Conv2dGeometry;
  samples: number;
  groups: number;
  /** All filters; weights are [filters, C / groups, kernelH, kernelW]. */
  filters: number;
  /**
   * Most floats of one block of batched columns (at least one image per block); a backend that
   * batches works through blocks of images that fit, one block per thread at a time. The reference
   * works image by image.
   */
  columnBudget: number;
}

/** Average pooling without padding (floor mode) over `planes` independent [height, width] planes. */
export interface Pool2dGeometry {
  planes: number;
  height: number;
  width: number;
  size: number;
  stride: number;
  outH: number;
  outW: number;
}

export interface Kernels {
  readonly name: 'native' | 'reference';

  /**
   * C[M,N] = alpha * op(A) * op(B) + beta * C, row-major. op(A) is M x K (A stored K x M when
   * transA), op(B) is K x N (B stored N x K when transB). Offsets let callers address slices of a
   * larger buffer without copying.
   */
  gemm(
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
  ): void;

  /**
   * Event-driven forward for a binary (0/1) input X[R,K]: OUT[R,N] = X * W[K,N] (+ OUT when
   * accumulate). Adds weight rows for active inputs only; wins over gemm when X is sparse.
   */
  spikeMatmul(R: number, K: number, N: number, X: Float32Array, W: Float32Array, out: Float32Array, accumulate: boolean): void;

  /** Event-driven weight gradient for binary X[R,K]: DW[K,N] += X^T * G[R,N]. */
  spikeMatmulGradW(R: number, K: number, N: number, X: Float32Array, G: Float32Array, dW: Float32Array): void;

  /**
   * Unfold one image [C,H,W] at `x[xOffset]` into columns [C*kH*kW, outH*outW] at `cols[colsOffset]`
   * (zero padding).
   */
  im2col(g: Conv2dGeometry, x: Float32Array, xOffset: number, cols: Float32Array, colsOffset: number): void;

  /** Adjoint of im2col: accumulate columns back into the image gradient (dx += fold(cols)). */
  col2im(g: Conv2dGeometry, cols: Float32Array, colsOffset: number, dx: Float32Array, dxOffset: number): void;

  /**
   * Batched convolution forward: out = conv(x, w) (+ bias per filter), overwriting out. `work` is
   * the caller's workspace of at least one image's columns and their gradient
   * (2 · C/groups · kH · kW · outH · outW floats); a backend may batch in its own scratch instead.
   * Optional: layers fall back to im2col + gemm per image where a backend lacks it.
   */
  conv2dForward?(c: Conv2dBatch, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, work: Float32Array): void;

  /**
   * Batched convolution backward from dL/dout `gy`: dW += dL/dw, dBias += dL/dbias (when given),
   * dx = dL/dx (overwritten, when given). Same `work` contract as conv2dForward.
   */
  conv2dBackward?(
    c: Conv2dBatch,
    x: Float32Array,
    w: Float32Array,
    gy: Float32Array,
    dW: Float32Array,
    dBias: Float32Array | null,
    dx: Float32Array | null,
    work: Float32Array,
  ): void;

  /**
   * Average pooling: out[p, oy, ox] = mean of the size x size window at (oy·stride, ox·stride),
   * summed in double in (ky, kx) order. Optional, like the batched convolution.
   */
  avgPool2dForward?(g: Pool2dGeometry, x: Float32Array, out: Float32Array): void;

  /** Adjoint of avgPool2dForward: dx = each window's gradient spread evenly (dx overwritten). */
  avgPool2dBackward?(g: Pool2dGeometry, gy: Float32Array, dx: Float32Array): void;

  /**
   * Poisson (Bernoulli) spike trains for T steps from n intensities: out[t·n + j] = 1 when
   * u(t·n + j) < p_j · 2^32 with p_j = gain · x[j], else 0, where u(i) = poissonCounterHash(i, key0,
   * key1) (`counterHash.ts`). Counter-based, so every element is drawn independently of the others:
   * backends may split the work freely and still agree bit for bit. Optional: callers use the
   * reference where a backend lacks it.
   */
  poissonEncode?(x: Float32Array, n: number, T: number, gain: number, key0: number, key1: number, out: Float32Array): void;

  /**
   * Fused multi-step neuron forward over X[T,N] (N = batch * features). Writes spikes S[T,N] and the
   * pre-reset membrane H[T,N] (kept for backward). If `V` is given, also writes post-reset V[T,N].
   */
  neuronForward(p: NeuronKernelParams, T: number, N: number, X: Float32Array, S: Float32Array, H: Float32Array, V: Float32Array | null): void;

  /**
   * Fused BPTT through the same neuron layer. gradS / gradV are dL/dS[t] and dL/dV[t] from above
   * (either may be null = zero). Writes dL/dX into gradX[T,N] and returns the summed gradients of the
   * shared decay and threshold parameters.
   */
  neuronBackward(
    p: NeuronKernelParams,
    T: number,
    N: number,
    H: Float32Array,
    S: Float32Array,
    gradS: Float32Array | null,
    gradV: Float32Array | null,
    gradX: Float32Array,
  ): NeuronParamGrads;
}
