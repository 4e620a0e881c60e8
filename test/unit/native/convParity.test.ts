/**
 * The native batched convolution (one call for the whole T·B batch: parallel tasks of images,
 * blocks of side-by-side columns, one GEMM per block and group, or per image for large output
 * planes) against the reference, which goes
 * image by image through im2col and gemm. Shapes cover stride, padding, groups, bias or none,
 * dx wanted or not, and column budgets from one image per block to whole tasks, with more images
 * than one task holds so the per-task partial sums of dW are exercised.
 */
import { describe, expect, it } from 'vitest';
import { NativeKernels, type NativeAddon } from '../../../core/native/nativeKernels';
import { convWorkFloats } from '../../../core/snn/kernels/convPerImage';
import { referenceKernels as ref } from '../../../core/snn/kernels/reference';
import type { Conv2dBatch } from '../../../core/snn/kernels/types';
import { Rng } from '../../../core/snn/rng';
import { loadBuiltAddon, randomArray, spikeArray, worstMismatch } from './helpers';

const native = loadBuiltAddon('native conv parity');

interface Shape {
  C: number;
  H: number;
  W: number;
  F: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  groups: number;
}

function batchOf(s: Shape, samples: number, columnBudget: number): Conv2dBatch {
  const outH = Math.floor((s.H + 2 * s.pH - s.kH) / s.sH) + 1;
  const outW = Math.floor((s.W + 2 * s.pW - s.kW) / s.sW) + 1;
  return {
    geometry: { channels: s.C / s.groups, height: s.H, width: s.W, kernelH: s.kH, kernelW: s.kW, strideH: s.sH, strideW: s.sW, padH: s.pH, padW: s.pW, outH, outW },
    samples,
    groups: s.groups,
    filters: s.F,
    columnBudget,
  };
}

const SHAPES: Shape[] = [
  { C: 1, H: 12, W: 12, F: 4, kH: 5, kW: 5, sH: 1, sW: 1, pH: 0, pW: 0, groups: 1 },
  { C: 3, H: 9, W: 7, F: 6, kH: 3, kW: 2, sH: 2, sW: 1, pH: 1, pW: 2, groups: 1 },
  { C: 4, H: 8, W: 8, F: 6, kH: 3, kW: 3, sH: 1, sW: 2, pH: 1, pW: 1, groups: 2 },
  { C: 6, H: 6, W: 5, F: 3, kH: 1, kW: 1, sH: 1, sW: 1, pH: 0, pW: 0, groups: 3 },
  { C: 2, H: 5, W: 5, F: 2, kH: 5, kW: 3, sH: 3, sW: 2, pH: 2, pW: 1, groups: 1 },
  // 18 x 18 = 324 outputs per plane: large enough for the per-image GEMMs (no block transposition).
  { C: 2, H: 18, W: 18, F: 4, kH: 3, kW: 3, sH: 1, sW: 1, pH: 1, pW: 1, groups: 2 },
  // At least 64 taps per output and at most 64 filters per group: the direct AVX-512 forward
  // (convDirect.cc) where the CPU has it. LeNet's conv2 (4 filter vectors, 64 outputs); 37
  // filters (3 vectors, the last part empty) with stride, padding and 65 outputs (a shifted last
  // block); groups of 5 filters (1 vector); 9 outputs, fewer than one block; 70 filters (GEMM).
  { C: 20, H: 12, W: 12, F: 50, kH: 5, kW: 5, sH: 1, sW: 1, pH: 0, pW: 0, groups: 1 },
  { C: 8, H: 9, W: 11, F: 37, kH: 3, kW: 3, sH: 2, sW: 1, pH: 1, pW: 2, groups: 1 },
  { C: 16, H: 7, W: 7, F: 10, kH: 3, kW: 3, sH: 1, sW: 1, pH: 1, pW: 1, groups: 2 },
  { C: 9, H: 5, W: 5, F: 17, kH: 3, kW: 3, sH: 1, sW: 1, pH: 0, pW: 0, groups: 1 },
  { C: 8, H: 6, W: 6, F: 70, kH: 3, kW: 3, sH: 1, sW: 1, pH: 0, pW: 0, groups: 1 },
];

