/**
 * Fixed axonal delay: y[t] = x[t - steps] for t >= steps, zero before (the spikes emitted in the
 * last `steps` steps leave the window). Backward is the adjoint shift: dx[t] = dy[t + steps].
 * One delay per layer, as in SLAYER's axonal delay with a shared value (Shrestha & Orchard,
 * NeurIPS 2018, sec. 3.1), without the learnable per-neuron part.
 */
import { LayerConfigError } from './errors';
import type { ForwardContext, Layer, LayerActivity, Param, Tensor } from './layer';

export class DelayLayer implements Layer {
  readonly type = 'delay';

  constructor(
    readonly name: string,
    readonly steps: number,
  ) {
    if (!Number.isInteger(steps) || steps < 0) throw new LayerConfigError(`${name}: delay steps must be a non-negative integer, got ${steps}`);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, _ctx?: ForwardContext): Tensor {
    return { data: shift(x, this.steps), shape: [...x.shape] };
  }

  backward(gradOut: Tensor, _ctx?: ForwardContext): Tensor {
    return { data: shift(gradOut, -this.steps), shape: [...gradOut.shape] };
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

/** Shift along the time axis by `d` steps (positive: later), zero fill. */
function shift(x: Tensor, d: number): Float32Array {
  const t = x.shape[0];
  const step = t === 0 ? 0 : x.data.length / t;
  const out = new Float32Array(x.data.length);
  for (let s = 0; s < t; s++) {
    const src = s - d;
    if (src < 0 || src >= t) continue;
    out.set(x.data.subarray(src * step, (src + 1) * step), s * step);
  }
  return out;
}
