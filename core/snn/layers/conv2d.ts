/**
 * 2-D convolution over [T, B, C, H, W] with T*B folded into one batch (SpikingJelly's multi-step
 * "SeqToANNContainer" idea: a synaptic layer has no state, so time is just more batch).
 *
 * The whole T·B batch goes to one kernel call (Kernels.conv2dForward/conv2dBackward). The native
 * backend splits it into tasks that run in parallel, and within a task lays the columns of several
 * images side by side (blocks of CONV_COLUMN_BUDGET floats) for one GEMM per group forward and two
 * backward (dW, dCols), or runs one GEMM per image where output planes are large (docs/kernels.md);
 * image by image from JS, LeNet conv2 made 2·T·B calls of a 50 x 64 x 500 GEMM per step, each too
 * small for OpenBLAS to use both cores. Backward recomputes the columns from the
 * cached input instead of keeping them (they are kH·kW times larger than the input), so what the
 * layer itself retains is one input copy plus one image's column workspace (convWorkspaceFloats;
 * estimates.ts counts exactly this), which the reference backend works in image by image.
 */
import { conv2dBackwardPerImage, conv2dForwardPerImage } from '../kernels/convPerImage';
import type { Conv2dBatch, Conv2dGeometry } from '../kernels/types';
import type { Rng } from '../rng';
import { BufferPool } from './bufferPool';
import { LayerShapeError, LayerStateError } from './errors';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';

export interface Conv2dOptions {
  filters: number;
  kernel: [number, number];
  stride: [number, number];
  /** Symmetric zero padding per side; resolve 'same' with resolveConvPadding first. */
  padding: [number, number];
  groups: number;
  bias: boolean;
  /** False when nothing consumes dL/dinput (first layer): backward skips the input gradient. */
  inputGrad?: boolean;
}

/**
 * Floats of one block of batched columns (512 KB): it should stay in the L2 cache while the GEMM
 * streams it. Measured on one thread for LeNet conv2 at T·B = 512: the forward took 28 ms with
 * 1 MB blocks, 34 ms with 4 MB and 54 ms with the whole batch in one 65 MB block.
 */
export const CONV_COLUMN_BUDGET = 128 * 1024;

/** Column workspace of a conv layer: one sample's columns and their gradient. */
export function convWorkspaceFloats(colRows: number, outHW: number): number {
  return 2 * colRows * outHW;
}


/** Output size of a convolution or pooling window along one axis (floor mode, no dilation). */
export function convOutSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * 'same' keeps H and W for stride 1 with an odd kernel; any other combination would need
 * asymmetric padding, which the kernels do not support, so the validator rejects it.
 */
export function resolveConvPadding(padding: number | [number, number] | 'same' | undefined, kernel: [number, number]): [number, number] {
  if (padding === undefined) return [0, 0];
  if (padding === 'same') return [(kernel[0] - 1) / 2, (kernel[1] - 1) / 2];
  return typeof padding === 'number' ? [padding, padding] : [padding[0], padding[1]];
}

