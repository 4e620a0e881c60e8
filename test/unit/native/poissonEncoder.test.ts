/**
 * The counter-based Poisson encoder: the hash is pinned to independently computed values (a
 * checkpoint's resumed run depends on the exact stream), the spikes have the right rate and no
 * visible correlation, and the native kernel equals the reference bit for bit on any thread count.
 */
import { describe, expect, it } from 'vitest';
import { NativeKernels, type NativeAddon } from '../../../core/native/nativeKernels';
import { lowbias32, poissonCounterHash } from '../../../core/snn/kernels/counterHash';
import { referenceKernels as ref } from '../../../core/snn/kernels/reference';
import { poissonEncoder } from '../../../core/snn/encoders';
import { Rng } from '../../../core/snn/rng';
import { loadBuiltAddon } from './helpers';

const native = loadBuiltAddon('native poisson encoder');

function encodeRef(x: Float32Array, T: number, gain: number, key0: number, key1: number): Float32Array {
  const out = new Float32Array(T * x.length);
  ref.poissonEncode!(x, x.length, T, gain, key0, key1, out);
  return out;
}

describe('counter-hash Poisson encoder (reference)', () => {
  it('hashes counters to the values of an independent implementation', () => {
    // Computed with Python integers (lowbias32 by its definition, masks to 32 bits).
    expect([lowbias32(0), lowbias32(1), lowbias32(0xdeadbeef)]).toEqual([0, 1753845952, 3861431939]);
    expect(poissonCounterHash(1, 12345, 678)).toBe(3754807780);
    // Counters are taken mod 2^32.
    expect(poissonCounterHash(2 ** 32 + 5, 1, 2)).toBe(poissonCounterHash(5, 1, 2));
  });

  it('spikes exactly where the counter hash falls below p·2^32', () => {
    const x = Float32Array.from([0.3, 0.7, 0.05, 0.5]);
    const [T, k0, k1] = [50, 0xdeadbeef, 42];
    const y = encodeRef(x, T, 1.25, k0, k1);
    for (let i = 0; i < y.length; i++) {
      const p = 1.25 * x[i % 4];
      expect(y[i], `element ${i}`).toBe(poissonCounterHash(i, k0, k1) < p * 4294967296 ? 1 : 0);
    }
  });

  it('fires at gain·x per step, never at p <= 0, always at p >= 1', () => {
    const x = Float32Array.from([0, -0.5, 0.1, 0.5, 0.9, 1, 2, Number.NaN]);
    const T = 20000;
    const y = encodeRef(x, T, 1, 0x1234567, 0x89abcdef);
    const rate = (j: number) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += y[t * x.length + j];
      return s / T;
    };
    expect([rate(0), rate(1), rate(7)]).toEqual([0, 0, 0]);
    expect([rate(5), rate(6)]).toEqual([1, 1]);
    // Binomial std at p = 0.5, T = 20000 is 0.0035: 4 sigma.
    for (const j of [2, 3, 4]) expect(Math.abs(rate(j) - x[j])).toBeLessThan(0.014);
    expect(encodeRef(Float32Array.of(0.5), 50, 2, 3, 4).every((v) => v === 1)).toBe(true);
  });

  it('shows no correlation between steps or between neighbouring inputs', () => {
    const n = 64;
    const T = 2000;
    const y = encodeRef(new Float32Array(n).fill(0.3), T, 1, 99, 7);
    let mean = 0;
    for (const v of y) mean += v;
    mean /= y.length;
    const corr = (lagT: number, lagJ: number): number => {
      let c = 0;
      let m = 0;
      for (let t = 0; t + lagT < T; t++) {
        for (let j = 0; j + lagJ < n; j++) {
          c += (y[t * n + j] - mean) * (y[(t + lagT) * n + j + lagJ] - mean);
          m++;
        }
      }
      return c / m / (mean * (1 - mean));
    };
    // ~1.3e5 pairs: the std of a sample correlation is about 0.003.
    for (const [lt, lj] of [[1, 0], [0, 1], [1, 1], [2, 0]]) expect(Math.abs(corr(lt, lj))).toBeLessThan(0.015);
  });

  it('the encoder takes one key per call from the Rng: same seed, same spikes; next call, new spikes', () => {
    const x = new Float32Array(300).fill(0.2);
    const a = poissonEncoder(1, ref).encode(x, 3, 10, new Rng(9));
    const b = poissonEncoder(1, ref).encode(x, 3, 10, new Rng(9));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const rng = new Rng(9);
    const enc = poissonEncoder(1, ref);
    enc.encode(x, 3, 10, rng);
    expect(Buffer.from(enc.encode(x, 3, 10, rng).buffer).equals(Buffer.from(a.buffer))).toBe(false);
  });
});

describe.skipIf(native === null)('native Poisson encoder matches the reference bit for bit', () => {
  const k = native!.kernels;

  for (const [n, T, gain] of [[1, 1, 1], [7, 13, 0.7], [784 * 3, 9, 1], [20000, 3, 1.5]] as const) {
    it(`n=${n} T=${T} gain=${gain}`, () => {
      const rng = new Rng(n + T);
      const x = new Float32Array(n);
      for (let j = 0; j < n; j++) x[j] = j % 5 === 0 ? 0 : rng.next() * 1.2 - 0.1;
      for (const [k0, k1] of [[0, 0], [0xffffffff, 0x80000000], [rng.nextU32(), rng.nextU32()]]) {
        const want = encodeRef(x, T, gain, k0, k1);
        const got = new Float32Array(T * n).fill(7);
        k.poissonEncode(x, n, T, gain, k0, k1, got);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `keys ${k0}, ${k1}`).toBe(true);
      }
    });
  }

  it('an addon without the encoder falls back to the reference', () => {
    const { poissonEncode: _e, ...older } = native!.addon;
    const x = new Float32Array(100).fill(0.4);
    const got = new Float32Array(500);
    new NativeKernels(older as NativeAddon).poissonEncode(x, 100, 5, 1, 8, 9, got);
    expect(Buffer.from(got.buffer).equals(Buffer.from(encodeRef(x, 5, 1, 8, 9).buffer))).toBe(true);
  });

  it('is the same on 1 and 2 threads, and rejects bad keys and short buffers', () => {
    const addon = native!.addon;
    const before = addon.info().threads;
    const x = new Float32Array(5000).fill(0.15);
    const run = (threads: number) => {
      addon.setThreads(threads);
      const out = new Float32Array(8 * 5000);
      k.poissonEncode(x, 5000, 8, 1, 5, 6, out);
      return out;
    };
    try {
      expect(Buffer.from(run(1).buffer).equals(Buffer.from(run(2).buffer))).toBe(true);
    } finally {
      addon.setThreads(before);
    }
    const out = new Float32Array(10);
    expect(() => k.poissonEncode(x, 5, 2, 1, -1, 0, out)).toThrow(/key0 to be an unsigned 32-bit integer/);
    expect(() => k.poissonEncode(x, 5, 2, 1, 0, 2 ** 32, out)).toThrow(/key1/);
    expect(() => k.poissonEncode(x, 5, 3, 1, 0, 0, out)).toThrow(/out to hold at least 15/);
  });
});
