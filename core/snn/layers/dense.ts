/**
 * Fully connected layer over [T, B, in] -> [T, B, units]. Time is folded into the batch: one GEMM
 * over T*B rows (SpikingJelly multi-step mode). When the builder knows the input is binary spikes,
 * forward and the weight gradient use the event-driven kernels, which only touch active inputs.
 */
import type { Rng } from '../rng';
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
    const out = new Float32Array(R * N);
    if (this.opts.binaryInput) ctx.kernels.spikeMatmul(R, K, N, x.data, this.weight.value, out, false);
    else ctx.kernels.gemm(false, false, R, N, K, 1, x.data, 0, this.weight.value, 0, 0, out, 0);
    if (this.bias) {
      const b = this.bias.value;
      for (let r = 0; r < R; r++) {
        const o = r * N;
        for (let j = 0; j < N; j++) out[o + j] += b[j];
      }
    }
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
      const db = this.bias.grad;
      for (let r = 0; r < R; r++) {
        const o = r * N;
        for (let j = 0; j < N; j++) db[j] += G[o + j];
      }
    }
    if (!this.opts.inputGrad) return { data: new Float32Array(0), shape: [T, B, 0] };
    const dX = new Float32Array(R * K);
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
