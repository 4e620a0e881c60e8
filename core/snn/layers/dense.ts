/**
 * Fully connected layer over [T, B, in] -> [T, B, units]. Time is folded into the batch: one GEMM
 * over T*B rows (SpikingJelly multi-step mode). When the builder knows the input is binary spikes,
 * forward and the weight gradient use the event-driven kernels, which only touch active inputs
 * (the native ones count the spikes and fall back to one GEMM where that is faster; kernels.md).
 */
import type { Rng } from '../rng';
import { BufferPool } from './bufferPool';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';

export interface DenseOptions {
  units: number;
  bias: boolean;
  /** Input is exactly 0/1 (spikes from a neuron layer or a spike encoder). */
  binaryInput: boolean;
  /** False for the first layer: nobody consumes dL/dinput, so backward skips that GEMM. */
  inputGrad: boolean;
}

export class DenseLayer implements Layer {
  readonly type = 'dense';
  readonly weight: Param;
  readonly bias: Param | null;
  private readonly inFeatures: number;
  private input: Float32Array | null = null;
  /** Output and input-gradient buffers, reused across steps (valid until the next forward/backward). */
  private readonly pool = new BufferPool();

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    private readonly opts: DenseOptions,
    rng: Rng,
  ) {
    if (inputShape.length !== 1) throw new RangeError(`${name}: dense expects a flat input [features], got [${inputShape.join(', ')}]`);
    const fanIn = inputShape[0];
    this.inFeatures = fanIn;
    const units = opts.units;
    // PyTorch nn.Linear default: Kaiming-uniform (He et al., ICCV 2015) with a = sqrt(5), i.e.
    // U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and bias; snnTorch's MNIST recipes rely on it.
    const bound = 1 / Math.sqrt(fanIn);
    const w = new Float32Array(fanIn * units);
    for (let i = 0; i < w.length; i++) w[i] = (rng.next() * 2 - 1) * bound;
    this.weight = { name: `${name}.weight`, shape: [fanIn, units], value: w, grad: new Float32Array(w.length), decay: true };
    if (opts.bias) {
      const b = new Float32Array(units);
      for (let i = 0; i < units; i++) b[i] = (rng.next() * 2 - 1) * bound;
      this.bias = { name: `${name}.bias`, shape: [units], value: b, grad: new Float32Array(units), decay: false };
    } else {
      this.bias = null;
    }
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1 || inputShape[0] !== this.inFeatures)
      throw new RangeError(`${this.name}: expected input [${this.inFeatures}], got [${inputShape.join(', ')}]`);
    return [this.opts.units];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const [T, B] = x.shape;
    const R = T * B;
    const K = this.inFeatures;
    const N = this.opts.units;
    if (x.data.length !== R * K) throw new RangeError(`${this.name}: input has ${x.data.length} values, expected ${R}x${K}`);
    const out = this.pool.get(ctx, 'out', R * N);
    // With a bias the output starts as the bias rows and the kernel accumulates onto them: one
    // pass over the output instead of two (a separate bias loop over R·N costs as much as the
    // neuron kernel that follows).
    const hasBias = this.bias !== null;
    if (this.bias) fillRows(out, this.bias.value, R);
    if (this.opts.binaryInput) ctx.kernels.spikeMatmul(R, K, N, x.data, this.weight.value, out, hasBias);
    else ctx.kernels.gemm(false, false, R, N, K, 1, x.data, 0, this.weight.value, 0, hasBias ? 1 : 0, out, 0);
    this.input = ctx.training ? x.data : null;
    return { data: out, shape: [T, B, N] };
  }

  backward(gradOut: Tensor, ctx: ForwardContext): Tensor {
    const X = this.input;
    if (!X) throw new Error(`${this.name}: backward called without a training forward`);
    const [T, B] = gradOut.shape;
    const R = T * B;
    const K = this.inFeatures;
    const N = this.opts.units;
    const G = gradOut.data;
    if (this.opts.binaryInput) ctx.kernels.spikeMatmulGradW(R, K, N, X, G, this.weight.grad);
    else ctx.kernels.gemm(true, false, K, N, R, 1, X, 0, G, 0, 1, this.weight.grad, 0);
    if (this.bias) {
      // db += 1^T G as a 1 x R by R x N product, so the column sums run in the GEMM kernel.
      const ones = this.pool.get(ctx, 'ones', R);
      if (ones[0] !== 1) ones.fill(1);
      ctx.kernels.gemm(false, false, 1, N, R, 1, ones, 0, G, 0, 1, this.bias.grad, 0);
    }
    if (!this.opts.inputGrad) return { data: new Float32Array(0), shape: [T, B, 0] };
    const dX = this.pool.get(ctx, 'dX', R * K);
    ctx.kernels.gemm(false, true, R, K, N, 1, G, 0, this.weight.value, 0, 0, dX, 0);
    return { data: dX, shape: [T, B, K] };
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
  activity(): LayerActivity | null {
    return null;
  }
  buffers(): Param[] {
    return [];
  }
}

/** dst = R copies of row (row-major), by doubling copies: log2(R) memmoves instead of R·N stores. */
function fillRows(dst: Float32Array, row: Float32Array, R: number): void {
  const N = row.length;
  if (R === 0) return;
  dst.set(row, 0);
  let filled = 1;
  while (filled < R) {
    const n = Math.min(filled, R - filled);
    dst.copyWithin(filled * N, 0, n * N);
    filled += n;
  }
}
