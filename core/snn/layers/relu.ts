/**
 * Rectified linear unit, y = max(0, x), over [T, B, ...]: the ANN-side activation whose network is
 * trained and then converted to an SNN (ReLU -> IF with reset by subtraction; Diehl et al., IJCNN
 * 2015; Rueckauer et al., Front. Neurosci. 2017). An IF neuron's firing rate approximates a clipped
 * ReLU of its input current, which is why the ANN must use ReLU (and average pooling) for conversion.
 * Backward: dL/dx = dL/dy * [x > 0]; the mask is kept from the training forward.
 */
import { LayerShapeError, LayerStateError } from './errors';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';

export class ReluLayer implements Layer {
  readonly type = 'relu';
  private readonly features: number;
  private mask: Uint8Array | null = null;

  constructor(
    readonly name: string,
    inputShape: readonly number[],
  ) {
    this.features = inputShape.reduce((a, b) => a * b, 1);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const n = x.data.length;
    if (n !== x.shape[0] * x.shape[1] * this.features)
      throw new LayerShapeError(`${this.name}: expected ${this.features} features per sample, got shape [${x.shape.join(', ')}]`);
    const out = new Float32Array(n);
    const mask = ctx.training ? new Uint8Array(n) : null;
    for (let i = 0; i < n; i++) {
      const v = x.data[i];
      if (v > 0) {
        out[i] = v;
        if (mask) mask[i] = 1;
      }
    }
    this.mask = mask;
    return { data: out, shape: [...x.shape] };
  }

  backward(gradOut: Tensor, _ctx: ForwardContext): Tensor {
    const m = this.mask;
    if (!m) throw new LayerStateError(this.name);
    const g = new Float32Array(gradOut.data.length);
    for (let i = 0; i < g.length; i++) if (m[i]) g[i] = gradOut.data[i];
    return { data: g, shape: [...gradOut.shape] };
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
    return this.mask ? this.mask.length / 4 : 0;
  }
}
