/**
 * Flatten [T, B, ...sample] to [T, B, prod(sample)]. Row-major data is already laid out that way,
 * so forward and backward only relabel the shape and share the buffer.
 */
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';
import { LayerShapeError } from './errors';

export class FlattenLayer implements Layer {
  readonly type = 'flatten';
  private readonly inputShape: number[];
  private readonly features: number;

  constructor(
    readonly name: string,
    inputShape: readonly number[],
  ) {
    this.inputShape = [...inputShape];
    this.features = inputShape.reduce((a, b) => a * b, 1);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  forward(x: Tensor, _ctx?: ForwardContext): Tensor {
    const [t, b] = x.shape;
    if (x.data.length !== t * b * this.features) {
      throw new LayerShapeError(`${this.name}: expected ${this.features} features per sample, got shape [${x.shape.join(', ')}]`);
    }
    return { data: x.data, shape: [t, b, this.features] };
  }

  backward(gradOut: Tensor, _ctx?: ForwardContext): Tensor {
    return { data: gradOut.data, shape: [gradOut.shape[0], gradOut.shape[1], ...this.inputShape] };
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
    return 0;
  }
}
