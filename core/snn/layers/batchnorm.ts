/**
 * Batch normalisation over [T, B, C, ...spatial] (conv maps) or [T, B, features] (after dense).
 *
 * Statistics are per channel over T*B*spatial. For plain BatchNorm that is what SpikingJelly's
 * multi-step BN does (time folded into batch); for tdBN it is the defining choice: Zheng et al.
 * (AAAI 2021, "Going Deeper With Directly-Trained Larger SNNs", eq. 5-6) normalise the pre-synaptic
 * input jointly over time and batch to N(0, (alpha*Vth)^2):
 *   x_hat = alpha * Vth * (x - E[x]) / sqrt(Var[x] + eps),   y = lambda * x_hat + beta.
 * Plain BN is the special case alpha * Vth = 1, so both share this class.
 * Running statistics follow PyTorch: r = (1 - momentum) r + momentum * batchStat, with the unbiased
 * variance in the running estimate and the biased one for normalising.
 */
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';
import { LayerShapeError, LayerStateError } from './errors';

export interface BatchNormOptions {
  momentum: number;
  eps: number;
  /** alpha * Vth for tdBN; 1 for plain BatchNorm. */
  scale: number;
}

export class BatchNormLayer implements Layer {
  readonly channels: number;
  readonly spatial: number;
  private readonly gamma: Param;
  private readonly beta: Param;
  private readonly runningMean: Param;
  private readonly runningVar: Param;
  private xhat: Float32Array | null = null;
  private readonly invStd: Float64Array;

  constructor(
    readonly name: string,
    readonly type: 'batchnorm' | 'tdbn',
    inputShape: readonly number[],
    private readonly opts: BatchNormOptions,
  ) {
    if (inputShape.length !== 1 && inputShape.length !== 3) {
      throw new LayerShapeError(`${name}: ${type} expects a per-sample input [features] or [C, H, W], got [${inputShape.join(', ')}]`);
    }
    this.channels = inputShape[0];
    this.spatial = inputShape.length === 3 ? inputShape[1] * inputShape[2] : 1;
    const c = this.channels;
    const mk = (suffix: string, fill: number): Param => ({
      name: `${name}.${suffix}`,
      shape: [c],
      value: new Float32Array(c).fill(fill),
      grad: new Float32Array(c),
      decay: false,
    });
    this.gamma = mk('weight', 1);
    this.beta = mk('bias', 0);
    this.runningMean = mk('runningMean', 0);
    this.runningVar = mk('runningVar', 1);
    this.invStd = new Float64Array(c);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const n = this.batchOf(x);
    const c = this.channels;
    const s = this.spatial;
    const m = n * s;
    const out = new Float32Array(x.data.length);
    const xd = x.data;
    const g = this.gamma.value;
    const b = this.beta.value;
    const scale = this.opts.scale;
    if (!ctx.training) {
      for (let ch = 0; ch < c; ch++) {
        const inv = 1 / Math.sqrt(this.runningVar.value[ch] + this.opts.eps);
        const mu = this.runningMean.value[ch];
        const a = g[ch] * scale * inv;
        for (let i = 0; i < n; i++) {
          const base = (i * c + ch) * s;
          for (let k = 0; k < s; k++) out[base + k] = a * (xd[base + k] - mu) + b[ch];
        }
      }
      this.xhat = null;
      return { data: out, shape: [...x.shape] };
    }
    if (m < 2) {
      throw new LayerShapeError(`${this.name}: training statistics need at least 2 values per channel, got ${m}`);
    }
    const xhat = new Float32Array(x.data.length);
    const mom = this.opts.momentum;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) sum += xd[base + k];
      }
      const mu = sum / m;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) {
          const d = xd[base + k] - mu;
          sq += d * d;
        }
      }
      const variance = sq / m;
      const inv = 1 / Math.sqrt(variance + this.opts.eps);
      this.invStd[ch] = inv;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) {
          const h = (xd[base + k] - mu) * inv;
          xhat[base + k] = h;
          out[base + k] = g[ch] * scale * h + b[ch];
        }
      }
      this.runningMean.value[ch] = (1 - mom) * this.runningMean.value[ch] + mom * mu;
      this.runningVar.value[ch] = (1 - mom) * this.runningVar.value[ch] + (mom * variance * m) / (m - 1);
    }
    this.xhat = xhat;
    return { data: out, shape: [...x.shape] };
  }

  backward(gradOut: Tensor, _ctx?: ForwardContext): Tensor {
    const xhat = this.xhat;
    if (!xhat) throw new LayerStateError(this.name);
    const c = this.channels;
    const s = this.spatial;
    const n = xhat.length / (c * s);
    const m = n * s;
    const gy = gradOut.data;
    const dx = new Float32Array(gy.length);
    const scale = this.opts.scale;
    for (let ch = 0; ch < c; ch++) {
      let sumG = 0;
      let sumGX = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) {
          sumG += gy[base + k];
          sumGX += gy[base + k] * xhat[base + k];
        }
      }
      this.gamma.grad[ch] += scale * sumGX;
      this.beta.grad[ch] += sumG;
      // dx = gamma*scale*invStd/M * (M*dy - sum(dy) - x_hat * sum(dy*x_hat)) (Ioffe & Szegedy 2015, sec. 3).
      const a = (this.gamma.value[ch] * scale * this.invStd[ch]) / m;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) dx[base + k] = a * (m * gy[base + k] - sumG - xhat[base + k] * sumGX);
      }
    }
    return { data: dx, shape: [...gradOut.shape] };
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }
  activity(): LayerActivity | null {
    return null;
  }
  buffers(): Param[] {
    return [this.runningMean, this.runningVar];
  }

  /** Normalised input kept for backward plus the per-channel inverse std. */
  retainedFloats(): number {
    return this.xhat ? this.xhat.length + this.channels : 0;
  }

  private batchOf(x: Tensor): number {
    const per = this.channels * this.spatial;
    const n = x.shape[0] * x.shape[1];
    if (x.data.length !== n * per || x.shape[2] !== this.channels) {
      throw new LayerShapeError(`${this.name}: expected ${this.channels} channels x ${this.spatial} positions per sample, got shape [${x.shape.join(', ')}]`);
    }
    return n;
  }
}