export function pair(v: number | [number, number] | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

export class Conv2dLayer implements Layer {
  readonly type = 'conv2d';
  private readonly weight: Param;
  private readonly biasParam: Param | null;
  private readonly geom: Conv2dGeometry;
  private readonly inC: number;
  private readonly inH: number;
  private readonly inW: number;
  private readonly filters: number;
  private readonly groups: number;
  /** Rows of one group's column matrix: (C/groups) * kH * kW. */
  private readonly colRows: number;
  private readonly outHW: number;
  /** One image's columns and their gradient: all the per-image path needs (convPerImage.ts). */
  private readonly work: Float32Array;
  private cachedInput: Float32Array | null = null;
  /**
   * Output and input-gradient buffers reused across steps: at T·B = 512 a conv output is tens of
   * MB, and a fresh one per step costs page faults and zero-fill (valid until the next forward/backward).
   */
  private readonly pool = new BufferPool();
  private cachedBatch = 0;

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    private readonly opts: Conv2dOptions,
    rng: Rng,
  ) {
    if (inputShape.length !== 3) {
      throw new LayerShapeError(`${name}: conv2d expects a per-sample input [C, H, W], got [${inputShape.join(', ')}]`);
    }
    const [c, h, w] = inputShape;
    const { filters, kernel, stride, padding, groups } = opts;
    if (c % groups !== 0 || filters % groups !== 0) {
      throw new LayerShapeError(`${name}: groups ${groups} must divide input channels ${c} and filters ${filters}`);
    }
    const outH = convOutSize(h, kernel[0], stride[0], padding[0]);
    const outW = convOutSize(w, kernel[1], stride[1], padding[1]);
    if (outH < 1 || outW < 1) {
      throw new LayerShapeError(`${name}: kernel ${kernel[0]}x${kernel[1]} does not fit input ${h}x${w} with padding ${padding[0]},${padding[1]}`);
    }
    this.inC = c;
    this.inH = h;
    this.inW = w;
    this.filters = filters;
    this.groups = groups;
    const cg = c / groups;
    this.geom = {
      channels: cg,
      height: h,
      width: w,
      kernelH: kernel[0],
      kernelW: kernel[1],
      strideH: stride[0],
      strideW: stride[1],
      padH: padding[0],
      padW: padding[1],
      outH,
      outW,
    };
    this.colRows = cg * kernel[0] * kernel[1];
    this.outHW = outH * outW;
    this.work = new Float32Array(convWorkspaceFloats(this.colRows, this.outHW));

    // Kaiming normal for ReLU-like (spiking) units: std = sqrt(2 / fanIn) (He et al., ICCV 2015, eq. 10).
    const wSize = filters * this.colRows;
    const value = new Float32Array(wSize);
    const std = Math.sqrt(2 / this.colRows);
    for (let i = 0; i < wSize; i++) value[i] = rng.normal() * std;
    this.weight = { name: `${name}.weight`, shape: [filters, cg, kernel[0], kernel[1]], value, grad: new Float32Array(wSize), decay: true };
    this.biasParam = opts.bias
      ? { name: `${name}.bias`, shape: [filters], value: new Float32Array(filters), grad: new Float32Array(filters), decay: false }
      : null;
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [, h, w] = inputShape;
    const { kernel, stride, padding } = this.opts;
    return [this.filters, convOutSize(h, kernel[0], stride[0], padding[0]), convOutSize(w, kernel[1], stride[1], padding[1])];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const n = this.batchOf(x);
    // Every element is written by the kernel (bias + products).
    const out = this.pool.get(ctx, 'out', n * this.filters * this.outHW);
    const batch = this.batchFor(n);
    const bias = this.biasParam ? this.biasParam.value : null;
    const k = ctx.kernels;
    if (k.conv2dForward) k.conv2dForward(batch, x.data, this.weight.value, bias, out, this.work);
    else conv2dForwardPerImage(k, batch, x.data, this.weight.value, bias, out, this.work);
    this.cachedInput = ctx.training ? x.data : null;
    this.cachedBatch = n;
    return { data: out, shape: [x.shape[0], x.shape[1], this.filters, this.geom.outH, this.geom.outW] };
  }

  backward(gradOut: Tensor, ctx: ForwardContext): Tensor {
    const x = this.cachedInput;
    if (!x) throw new LayerStateError(this.name);
    const n = this.cachedBatch;
    const wantDx = this.opts.inputGrad ?? true;
    const dx = wantDx ? this.pool.get(ctx, 'dx', n * this.inC * this.inH * this.inW) : null;
    const batch = this.batchFor(n);
    const dBias = this.biasParam ? this.biasParam.grad : null;
    const k = ctx.kernels;
    if (k.conv2dBackward) k.conv2dBackward(batch, x, this.weight.value, gradOut.data, this.weight.grad, dBias, dx, this.work);
    else conv2dBackwardPerImage(k, batch, x, this.weight.value, gradOut.data, this.weight.grad, dBias, dx, this.work);
    if (!dx) return { data: new Float32Array(0), shape: [gradOut.shape[0], gradOut.shape[1], 0] };
    return { data: dx, shape: [gradOut.shape[0], gradOut.shape[1], this.inC, this.inH, this.inW] };
  }

  params(): Param[] {
    return this.biasParam ? [this.weight, this.biasParam] : [this.weight];
  }

  activity(): LayerActivity | null {
    return null;
  }

  buffers(): Param[] {
    return [];
  }

  /** Floats held for backward after a training forward: the input plus the column workspace. */
  retainedFloats(): number {
    return (this.cachedInput ? this.cachedInput.length : 0) + this.work.length;
  }

  private batchFor(samples: number): Conv2dBatch {
    return { geometry: this.geom, samples, groups: this.groups, filters: this.filters, columnBudget: CONV_COLUMN_BUDGET };
  }

  private batchOf(x: Tensor): number {
    const [t, b, c, h, w] = x.shape;
    if (x.shape.length !== 5 || c !== this.inC || h !== this.inH || w !== this.inW) {
      throw new LayerShapeError(`${this.name}: expected input [T, B, ${this.inC}, ${this.inH}, ${this.inW}], got [${x.shape.join(', ')}]`);
    }
    return t * b;
  }
}
