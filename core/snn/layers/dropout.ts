/**
 * Dropout for multi-step SNNs: one mask per sample, held across all T steps (Wu et al., "Direct
 * Training for Spiking Neural Networks: Faster, Larger, Better", AAAI 2019; SpikingJelly
 * `layer.Dropout` in multi-step mode). A fresh mask per step would inject noise into the membrane
 * every step and destroy temporal integration, so the same units are silenced for the whole
 * presentation. Inverted scaling 1/(1-rate) keeps the expected input unchanged; eval is identity.
 */
import { LayerConfigError } from './errors';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';

export class DropoutLayer implements Layer {
  readonly type = 'dropout';
  private readonly features: number;
  /** [B, features] of 0 or 1/(1-rate); null in eval (identity). */
  private mask: Float32Array | null = null;

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    readonly rate: number,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new LayerConfigError(`${name}: dropout rate must be in [0, 1), got ${rate}`);
    this.features = inputShape.reduce((a, b) => a * b, 1);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    if (!ctx.training || this.rate === 0) {
      this.mask = null;
      return { data: x.data, shape: [...x.shape] };
    }
    const [t, b] = x.shape;
    const f = this.features;
    const mask = new Float32Array(b * f);
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < mask.length; i++) mask[i] = ctx.rng.next() < this.rate ? 0 : keep;
    const out = new Float32Array(x.data.length);
    for (let s = 0; s < t; s++) {
      const base = s * b * f;
      for (let i = 0; i < b * f; i++) out[base + i] = x.data[base + i] * mask[i];
    }
    this.mask = mask;
    return { data: out, shape: [...x.shape] };
  }

  backward(gradOut: Tensor, _ctx?: ForwardContext): Tensor {
    const mask = this.mask;
    if (!mask) return { data: gradOut.data, shape: [...gradOut.shape] };
    const [t, b] = gradOut.shape;
    const f = this.features;
    const dx = new Float32Array(gradOut.data.length);
    for (let s = 0; s < t; s++) {
      const base = s * b * f;
      for (let i = 0; i < b * f; i++) dx[base + i] = gradOut.data[base + i] * mask[i];
    }
    return { data: dx, shape: [...gradOut.shape] };
  }

  params(): Param[] {
    return [];
  }
  activity(): LayerActivity | null {
    return null;
  }
  buffers(): Param[] {
    return [];
  }
  retainedFloats(): number {
    return this.mask ? this.mask.length : 0;
  }
}
