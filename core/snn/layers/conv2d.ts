/**
 * 2-D convolution over [T, B, C, H, W] with T*B folded into one batch (SpikingJelly's multi-step
 * "SeqToANNContainer" idea: a synaptic layer has no state, so time is just more batch).
 *
 * Forward per sample and group: cols = im2col(x), y = W_g * cols (+ bias). Backward recomputes the
 * columns from the cached input instead of caching them: columns are kH*kW times larger than the
 * input and im2col is cheap next to the GEMMs, so BPTT memory stays at one input copy plus one
 * per-sample column workspace (convWorkspaceFloats; estimates.ts counts exactly this).
 *
 * Why not one wide GEMM over all T*B columns: measured on the native backend (OpenBLAS, 2 cores),
 * a 50x64x500 GEMM already runs at the rate of a 50x2048x500 one, and laying per-sample columns
 * side by side costs more in copies than it saves (LeNet conv2, T*B = 256, best of 7: forward
 * 34 ms batched vs 24 ms per sample, backward 66 vs 53 ms). A strided im2col in the kernels would
 * remove the copies.
 */
import type { Conv2dGeometry } from '../kernels/types';
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
  private cols: Float32Array;
  private dcols: Float32Array;
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
    this.cols = new Float32Array(convWorkspaceFloats(this.colRows, this.outHW) / 2);
    this.dcols = new Float32Array(this.cols.length);

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
    const inSize = this.inC * this.inH * this.inW;
    const outSize = this.filters * this.outHW;
    // Every element is written: by the GEMM (beta = 0), or by the bias fill it accumulates onto.
    const out = this.pool.get(ctx, 'out', n * outSize);
    const cg = this.inC / this.groups;
    const fg = this.filters / this.groups;
    const k = ctx.kernels;
    // With a bias, each output plane starts as its bias (a fill) and the GEMM accumulates onto it
    // (beta = 1), instead of a second read-modify-write pass over the whole T·B output.
    const bias = this.biasParam ? this.biasParam.value : null;
    for (let s = 0; s < n; s++) {
      if (bias) for (let f = 0; f < this.filters; f++) out.fill(bias[f], s * outSize + f * this.outHW, s * outSize + (f + 1) * this.outHW);
      for (let g = 0; g < this.groups; g++) {
        k.im2col(this.geom, x.data, s * inSize + g * cg * this.inH * this.inW, this.cols, 0);
        k.gemm(false, false, fg, this.outHW, this.colRows, 1, this.weight.value, g * fg * this.colRows, this.cols, 0, bias ? 1 : 0, out, s * outSize + g * fg * this.outHW);
      }
    }
    this.cachedInput = ctx.training ? x.data : null;
    this.cachedBatch = n;
    return { data: out, shape: [x.shape[0], x.shape[1], this.filters, this.geom.outH, this.geom.outW] };
  }

  backward(gradOut: Tensor, ctx: ForwardContext): Tensor {
    const x = this.cachedInput;
    if (!x) throw new LayerStateError(this.name);
    const n = this.cachedBatch;
    const inSize = this.inC * this.inH * this.inW;
    const outSize = this.filters * this.outHW;
    const cg = this.inC / this.groups;
    const fg = this.filters / this.groups;
    const gy = gradOut.data;
    const wantDx = this.opts.inputGrad ?? true;
    const dx = this.pool.get(ctx, 'dx', wantDx ? n * inSize : 0);
    // col2im accumulates.
    dx.fill(0);
    const k = ctx.kernels;
    for (let s = 0; s < n; s++) {
      for (let g = 0; g < this.groups; g++) {
        const xOff = s * inSize + g * cg * this.inH * this.inW;
        const gOff = s * outSize + g * fg * this.outHW;
        const wOff = g * fg * this.colRows;
        k.im2col(this.geom, x, xOff, this.cols, 0);
        // dW_g[fg, colRows] += dY_g[fg, L] * cols^T
        k.gemm(false, true, fg, this.colRows, this.outHW, 1, gy, gOff, this.cols, 0, 1, this.weight.grad, wOff);
        if (!wantDx) continue;
        // dcols[colRows, L] = W_g^T * dY_g, folded back into the image gradient.
        k.gemm(true, false, this.colRows, this.outHW, fg, 1, this.weight.value, wOff, gy, gOff, 0, this.dcols, 0);
        k.col2im(this.geom, this.dcols, 0, dx, xOff);
      }
      if (this.biasParam) {
        const db = this.biasParam.grad;
        for (let f = 0; f < this.filters; f++) {
          const base = s * outSize + f * this.outHW;
          let acc = 0;
          for (let i = 0; i < this.outHW; i++) acc += gy[base + i];
          db[f] += acc;
        }
      }
    }
    if (!wantDx) return { data: dx, shape: [gradOut.shape[0], gradOut.shape[1], 0] };
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

  /** Floats held for backward after a training forward: the input plus the column workspaces. */
  retainedFloats(): number {
    return (this.cachedInput ? this.cachedInput.length : 0) + this.cols.length + this.dcols.length;
  }

  private batchOf(x: Tensor): number {
    const [t, b, c, h, w] = x.shape;
    if (x.shape.length !== 5 || c !== this.inC || h !== this.inH || w !== this.inW) {
      throw new LayerShapeError(`${this.name}: expected input [T, B, ${this.inC}, ${this.inH}, ${this.inW}], got [${x.shape.join(', ')}]`);
    }
    return t * b;
  }
}
