/**
 * Argument checks of NativeKernels: a bad size must become a KernelArgumentError naming the kernel,
 * the argument, what was expected and what was received — never a call into C++.
 */
import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../../core/native/errors';
import type { NativeKernels } from '../../../core/native/nativeKernels';
import type { Conv2dGeometry, NeuronKernelParams, SurrogateKind } from '../../../core/snn/kernels/types';
import { loadBuiltAddon } from './helpers';

const native = loadBuiltAddon('native validation');

function thrown(fn: () => void): KernelArgumentError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KernelArgumentError);
    const e = err as KernelArgumentError;
    expect(e.code).toBe('KERNEL_ARGUMENT');
    expect(e.name).toBe('KernelArgumentError');
    return e;
  }
  throw new Error('expected a KernelArgumentError, but the call returned');
}

const lif: NeuronKernelParams = {
  decay: 0.9, inputScale: 1, bias: 0, threshold: 1, reset: 0, vReset: 0, vInit: 0,
  refractory: 0, detachReset: false, surrogate: 'arctan', surrogateAlpha: 2,
};

const geom: Conv2dGeometry = {
  channels: 2, height: 5, width: 5, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, outH: 5, outW: 5,
};

describe.skipIf(native === null)('native kernel argument validation', () => {
  const k: NativeKernels = native!.kernels;
  const f = (n: number) => new Float32Array(n);

  it('gemm names the short buffer, the size needed and the size received', () => {
    const e = thrown(() => k.gemm(false, false, 80, 80, 80, 1, f(6400), 0, f(6400), 0, 0, f(100), 0));
    expect(e.message).toBe('gemm: expected C to hold at least 6400 floats after offset 0 but received 100');
    expect(thrown(() => k.gemm(false, false, 2, 3, 4, 1, f(8), 1, f(12), 0, 0, f(6), 0)).message).toBe(
      'gemm: expected A to hold at least 8 floats after offset 1 but received 8',
    );
    expect(thrown(() => k.gemm(true, true, 2, 3, 4, 1, f(8), 0, f(11), 0, 0, f(6), 0)).message).toMatch(/^gemm: expected B to hold at least 12/);
  });

  it('gemm rejects bad sizes, offsets, scalars and overlapping output', () => {
    expect(thrown(() => k.gemm(false, false, -1, 2, 2, 1, f(4), 0, f(4), 0, 0, f(4), 0)).message).toBe(
      'gemm: expected M to be a non-negative integer but received -1',
    );
    expect(thrown(() => k.gemm(false, false, 1.5, 2, 2, 1, f(4), 0, f(4), 0, 0, f(4), 0)).message).toMatch(/M to be a non-negative integer/);
    expect(thrown(() => k.gemm(false, false, 2, 2, 2, Number.NaN, f(4), 0, f(4), 0, 0, f(4), 0)).message).toBe(
      'gemm: expected alpha to be a finite number but received NaN',
    );
    expect(thrown(() => k.gemm(false, false, 2, 2, 2, 1, f(4), -1, f(4), 0, 0, f(4), 0)).message).toMatch(/offset of A to be a non-negative integer/);
    expect(thrown(() => k.gemm(false, false, 2, 2, 2, 1, new Float64Array(4) as unknown as Float32Array, 0, f(4), 0, 0, f(4), 0)).message).toBe(
      'gemm: expected A to be a Float32Array but received Float64Array',
    );
    const shared = f(12);
    expect(thrown(() => k.gemm(false, false, 2, 2, 2, 1, shared, 0, f(4), 0, 0, shared, 2)).message).toBe(
      'gemm: expected C and A to be separate memory but they overlap',
    );
    // Disjoint slices of one buffer are fine.
    shared.set([1, 2, 3, 4], 0);
    const B = new Float32Array([1, 0, 0, 1]);
    k.gemm(false, false, 2, 2, 2, 1, shared, 0, B, 0, 0, shared, 4);
    expect(Array.from(shared.subarray(4, 8))).toEqual([1, 2, 3, 4]);
  });

  it('event-driven kernels check X, W, G, out and dW', () => {
    expect(thrown(() => k.spikeMatmul(4, 5, 6, f(19), f(30), f(24), false)).message).toBe(
      'spikeMatmul: expected X to hold at least 20 floats after offset 0 but received 19',
    );
    expect(thrown(() => k.spikeMatmul(4, 5, 6, f(20), f(30), f(23), true)).message).toMatch(/^spikeMatmul: expected out to hold at least 24/);
    expect(thrown(() => k.spikeMatmulGradW(4, 5, 6, f(20), f(23), f(30))).message).toMatch(/^spikeMatmulGradW: expected G to hold at least 24/);
    expect(thrown(() => k.spikeMatmulGradW(4, 5, 6, f(20), f(24), f(29))).message).toMatch(/^spikeMatmulGradW: expected dW to hold at least 30/);
  });

  it('im2col/col2im check the geometry and both buffers', () => {
    expect(thrown(() => k.im2col(geom, f(49), 0, f(450), 0)).message).toBe(
      'im2col: expected x to hold at least 50 floats after offset 0 but received 49',
    );
    expect(thrown(() => k.im2col(geom, f(50), 0, f(450), 1)).message).toMatch(/^im2col: expected cols to hold at least 450 floats after offset 1/);
    expect(thrown(() => k.col2im({ ...geom, strideH: 0 }, f(450), 0, f(50), 0)).message).toBe(
      'col2im: expected geometry.strideH to be a positive integer but received 0',
    );
    expect(thrown(() => k.col2im(geom, f(450), 0, f(50), 3)).message).toMatch(/^col2im: expected dx to hold at least 50 floats after offset 3/);
  });

  it('neuron kernels check parameters and every buffer', () => {
    const T = 3;
    const N = 4;
    const ok = () => f(T * N);
    expect(thrown(() => k.neuronForward(lif, T, N, f(11), ok(), ok(), null)).message).toBe(
      'neuronForward: expected X to hold at least 12 floats after offset 0 but received 11',
    );
    expect(thrown(() => k.neuronForward(lif, T, N, ok(), ok(), ok(), f(2))).message).toMatch(/^neuronForward: expected V to hold at least 12/);
    expect(thrown(() => k.neuronForward({ ...lif, reset: 3 as 0 }, T, N, ok(), ok(), ok(), null)).message).toBe(
      'neuronForward: expected params.reset to be 0 (hard), 1 (soft) or 2 (none) but received 3',
    );
    expect(thrown(() => k.neuronForward({ ...lif, surrogate: 'relu' as SurrogateKind }, T, N, ok(), ok(), ok(), null)).message).toBe(
      'neuronForward: expected params.surrogate to be one of arctan, sigmoid, fastSigmoid, triangle, rectangle but received relu',
    );
    expect(thrown(() => k.neuronForward({ ...lif, refractory: -1 }, T, N, ok(), ok(), ok(), null)).message).toMatch(/params.refractory to be a non-negative integer/);
    expect(thrown(() => k.neuronBackward({ ...lif, surrogateAlpha: 0 }, T, N, ok(), ok(), null, null, ok())).message).toMatch(
      /params.surrogateAlpha to be positive but received 0/,
    );
    expect(thrown(() => k.neuronBackward(lif, T, N, ok(), ok(), f(5), null, ok())).message).toMatch(/^neuronBackward: expected gradS to hold at least 12/);
    expect(thrown(() => k.neuronBackward(lif, T, N, ok(), ok(), null, f(5), ok())).message).toMatch(/^neuronBackward: expected gradV to hold at least 12/);
    const H = ok();
    expect(thrown(() => k.neuronBackward(lif, T, N, H, ok(), null, null, H)).message).toBe(
      'neuronBackward: expected gradX and H to be separate memory but they overlap',
    );
  });
});
