/**
 * Average and max pooling over [T, B, C, H, W] (no padding, floor mode, stride defaults to size).
 * AvgPool keeps spikes graded (outputs k/size^2), MaxPool of binary spikes is their OR, which is
 * why converted and hardware-friendly SNNs often prefer MaxPool after a spiking layer.
 */
import { referenceKernels } from '../kernels/reference';
import type { Pool2dGeometry } from '../kernels/types';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';
import { convOutSize } from './conv2d';
import { BufferPool } from './bufferPool';
import { LayerShapeError, LayerStateError } from './errors';

export interface PoolOptions {
  size: number;
  stride: number;
}

abstract class PoolBase implements Layer {
  abstract readonly type: 'avgpool' | 'maxpool';
  protected readonly c: number;
  protected readonly h: number;
  protected readonly w: number;
  protected readonly outH: number;
  protected readonly outW: number;
  protected batch = 0;
  /** Output and input-gradient buffers reused across steps (valid until the next forward/backward). */
  protected readonly pool = new BufferPool();

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    protected readonly opts: PoolOptions,
  ) {
    if (inputShape.length !== 3) {
      throw new LayerShapeError(`${name}: pooling expects a per-sample input [C, H, W], got [${inputShape.join(', ')}]`);
    }
    [this.c, this.h, this.w] = inputShape;
    this.outH = convOutSize(this.h, opts.size, opts.stride, 0);
    this.outW = convOutSize(this.w, opts.size, opts.stride, 0);
    if (this.outH < 1 || this.outW < 1) {
      throw new LayerShapeError(`${name}: pool size ${opts.size} does not fit input ${this.h}x${this.w}`);
    }
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape[0], convOutSize(inputShape[1], this.opts.size, this.opts.stride, 0), convOutSize(inputShape[2], this.opts.size, this.opts.stride, 0)];
  }

  abstract forward(x: Tensor, ctx: ForwardContext): Tensor;
  abstract backward(gradOut: Tensor, ctx: ForwardContext): Tensor;

  params(): Param[] {
    return [];
  }
  activity(): LayerActivity | null {
    return null;
  }
  buffers(): Param[] {
    return [];
  }

  protected planes(x: Tensor): number {
    const [t, b, c, h, w] = x.shape;
    if (x.shape.length !== 5 || c !== this.c || h !== this.h || w !== this.w) {
      throw new LayerShapeError(`${this.name}: expected input [T, B, ${this.c}, ${this.h}, ${this.w}], got [${x.shape.join(', ')}]`);
    }
    this.batch = t * b;
    return t * b * c;
  }

  protected outTensor(x: Tensor, data: Float32Array): Tensor {
    return { data, shape: [x.shape[0], x.shape[1], this.c, this.outH, this.outW] };
  }
}

export class AvgPoolLayer extends PoolBase {
  readonly type = 'avgpool';

  forward(x: Tensor, ctx?: ForwardContext): Tensor {
    const planes = this.planes(x);
    const out = this.pool.get(ctx, 'out', planes * this.outH * this.outW);
    const k = ctx?.kernels.avgPool2dForward ? ctx.kernels : referenceKernels;
    k.avgPool2dForward!(this.geometry(planes), x.data, out);
    return this.outTensor(x, out);
  }

  backward(gradOut: Tensor, ctx?: ForwardContext): Tensor {
    const planes = this.batch * this.c;
    const dx = this.pool.get(ctx, 'dx', planes * this.h * this.w);
    const k = ctx?.kernels.avgPool2dBackward ? ctx.kernels : referenceKernels;
    k.avgPool2dBackward!(this.geometry(planes), gradOut.data, dx);
    return { data: dx, shape: [gradOut.shape[0], gradOut.shape[1], this.c, this.h, this.w] };
  }

  private geometry(planes: number): Pool2dGeometry {
    return { planes, height: this.h, width: this.w, size: this.opts.size, stride: this.opts.stride, outH: this.outH, outW: this.outW };
  }

  /** AvgPool backward needs only shapes. */
  retainedFloats(): number {
    return 0;
  }
}

export class MaxPoolLayer extends PoolBase {
  readonly type = 'maxpool';
  /** Flat input index of each output's maximum (first one on ties), kept for backward. */
  private argmax: Int32Array | null = null;

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const planes = this.planes(x);
    const { size, stride } = this.opts;
    const inPlane = this.h * this.w;
    const outPlane = this.outH * this.outW;
    const out = new Float32Array(planes * outPlane);
    const arg = ctx.training ? new Int32Array(planes * outPlane) : null;
    for (let p = 0; p < planes; p++) {
      const ib = p * inPlane;
      for (let oy = 0; oy < this.outH; oy++) {
        for (let ox = 0; ox < this.outW; ox++) {
          let best = -Infinity;
          let bestIdx = ib + oy * stride * this.w + ox * stride;
          for (let ky = 0; ky < size; ky++) {
            const row = ib + (oy * stride + ky) * this.w + ox * stride;
            for (let kx = 0; kx < size; kx++) {
              const v = x.data[row + kx];
              if (v > best) {
                best = v;
                bestIdx = row + kx;
              }
            }
          }
          const o = p * outPlane + oy * this.outW + ox;
          out[o] = best;
          if (arg) arg[o] = bestIdx;
        }
      }
    }
    this.argmax = arg;
    return this.outTensor(x, out);
  }

  backward(gradOut: Tensor, _ctx?: ForwardContext): Tensor {
    const arg = this.argmax;
    if (!arg) throw new LayerStateError(this.name);
    const dx = new Float32Array(this.batch * this.c * this.h * this.w);
    for (let o = 0; o < arg.length; o++) dx[arg[o]] += gradOut.data[o];
    return { data: dx, shape: [gradOut.shape[0], gradOut.shape[1], this.c, this.h, this.w] };
  }

  /** Argmax indices (int32, counted as one slot each). */
  retainedFloats(): number {
    return this.argmax ? this.argmax.length : 0;
  }
}