function expectClose(got: Float32Array, want: Float32Array, atol: number, what: string): void {
  const w = worstMismatch(got, want, atol, 1e-5);
  expect(w.excess, `${what}: index ${w.index} got ${w.got} want ${w.want}`).toBe(0);
}

describe.skipIf(native === null)('native batched convolution matches the reference', () => {
  const k = native!.kernels;

  for (const [si, s] of SHAPES.entries()) {
    // 37 images: two full tasks of 16 and a partial one.
    const samples = 37;
    for (const budget of [0, 5000, 1 << 20]) {
      it(`shape ${si} (C${s.C} ${s.H}x${s.W} F${s.F} k${s.kH}x${s.kW} s${s.sH},${s.sW} p${s.pH},${s.pW} g${s.groups}) budget ${budget}`, () => {
        const c = batchOf(s, samples, budget);
        const g = c.geometry;
        const rng = new Rng(si * 100 + budget);
        const inN = samples * s.C * s.H * s.W;
        const outN = samples * s.F * g.outH * g.outW;
        const wN = s.F * g.channels * s.kH * s.kW;
        const work = new Float32Array(convWorkFloats(c));
        const w = randomArray(rng, wN);
        const bias = randomArray(rng, s.F);
        const gy = randomArray(rng, outN);
        const K = g.channels * s.kH * s.kW;
        for (const x of [spikeArray(rng, inN, 0.2), randomArray(rng, inN)]) {
          for (const withBias of [false, true]) {
            const outRef = randomArray(rng, outN);
            const outNat = randomArray(rng, outN);
            ref.conv2dForward!(c, x, w, withBias ? bias : null, outRef, work);
            k.conv2dForward(c, x, w, withBias ? bias : null, outNat, work);
            expectClose(outNat, outRef, 1e-5 * Math.sqrt(K) * 4, `forward bias=${withBias}`);
          }
          for (const [withBias, withDx] of [[false, true], [true, false], [true, true]]) {
            const dW0 = randomArray(rng, wN);
            const dB0 = randomArray(rng, s.F);
            const dWRef = dW0.slice();
            const dWNat = dW0.slice();
            const dBRef = dB0.slice();
            const dBNat = dB0.slice();
            const dxRef = withDx ? randomArray(rng, inN) : null;
            const dxNat = withDx ? randomArray(rng, inN) : null;
            ref.conv2dBackward!(c, x, w, gy, dWRef, withBias ? dBRef : null, dxRef, work);
            k.conv2dBackward(c, x, w, gy, dWNat, withBias ? dBNat : null, dxNat, work);
            // dW sums over every output position of every image.
            const terms = samples * g.outH * g.outW;
            expectClose(dWNat, dWRef, 2e-5 * Math.sqrt(terms) * 4, `dW bias=${withBias} dx=${withDx}`);
            expectClose(dBNat, withBias ? dBRef : dB0, 2e-5 * Math.sqrt(terms) * 4, `dBias bias=${withBias}`);
            if (withDx) expectClose(dxNat!, dxRef!, 1e-5 * Math.sqrt(s.F * s.kH * s.kW) * 4, 'dx');
          }
        }
      });
    }
  }

  it('a wrong result fails the comparison (the tolerance is not vacuous)', () => {
    const c = batchOf(SHAPES[1], 5, 0);
    const rng = new Rng(3);
    const x = randomArray(rng, 5 * 3 * 9 * 7);
    const w = randomArray(rng, 6 * 3 * 3 * 2);
    const outN = 5 * 6 * c.geometry.outH * c.geometry.outW;
    const work = new Float32Array(convWorkFloats(c));
    const a = new Float32Array(outN);
    const b = new Float32Array(outN);
    ref.conv2dForward!(c, x, w, null, a, work);
    k.conv2dForward(c, x, w, null, b, work);
    b[17] += 1e-3 * (1 + Math.abs(b[17]));
    expect(worstMismatch(b, a, 1e-5 * Math.sqrt(18) * 4, 1e-5).excess).toBeGreaterThan(0);
  });

  it('is deterministic and bit-identical on 1 and 2 threads', () => {
    const addon = native!.addon;
    const before = addon.info().threads;
    const s = SHAPES[2];
    const c = batchOf(s, 40, 2000);
    const rng = new Rng(11);
    const inN = 40 * s.C * s.H * s.W;
    const x = spikeArray(rng, inN, 0.3);
    const w = randomArray(rng, s.F * (s.C / s.groups) * s.kH * s.kW);
    const bias = randomArray(rng, s.F);
    const outN = 40 * s.F * c.geometry.outH * c.geometry.outW;
    const gy = randomArray(rng, outN);
    const work = new Float32Array(convWorkFloats(c));
    const run = (threads: number) => {
      addon.setThreads(threads);
      const out = new Float32Array(outN);
      const dW = new Float32Array(w.length);
      const dB = new Float32Array(s.F);
      const dx = new Float32Array(inN);
      k.conv2dForward(c, x, w, bias, out, work);
      k.conv2dBackward(c, x, w, gy, dW, dB, dx, work);
      return [out, dW, dB, dx];
    };
    try {
      const one = run(1);
      const two = run(2);
      const again = run(2);
      for (let i = 0; i < one.length; i++) {
        expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer)), `output ${i}, 1 vs 2 threads`).toBe(true);
        expect(Buffer.from(again[i].buffer).equals(Buffer.from(two[i].buffer)), `output ${i}, repeated`).toBe(true);
      }
      expect(addon.info().blasThreads).toBe(2);
    } finally {
      addon.setThreads(before);
    }
  });

  it('an addon without the batched functions falls back to im2col + gemm per image', () => {
    const { conv2dForward: _f, conv2dBackward: _b, ...older } = native!.addon;
    const oldKernels = new NativeKernels(older as NativeAddon);
    const s = SHAPES[2];
    const c = batchOf(s, 6, 0);
    const rng = new Rng(5);
    const inN = 6 * s.C * s.H * s.W;
    const x = randomArray(rng, inN);
    const w = randomArray(rng, s.F * (s.C / s.groups) * s.kH * s.kW);
    const outN = 6 * s.F * c.geometry.outH * c.geometry.outW;
    const work = new Float32Array(convWorkFloats(c));
    const a = new Float32Array(outN);
    const b = new Float32Array(outN);
    oldKernels.conv2dForward(c, x, w, null, a, work);
    k.conv2dForward(c, x, w, null, b, work);
    expectClose(a, b, 1e-4, 'fallback forward');
    const gy = randomArray(rng, outN);
    const dWa = new Float32Array(w.length);
    const dWb = new Float32Array(w.length);
    const dxa = new Float32Array(inN);
    const dxb = new Float32Array(inN);
    oldKernels.conv2dBackward(c, x, w, gy, dWa, null, dxa, work);
    k.conv2dBackward(c, x, w, gy, dWb, null, dxb, work);
    expectClose(dWa, dWb, 1e-3, 'fallback dW');
    expectClose(dxa, dxb, 1e-4, 'fallback dx');
  });

  it('rejects buffers too small for the batch before calling C++', () => {
    const c = batchOf(SHAPES[0], 3, 0);
    const work = new Float32Array(convWorkFloats(c));
    const x = new Float32Array(3 * 144);
    const w = new Float32Array(4 * 25);
    const out = new Float32Array(3 * 4 * 64);
    expect(() => k.conv2dForward(c, x.subarray(1), w, null, out, work)).toThrow(/x to hold at least 432/);
    expect(() => k.conv2dForward(c, x, w, null, out.subarray(1), work)).toThrow(/out to hold at least 768/);
    expect(() => k.conv2dForward(c, x, w, null, out, work.subarray(1))).toThrow(/work to hold/);
    expect(() => k.conv2dForward({ ...c, groups: 3 }, x, w, null, out, work)).toThrow(/groups 3 to divide filters 4/);
    expect(() => k.conv2dBackward(c, x, w, out, w, null, x, work)).toThrow(/separate memory/);
  });
});
