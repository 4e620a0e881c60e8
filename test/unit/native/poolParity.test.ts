/**
 * Native average pooling against the reference: the same double-precision sums in the same order,
 * so forward and backward must match bit for bit, on the unrolled 2x2 / stride 2 path (even and
 * odd planes) and the general one (overlapping and wider windows), over enough planes to be split
 * across threads.
 */
import { describe, expect, it } from 'vitest';
import { NativeKernels, type NativeAddon } from '../../../core/native/nativeKernels';
import { referenceKernels as ref } from '../../../core/snn/kernels/reference';
import type { Pool2dGeometry } from '../../../core/snn/kernels/types';
import { Rng } from '../../../core/snn/rng';
import { loadBuiltAddon, randomArray, spikeArray } from './helpers';

const native = loadBuiltAddon('native pool parity');

function geometry(planes: number, height: number, width: number, size: number, stride: number): Pool2dGeometry {
  const out = (n: number) => Math.floor((n - size) / stride) + 1;
  return { planes, height, width, size, stride, outH: out(height), outW: out(width) };
}

const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

describe.skipIf(native === null)('native average pooling matches the reference bit for bit', () => {
  const k = native!.kernels;
  const cases: Pool2dGeometry[] = [
    geometry(300, 24, 24, 2, 2),
    geometry(7, 9, 7, 2, 2),
    geometry(5, 8, 8, 2, 1),
    geometry(4, 11, 10, 3, 2),
    geometry(3, 9, 9, 3, 3),
  ];
  for (const g of cases) {
    it(`${g.planes} planes ${g.height}x${g.width} size ${g.size} stride ${g.stride}`, () => {
      const rng = new Rng(g.planes + g.height * 7 + g.size);
      const inN = g.planes * g.height * g.width;
      const outN = g.planes * g.outH * g.outW;
      for (const x of [spikeArray(rng, inN, 0.3), randomArray(rng, inN)]) {
        const a = randomArray(rng, outN);
        const b = randomArray(rng, outN);
        ref.avgPool2dForward!(g, x, a);
        k.avgPool2dForward(g, x, b);
        expect(same(b, a), 'forward').toBe(true);
      }
      const gy = randomArray(rng, outN);
      // Stale values in dx must not survive: both start from garbage.
      const dxRef = randomArray(rng, inN);
      const dxNat = randomArray(rng, inN);
      ref.avgPool2dBackward!(g, gy, dxRef);
      k.avgPool2dBackward(g, gy, dxNat);
      expect(same(dxNat, dxRef), 'backward').toBe(true);
      if (g.height % g.stride !== 0 && g.size === g.stride) expect(dxNat[g.width * (g.height - 1)]).toBe(0);
    });
  }

  it('an addon without the pooling functions falls back to the reference', () => {
    const { avgPool2dForward: _f, avgPool2dBackward: _b, ...older } = native!.addon;
    const oldKernels = new NativeKernels(older as NativeAddon);
    const g = geometry(6, 8, 8, 2, 2);
    const x = randomArray(new Rng(1), 384);
    const a = new Float32Array(96);
    const b = new Float32Array(96);
    oldKernels.avgPool2dForward(g, x, a);
    ref.avgPool2dForward!(g, x, b);
    expect(same(a, b)).toBe(true);
  });

  it('rejects windows that leave the input', () => {
    const g = { ...geometry(2, 6, 6, 2, 2), outH: 4 };
    expect(() => k.avgPool2dForward(g, new Float32Array(72), new Float32Array(32))).toThrow(/outH 4 needs more than 6 rows/);
  });
});
