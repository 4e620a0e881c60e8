import type { ForwardContext } from './layer';

/**
 * Named scratch buffers a layer reuses from one forward/backward to the next. At engine sizes
 * (MNIST MLP: 3200 x 500 floats per tensor) a fresh Float32Array per step costs page faults and
 * zero-filling on first touch, which measured as much as the fused neuron kernels themselves.
 * Reuse happens only when the context allows it (ForwardContext.reuseBuffers, set by Network);
 * otherwise every call gets a fresh array, as callers that keep outputs across calls need.
 * A reused buffer is handed out uninitialised: callers must overwrite every element (or clear it)
 * before reading.
 */
export class BufferPool {
  private readonly buffers = new Map<string, Float32Array>();

  /** The buffer `key` with exactly `size` elements, reallocated when the size changes. */
  get(ctx: Pick<ForwardContext, 'reuseBuffers'> | undefined, key: string, size: number): Float32Array {
    if (ctx?.reuseBuffers !== true) return new Float32Array(size);
    let b = this.buffers.get(key);
    if (b === undefined || b.length !== size) {
      b = new Float32Array(size);
      this.buffers.set(key, b);
    }
    return b;
  }
}
