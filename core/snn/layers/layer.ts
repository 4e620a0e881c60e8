/**
 * The layer contract of the engine (Caffe/darknet style explicit forward/backward).
 *
 * Tensors carry time first: data is row-major [T, B, ...sampleShape]. Stateless synaptic layers treat
 * T*B as one batch (one big GEMM); neuron layers run a fused loop over time (kernels.neuronForward /
 * neuronBackward). A layer caches what its backward needs during a training forward; backward returns
 * dL/dinput and accumulates into its parameters' grad buffers (callers zero them per step).
 */
import type { Kernels } from '../kernels/types';
import type { Rng } from '../rng';

export interface Tensor {
  data: Float32Array;
  /** Full shape including time and batch: [T, B, ...sample]. */
  shape: number[];
}

export interface Param {
  /** Unique within a network, e.g. "fc1.weight". */
  name: string;
  shape: number[];
  value: Float32Array;
  grad: Float32Array;
  /** False for biases, BN affine and neuron parameters: excluded from weight decay. */
  decay: boolean;
}

export interface ForwardContext {
  kernels: Kernels;
  training: boolean;
  rng: Rng;
  /**
   * Set by Network, which owns the step: layers may then write their outputs and input gradients
   * into buffers they reuse from step to step (a fresh tens-of-MB Float32Array per step costs page
   * faults and zero-fill), so a returned tensor is only valid until that layer's next
   * forward/backward. Callers that keep outputs across calls (calibration passes that collect
   * activations) leave it unset and get fresh arrays.
   */
  reuseBuffers?: boolean;
  /**
   * Set by Network: a layer's backward may then overwrite gradOut.data (the neuron layers write
   * dL/dX over dL/dS, which saves a write pass over their largest tensor). The caller hands the
   * gradient over and must not read it afterwards; a caller that needs it twice (ResidualBlock)
   * passes a copy. Unset, gradOut is left as it was (methods that call layers directly rely on it).
   */
  consumeGradients?: boolean;
}

/** Per-forward activity of a spiking layer, for firing rates, SynOps and energy estimates. */
export interface LayerActivity {
  spikes: number;
  neuronSteps: number;
}

export interface Layer {
  readonly name: string;
  readonly type: string;
  /** Per-sample output shape for a per-sample input shape (shape inference). */
  outputShape(inputShape: readonly number[]): number[];
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /** Returns dL/dinput; may overwrite gradOut.data when ctx.consumeGradients is set. */
  backward(gradOut: Tensor, ctx: ForwardContext): Tensor;
  params(): Param[];
  /** Spiking layers report activity of the last forward; others return null. */
  activity(): LayerActivity | null;
  /** Non-parameter state that must be saved with weights (BN running stats). */
  buffers(): Param[];
}
