/**
 * Native kernels against the TypeScript reference (the oracle) on random inputs, over every flag
 * combination. GEMM-like kernels differ only by float32 vs float64 accumulation, so they are
 * compared within a tolerance; data movement (im2col/col2im) and the neuron forward follow the
 * reference's arithmetic step for step and must match bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { referenceKernels as ref } from '../../../core/snn/kernels/reference';
import { SURROGATE_CODES, type Conv2dGeometry, type NeuronKernelParams, type ResetCode, type SurrogateKind } from '../../../core/snn/kernels/types';
import { Rng } from '../../../core/snn/rng';
import { loadBuiltAddon, randomArray, spikeArray, worstMismatch } from './helpers';

const native = loadBuiltAddon('native parity');
const SURROGATES = Object.keys(SURROGATE_CODES) as SurrogateKind[];
const RESETS: ResetCode[] = [0, 1, 2];

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  const w = worstMismatch(got, want, atol, rtol);
  expect(w.excess, `${what}: index ${w.index} got ${w.got} want ${w.want}`).toBe(0);
}

describe.skipIf(native === null)('native kernels match the reference', () => {
  const k = native!.kernels;

  describe('gemm', () => {
    const cases: [number, number, number][] = [
      [7, 9, 5],
      [1, 1, 1],
      [64, 48, 33],
      [3, 130, 257],
      // >= 16 MFLOP over more than 256 rows: split into row bands on the pool (4 here, the last
      // ones on multiples of 16), with offsets into larger buffers.
      [530, 130, 120],
    ];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [M, N, K] of cases) {
          it(`transA=${transA} transB=${transB} ${M}x${N}x${K}, offsets and alpha/beta`, () => {
            const rng = new Rng(M * 1000 + N * 10 + K + (transA ? 7 : 0) + (transB ? 13 : 0));
            for (const [aOff, bOff, cOff] of [[0, 0, 0], [3, 5, 11]]) {
              for (const [alpha, beta] of [[1, 0], [0.5, 1], [-1.25, 0.75]]) {
                const A = randomArray(rng, aOff + M * K + 4);
                const B = randomArray(rng, bOff + K * N + 4);
                const C0 = randomArray(rng, cOff + M * N + 4);
                const cRef = C0.slice();
                const cNat = C0.slice();
                ref.gemm(transA, transB, M, N, K, alpha, A, aOff, B, bOff, beta, cRef, cOff);
                k.gemm(transA, transB, M, N, K, alpha, A, aOff, B, bOff, beta, cNat, cOff);
                // float32 BLAS vs float64 reference: error grows like sqrt(K) * eps * |terms|.
                expectClose(cNat, cRef, 2e-6 * Math.sqrt(K) * 4, 1e-5, `gemm off=${aOff},${bOff},${cOff} a=${alpha} b=${beta}`);
                // Memory outside C's slice is untouched.
                expect(Array.from(cNat.subarray(0, cOff))).toEqual(Array.from(C0.subarray(0, cOff)));
                expect(Array.from(cNat.subarray(cOff + M * N))).toEqual(Array.from(C0.subarray(cOff + M * N)));
              }
            }
          });
        }
      }
    }

    it('beta = 0 ignores NaN in C (BLAS semantics) and K = 0 scales C', () => {
      const rng = new Rng(5);
      const A = randomArray(rng, 12);
      const B = randomArray(rng, 12);
      const C = new Float32Array(9).fill(Number.NaN);
      k.gemm(false, false, 3, 3, 4, 1, A, 0, B, 0, 0, C, 0);
      expect(C.every(Number.isFinite)).toBe(true);
      const C2 = new Float32Array([1, 2, 3, 4]);
      const want = C2.slice();
      ref.gemm(false, false, 2, 2, 0, 1, A, 0, B, 0, 0.5, want, 0);
      k.gemm(false, false, 2, 2, 0, 1, A, 0, B, 0, 0.5, C2, 0);
      expect(Array.from(C2)).toEqual(Array.from(want));
      expect(Array.from(C2)).toEqual([0.5, 1, 1.5, 2]);
    });
  });

  describe('spikeMatmul and spikeMatmulGradW', () => {
    /** Forward (plain and accumulating) and dW of input X against the reference, weights and gradients drawn from rng. */
    function expectSpikeMatmulParity(rng: Rng, R: number, K: number, N: number, X: Float32Array, label: string): void {
      const W = randomArray(rng, K * N);
      const G = randomArray(rng, R * N);
      for (const accumulate of [false, true]) {
        const init = randomArray(rng, R * N);
        const oRef = init.slice();
        const oNat = init.slice();
        ref.spikeMatmul(R, K, N, X, W, oRef, accumulate);
        k.spikeMatmul(R, K, N, X, W, oNat, accumulate);
        expectClose(oNat, oRef, 1e-5 * Math.sqrt(K), 1e-5, `${label}spikeMatmul accumulate=${accumulate}`);
      }
      const dRef = randomArray(rng, K * N);
      const dNat = dRef.slice();
      ref.spikeMatmulGradW(R, K, N, X, G, dRef);
      k.spikeMatmulGradW(R, K, N, X, G, dNat);
      expectClose(dNat, dRef, 1e-5 * Math.sqrt(R), 1e-5, `${label}spikeMatmulGradW`);
    }

    const shapes: [number, number, number][] = [
      [5, 7, 3],
      [70, 96, 33],
      [200, 64, 130],
      // The dense path splits rows (forward) and inputs (dW) into an even number of near-equal
      // chunks: 530 rows -> 4, 300 inputs -> 2, boundaries on multiples of 16.
      [530, 300, 70],
      // With AVX-512, binary input and N >= 128 take the blocked mask loops: 128-column slices (the
      // last one shifted, here by 84 columns), blocks of 64 rows (dW) or inputs (forward) with a
      // partial last block.
      [150, 200, 300],
    ];
    // The native kernels switch to sgemm above a density (13 % forward, 6 % dW; 40 % for binary
    // input with AVX-512 and N >= 128) and for outputs narrower than 64: 0.03 and 0.1 at N = 130
    // exercise the event loops (with a shifted last tile), 0.3 the mask loops where AVX-512 is
    // there, the rest the sgemm path.
    for (const density of [0, 0.03, 0.1, 0.3, 0.5, 1]) {
      for (const [R, K, N] of shapes) {
        it(`density ${density}, ${R}x${K} -> ${N}`, () => {
          const rng = new Rng(R + K + N + density * 100);
          expectSpikeMatmulParity(rng, R, K, N, spikeArray(rng, R * K, density), '');
        });
      }
    }

    it('handles empty dimensions (no rows, no inputs, no outputs) like the reference', () => {
      for (const [R, K, N] of [[0, 5, 3], [4, 0, 3], [4, 0, 100], [4, 5, 0], [3, 2, 70]]) {
        const X = new Float32Array(R * K).fill(1);
        const W = new Float32Array(K * N).fill(0.5);
        const G = new Float32Array(R * N).fill(0.25);
        for (const accumulate of [false, true]) {
          const a = new Float32Array(R * N).fill(7);
          const b = a.slice();
          k.spikeMatmul(R, K, N, X, W, a, accumulate);
          ref.spikeMatmul(R, K, N, X, W, b, accumulate);
          expect(Array.from(a), `${R}x${K}x${N} accumulate=${accumulate}`).toEqual(Array.from(b));
        }
        const d1 = new Float32Array(K * N).fill(1);
        const d2 = d1.slice();
        k.spikeMatmulGradW(R, K, N, X, G, d1);
        ref.spikeMatmulGradW(R, K, N, X, G, d2);
        expect(Array.from(d1), `${R}x${K}x${N} dW`).toEqual(Array.from(d2));
      }
    });

    it('sums sparse events in ascending order, like a plain float32 loop, bit for bit', () => {
      // Every event path (lists, wide tiles, masks) adds the active rows in ascending order from
      // the initial value, so it equals this loop exactly, whatever the tiling.
      const rng = new Rng(91);
      for (const [R, K, N] of [[150, 200, 300], [70, 130, 256], [33, 64, 128], [40, 50, 70]]) {
        const X = spikeArray(rng, R * K, 0.03);
        const W = randomArray(rng, K * N);
        const G = randomArray(rng, R * N);
        for (const accumulate of [false, true]) {
          const init = randomArray(rng, R * N);
          const want = init.slice();
          for (let r = 0; r < R; r++) {
            for (let n = 0; n < N; n++) {
              let acc = accumulate ? want[r * N + n] : 0;
              for (let kk = 0; kk < K; kk++) if (X[r * K + kk] !== 0) acc = Math.fround(acc + W[kk * N + n]);
              want[r * N + n] = acc;
            }
          }
          const got = init.slice();
          k.spikeMatmul(R, K, N, X, W, got, accumulate);
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `forward ${R}x${K}x${N} accumulate=${accumulate}`).toBe(true);
        }
        const dW = randomArray(rng, K * N);
        const want = dW.slice();
        for (let kk = 0; kk < K; kk++) {
          for (let n = 0; n < N; n++) {
            let acc = want[kk * N + n];
            for (let r = 0; r < R; r++) if (X[r * K + kk] !== 0) acc = Math.fround(acc + G[r * N + n]);
            want[kk * N + n] = acc;
          }
        }
        k.spikeMatmulGradW(R, K, N, X, G, dW);
        expect(Buffer.from(dW.buffer).equals(Buffer.from(want.buffer)), `dW ${R}x${K}x${N}`).toBe(true);
      }
    });

    it('handles sparse graded input on wide outputs (per-row lists, not the binary masks)', () => {
      const rng = new Rng(5);
      const [R, K, N] = [90, 150, 300];
      const X = spikeArray(rng, R * K, 0.1);
      for (let i = 0; i < X.length; i++) if (X[i] !== 0) X[i] = rng.next() < 0.5 ? 0.5 + rng.next() : 1;
      expectSpikeMatmulParity(rng, R, K, N, X, 'graded ');
    });

    it('agrees with gemm on binary input, and handles graded input', () => {
      const rng = new Rng(77);
      const [R, K, N] = [40, 50, 60];
      for (const X of [spikeArray(rng, R * K, 0.2), randomArray(rng, R * K)]) {
        const W = randomArray(rng, K * N);
        const viaGemm = new Float32Array(R * N);
        const viaEvents = new Float32Array(R * N);
        k.gemm(false, false, R, N, K, 1, X, 0, W, 0, 0, viaGemm, 0);
        k.spikeMatmul(R, K, N, X, W, viaEvents, false);
        expectClose(viaEvents, viaGemm, 1e-4, 1e-5, 'spikeMatmul vs gemm');
        const G = randomArray(rng, R * N);
        const dwGemm = new Float32Array(K * N);
        const dwEvents = new Float32Array(K * N);
        k.gemm(true, false, K, N, R, 1, X, 0, G, 0, 0, dwGemm, 0);
        k.spikeMatmulGradW(R, K, N, X, G, dwEvents);
        expectClose(dwEvents, dwGemm, 1e-4, 1e-5, 'spikeMatmulGradW vs gemm');
      }
    });
  });

  describe('im2col and col2im', () => {
    const geometries: Omit<Conv2dGeometry, 'outH' | 'outW'>[] = [
      { channels: 1, height: 5, width: 5, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 0, padW: 0 },
      { channels: 3, height: 7, width: 6, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 2 },
      { channels: 2, height: 9, width: 9, kernelH: 5, kernelW: 5, strideH: 2, strideW: 2, padH: 2, padW: 2 },
      { channels: 4, height: 4, width: 4, kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, padH: 0, padW: 0 },
      // Large enough to take the multithreaded path.
      { channels: 16, height: 16, width: 16, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1 },
      // Stride 1 along W takes the AVX-512 masked-row path where the CPU has it: rows of one, two
      // and three 16-lane chunks (LeNet's 28 -> 24; 37 + 2 * 3 padding), taps that reach no input
      // column, kernels wider than a vector, rows wider than 64.
      { channels: 2, height: 28, width: 28, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0 },
      { channels: 3, height: 6, width: 37, kernelH: 3, kernelW: 4, strideH: 1, strideW: 1, padH: 1, padW: 3 },
      { channels: 1, height: 4, width: 3, kernelH: 2, kernelW: 7, strideH: 3, strideW: 1, padH: 1, padW: 3 },
      { channels: 2, height: 5, width: 20, kernelH: 1, kernelW: 17, strideH: 1, strideW: 1, padH: 0, padW: 0 },
      { channels: 1, height: 3, width: 70, kernelH: 2, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1 },
    ];
    for (const base of geometries) {
      const g: Conv2dGeometry = {
        ...base,
        outH: Math.floor((base.height + 2 * base.padH - base.kernelH) / base.strideH) + 1,
        outW: Math.floor((base.width + 2 * base.padW - base.kernelW) / base.strideW) + 1,
      };
      it(`C${g.channels} ${g.height}x${g.width} k${g.kernelH}x${g.kernelW} s${g.strideH},${g.strideW} p${g.padH},${g.padW}`, () => {
        const rng = new Rng(g.channels * 31 + g.height);
        const image = g.channels * g.height * g.width;
        const columns = g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
        for (const [xOff, cOff] of [[0, 0], [image + 3, 17]]) {
          const x = randomArray(rng, xOff + image);
          const colsRef = randomArray(rng, cOff + columns + 2);
          const colsNat = colsRef.slice();
          ref.im2col(g, x, xOff, colsRef, cOff);
          k.im2col(g, x, xOff, colsNat, cOff);
          expect(Array.from(colsNat)).toEqual(Array.from(colsRef));

          const cols = randomArray(rng, cOff + columns);
          const dxRef = randomArray(rng, xOff + image + 2);
          const dxNat = dxRef.slice();
          ref.col2im(g, cols, cOff, dxRef, xOff);
          k.col2im(g, cols, cOff, dxNat, xOff);
          expect(Array.from(dxNat)).toEqual(Array.from(dxRef));
        }
      });
    }
  });

  describe('fused neuron', () => {
    const T = 12;
    const N = 700; // more than one 512-column chunk, so the threaded split is exercised
    function params(reset: ResetCode, refractory: number, detachReset: boolean, surrogate: SurrogateKind, form: 'lif' | 'if' | 'seed'): NeuronKernelParams {
      const tau = 2.5;
      return {
        decay: form === 'if' ? 1 : form === 'seed' ? 1 - 1 / tau : 0.9,
        inputScale: form === 'seed' ? 1 / tau : 1,
        bias: form === 'seed' ? -0.1 / tau : 0,
        threshold: form === 'if' ? 1 : 0.75,
        reset,
        vReset: form === 'seed' ? -0.1 : 0,
        vInit: form === 'lif' ? 0.2 : 0,
        refractory,
        detachReset,
        surrogate,
        surrogateAlpha: surrogate === 'fastSigmoid' ? 10 : surrogate === 'triangle' ? 1.5 : 2,
      };
    }

    for (const reset of RESETS) {
      for (const refractory of [0, 2]) {
        for (const form of ['lif', 'if', 'seed'] as const) {
          it(`forward reset=${reset} refractory=${refractory} ${form}: bit-exact S, H, V`, () => {
            const p = params(reset, refractory, false, 'arctan', form);
            const rng = new Rng(reset * 10 + refractory + form.length);
            const X = randomArray(rng, T * N, 0.8);
            const out = () => ({ S: new Float32Array(T * N), H: new Float32Array(T * N), V: new Float32Array(T * N) });
            const r = out();
            const n = out();
            ref.neuronForward(p, T, N, X, r.S, r.H, r.V);
            k.neuronForward(p, T, N, X, n.S, n.H, n.V);
            expect(Buffer.from(n.S.buffer).equals(Buffer.from(r.S.buffer))).toBe(true);
            expect(Buffer.from(n.H.buffer).equals(Buffer.from(r.H.buffer))).toBe(true);
            expect(Buffer.from(n.V.buffer).equals(Buffer.from(r.V.buffer))).toBe(true);
            if (reset !== 2) expect(r.S.some((s) => s !== 0)).toBe(true);
            // V may be omitted.
            const n2 = out();
            k.neuronForward(p, T, N, X, n2.S, n2.H, null);
            expect(Buffer.from(n2.H.buffer).equals(Buffer.from(r.H.buffer))).toBe(true);
          });
        }
      }
    }

    for (const reset of RESETS) {
      for (const surrogate of SURROGATES) {
        it(`backward reset=${reset} surrogate=${surrogate}, all refractory/detach/grad combinations`, () => {
          const rng = new Rng(reset * 100 + SURROGATE_CODES[surrogate]);
          for (const refractory of [0, 3]) {
            for (const detachReset of [false, true]) {
              for (const form of ['lif', 'seed'] as const) {
                const p = params(reset, refractory, detachReset, surrogate, form);
                const X = randomArray(rng, T * N, 0.8);
                const S = new Float32Array(T * N);
                const H = new Float32Array(T * N);
                ref.neuronForward(p, T, N, X, S, H, null);
                const gS = randomArray(rng, T * N);
                const gV = randomArray(rng, T * N, 0.5);
                for (const [gradS, gradV] of [[gS, gV], [gS, null], [null, gV], [null, null]] as const) {
                  const what = `refractory=${refractory} detach=${detachReset} ${form} gradS=${gradS !== null} gradV=${gradV !== null}`;
                  const dRef = new Float32Array(T * N);
                  const dNat = new Float32Array(T * N).fill(Number.NaN);
                  const pRef = ref.neuronBackward(p, T, N, H, S, gradS, gradV, dRef);
                  const pNat = k.neuronBackward(p, T, N, H, S, gradS, gradV, dNat);
                  expectClose(dNat, dRef, 1e-6, 1e-5, `gradX ${what}`);
                  const scale = 1 + Math.abs(pRef.decay) + Math.abs(pRef.threshold);
                  expect(Math.abs(pNat.decay - pRef.decay), `dDecay ${what}`).toBeLessThan(1e-9 * scale * T * N);
                  expect(Math.abs(pNat.threshold - pRef.threshold), `dThreshold ${what}`).toBeLessThan(1e-9 * scale * T * N);
                  if (gradS === null && gradV === null) {
                    expect(dNat.every((v) => v === 0)).toBe(true);
                  }
                }
              }
            }
          }
        });
      }
    }

    it('gradX may alias gradS (read before written in the same step)', () => {
      const p = params(1, 0, false, 'sigmoid', 'lif');
      const rng = new Rng(99);
      const X = randomArray(rng, T * N, 0.8);
      const S = new Float32Array(T * N);
      const H = new Float32Array(T * N);
      ref.neuronForward(p, T, N, X, S, H, null);
      const gS = randomArray(rng, T * N);
      const want = new Float32Array(T * N);
      ref.neuronBackward(p, T, N, H, S, gS, null, want);
      const inPlace = gS.slice();
      k.neuronBackward(p, T, N, H, S, inPlace, null, inPlace);
      expectClose(inPlace, want, 1e-6, 1e-5, 'aliased gradX');
    });

    // NeuronLayer writes gradX over the incoming gradient when the network lets it consume it
    // (ForwardContext.consumeGradients): that must not change a bit, on either backend.
    for (const reset of RESETS) {
      for (const refractory of [0, 2]) {
        it(`backward reset=${reset} refractory=${refractory}: gradX over gradS / gradV is bit-identical`, () => {
          const p = params(reset, refractory, false, 'arctan', 'seed');
          const rng = new Rng(300 + reset * 10 + refractory);
          const X = randomArray(rng, T * N, 0.8);
          const S = new Float32Array(T * N);
          const H = new Float32Array(T * N);
          ref.neuronForward(p, T, N, X, S, H, null);
          const g = randomArray(rng, T * N);
          for (const [name, kernels] of [['native', k], ['reference', ref]] as const) {
            for (const via of ['gradS', 'gradV'] as const) {
              const apart = new Float32Array(T * N);
              const gs = via === 'gradS' ? g : null;
              const gv = via === 'gradV' ? g : null;
              const want = kernels.neuronBackward(p, T, N, H, S, gs, gv, apart);
              const inPlace = g.slice();
              const got = kernels.neuronBackward(p, T, N, H, S, via === 'gradS' ? inPlace : null, via === 'gradV' ? inPlace : null, inPlace);
              expect(Buffer.from(inPlace.buffer).equals(Buffer.from(apart.buffer)), `${name} ${via}`).toBe(true);
              expect(got).toEqual(want);
            }
          }
        });
      }
    }
  });

  describe('thread count does not change results', () => {
    it('gemm, spikeMatmul, spikeMatmulGradW and the neuron kernels are bit-identical on 1 and 2 threads', () => {
      const addon = native!.addon;
      const before = addon.info().threads;
      const rng = new Rng(2024);
      const [R, K, N] = [300, 120, 90];
      const X = spikeArray(rng, R * K, 0.2);
      // Sparse enough for the event-driven forward and dW (the 0.2 input takes sgemm).
      const Xs = spikeArray(rng, R * K, 0.03);
      const W = randomArray(rng, K * N);
      const G = randomArray(rng, R * N);
      // Binary input on outputs of at least 128 takes the AVX-512 mask loops (split into column
      // slices and row or input bands) where the CPU has them.
      // Large enough (>= 16 MFLOP, > 256 rows) for gemm's row bands on the pool, both ways round.
      const [Mg, Ng, Kg] = [520, 130, 120];
      const Ag = randomArray(rng, Mg * Kg);
      const Bg = randomArray(rng, Kg * Ng);
      const [Rw, Kw, Nw] = [200, 150, 300];
      const Xw = spikeArray(rng, Rw * Kw, 0.25);
      const Ww = randomArray(rng, Kw * Nw);
      const Gw = randomArray(rng, Rw * Nw);
      const p: NeuronKernelParams = {
        decay: 0.8, inputScale: 1, bias: 0, threshold: 0.5, reset: 0, vReset: 0, vInit: 0,
        refractory: 1, detachReset: false, surrogate: 'arctan', surrogateAlpha: 2,
      };
      const Tn = 10;
      const Nn = 3000;
      const Xn = randomArray(rng, Tn * Nn);
      const run = (threads: number, refractory: number) => {
        addon.setThreads(threads);
        p.refractory = refractory;
        const out = new Float32Array(R * N);
        const dW = new Float32Array(K * N);
        k.spikeMatmul(R, K, N, X, W, out, false);
        k.spikeMatmulGradW(R, K, N, X, G, dW);
        const outS = new Float32Array(R * N);
        const dWS = new Float32Array(K * N);
        k.spikeMatmul(R, K, N, Xs, W, outS, false);
        k.spikeMatmulGradW(R, K, N, Xs, G, dWS);
        const outW = new Float32Array(Rw * Nw);
        const dWW = new Float32Array(Kw * Nw);
        k.spikeMatmul(Rw, Kw, Nw, Xw, Ww, outW, false);
        k.spikeMatmulGradW(Rw, Kw, Nw, Xw, Gw, dWW);
        const C = new Float32Array(Mg * Ng);
        const CT = new Float32Array(Mg * Ng);
        k.gemm(false, false, Mg, Ng, Kg, 1, Ag, 0, Bg, 0, 0, C, 0);
        k.gemm(true, true, Mg, Ng, Kg, 0.5, Ag, 0, Bg, 0, 0, CT, 0);
        const S = new Float32Array(Tn * Nn);
        const H = new Float32Array(Tn * Nn);
        k.neuronForward(p, Tn, Nn, Xn, S, H, null);
        const gX = new Float32Array(Tn * Nn);
        const grads = k.neuronBackward(p, Tn, Nn, H, S, Xn, null, gX);
        return { out, dW, outS, dWS, outW, dWW, C, CT, S, gX, grads };
      };
      try {
        // refractory 0 takes the vectorised fast path, 1 the general loop.
        for (const refractory of [0, 1]) {
          const one = run(1, refractory);
          const two = run(2, refractory);
          for (const key of ['out', 'dW', 'outS', 'dWS', 'outW', 'dWW', 'C', 'CT', 'S', 'gX'] as const) {
            expect(Buffer.from(two[key].buffer).equals(Buffer.from(one[key].buffer)), `${key} refractory=${refractory}`).toBe(true);
          }
          expect(two.grads).toEqual(one.grads);
          expect(addon.info().threads).toBe(2);
        }
      } finally {
        addon.setThreads(before);
      }
    });
  });
});
