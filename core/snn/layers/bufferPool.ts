/**
 * Named scratch buffers a layer reuses from one forward/backward to the next. At engine sizes
 * (MNIST MLP: 3200 x 500 floats per tensor) a fresh Float32Array per step costs page faults and
 * zero-filling on first touch, which measured as much as the fused neuron kernels themselves.
 * A buffer is handed out uninitialised from the second use on: callers must overwrite every
 * element (or clear it) before reading.
 */
export class BufferPool {
  private readonly buffers = new Map<string, Float32Array>();

  /** The buffer `key` with exactly `size` elements, reallocated when the size changes. */
  get(key: string, size: number): Float32Array {
    let b = this.buffers.get(key);
    if (b === undefined || b.length !== size) {
      b = new Float32Array(size);
      this.buffers.set(key, b);
    }
    return b;
  }

  /** Floats held, for memory reports. */
  floats(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.length;
    return n;
  }
}
