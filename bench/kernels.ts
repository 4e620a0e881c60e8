/**
 * Native vs reference kernel speed for the MLP shapes (T*B = 25*128 = 3200 rows, 784 -> 500):
 * dense forward via gemm against the event-driven spikeMatmul at 10, 15 (the engine bench's input)
 * and 30 % input density, the weight gradient both ways, the fused LIF forward + backward over
 * [25, 128*500] and the Poisson encoder; and the batched convolution at LeNet's shapes. (The native
 * spikeMatmul kernels switch to sgemm themselves above a density: 13 % forward and 6 % for dW, 40 %
 * for binary input into 128 or more outputs where the CPU has AVX-512; docs/kernels.md.)
 * Run: `npx tsx bench/kernels.ts [--quick]`. Numbers are noisy when other jobs share the CPU.
 */
import { loadAddon, findPackageRoot, ADDON_RELATIVE_PATH } from '../core/native/loader';
import { NativeKernels } from '../core/native/nativeKernels';
import { referenceKernels } from '../core/snn/kernels/reference';
import { convWorkFloats } from '../core/snn/kernels/convPerImage';
import type { Conv2dBatch, Kernels, NeuronKernelParams } from '../core/snn/kernels/types';
import { CONV_COLUMN_BUDGET } from '../core/snn/layers/conv2d';
import { Rng } from '../core/snn/rng';
import * as path from 'node:path';

const quick = process.argv.includes('--quick');
const T = 25;
const B = 128;
const R = T * B;
const K = 784;
const N = 500;

/** Fastest sample: on a shared machine other jobs only ever add time, so the minimum is the estimate least hurt by them. */
function best(xs: number[]): number {
  return Math.min(...xs);
}

/** Best seconds per call; slow (reference) kernels get fewer repetitions. */
function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn(); // warm-up, also sizes the repetition count
  const first = Number(process.hrtime.bigint() - t0) / 1e9;
  const budget = quick ? 0.3 : 1.5;
  const reps = Math.max(quick ? 1 : 3, Math.min(50, Math.floor(budget / Math.max(first, 1e-6))));
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - s) / 1e9);
  }
  return best(samples);
}

interface Case {
  name: string;
  run(k: Kernels): void;
}

function spikes(rng: Rng, n: number, density: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() < density ? 1 : 0;
  return a;
}

function normals(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

function cases(): Case[] {
  const rng = new Rng(42);
  const W = normals(rng, K * N, 0.05);
  const G = normals(rng, R * N, 0.01);
  const out = new Float32Array(R * N);
  const dW = new Float32Array(K * N);
  const list: Case[] = [];
  for (const density of [0.1, 0.15, 0.3]) {
    const X = spikes(rng, R * K, density);
    const pct = `${Math.round(density * 100)}%`;
    list.push(
      { name: `fwd gemm         ${pct}`, run: (k) => k.gemm(false, false, R, N, K, 1, X, 0, W, 0, 0, out, 0) },
      { name: `fwd spikeMatmul  ${pct}`, run: (k) => k.spikeMatmul(R, K, N, X, W, out, false) },
      { name: `dW  gemm (X^T G) ${pct}`, run: (k) => k.gemm(true, false, K, N, R, 1, X, 0, G, 0, 1, dW, 0) },
      { name: `dW  spikeMatmulGradW ${pct}`, run: (k) => k.spikeMatmulGradW(R, K, N, X, G, dW) },
    );
  }
  const lif: NeuronKernelParams = {
    decay: 0.9, inputScale: 1, bias: 0, threshold: 1, reset: 0, vReset: 0, vInit: 0,
    refractory: 0, detachReset: false, surrogate: 'arctan', surrogateAlpha: 2,
  };
  const cur = normals(rng, R * N, 0.6);
  const S = new Float32Array(R * N);
  const H = new Float32Array(R * N);
  const gS = normals(rng, R * N, 0.01);
  const gX = new Float32Array(R * N);
  // Both resets: the hard one's loops had stayed scalar (3.5x the soft reset's time) until its
  // selects became bit blends (native/src/neuron.cc).
  for (const [reset, label] of [[0, 'hard'], [1, 'soft']] as const) {
    const p: NeuronKernelParams = { ...lif, reset };
    list.push(
      { name: `LIF forward (${label} reset)`, run: (k) => k.neuronForward(p, T, B * N, cur, S, H, null) },
      { name: `LIF backward (${label} reset)`, run: (k) => void k.neuronBackward(p, T, B * N, H, S, gS, null, gX) },
    );
  }
  // The Poisson encoder of the MLP step: T·B·784 draws.
  const pixels = new Float32Array(B * K).fill(0.15);
  const encoded = new Float32Array(R * K);
  list.push({ name: 'Poisson encode', run: (k) => k.poissonEncode?.(pixels, B * K, T, 1, 12345, 678, encoded) });
  list.push(...convCases(rng));
  return list;
}

/**
 * LeNet's two convolutions over 64 images (one time step of the conv bench's batch; the reference
 * needs seconds for the full T·B = 512), input spikes / pooled spikes at their measured densities.
 */
function convCases(rng: Rng): Case[] {
  const samples = 64;
  const list: Case[] = [];
  for (const [name, C, H, F, density] of [['conv1 1->20 28x28', 1, 28, 20, 0.15], ['conv2 20->50 12x12', 20, 12, 50, 0.19]] as const) {
    const o = H - 4;
    const c: Conv2dBatch = {
      geometry: { channels: C, height: H, width: H, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, outH: o, outW: o },
      samples,
      groups: 1,
      filters: F,
      columnBudget: CONV_COLUMN_BUDGET,
    };
    const x = spikes(rng, samples * C * H * H, density);
    const w = normals(rng, F * C * 25, 0.1);
    const y = new Float32Array(samples * F * o * o);
    const gy = normals(rng, y.length, 0.01);
    const dW = new Float32Array(w.length);
    const dx = new Float32Array(x.length);
    const work = new Float32Array(convWorkFloats(c));
    list.push(
      { name: `${name} fwd`, run: (k) => k.conv2dForward?.(c, x, w, null, y, work) },
      { name: `${name} bwd (dW, dx)`, run: (k) => k.conv2dBackward?.(c, x, w, gy, dW, null, dx, work) },
    );
  }
  return list;
}

function main(): void {
  const root = findPackageRoot(__dirname);
  if (root === null) throw new Error('bench: run inside the spikelab package');
  const addon = loadAddon(path.join(root, ADDON_RELATIVE_PATH));
  const native = new NativeKernels(addon);
  const threads = addon.info().threads;
  console.log(`MLP shapes: R = T*B = ${T}*${B} = ${R}, ${K} -> ${N}; LIF over [${T}, ${B}*${N}]`);
  console.log(`native: ${addon.info().blas}; pool ${threads} threads${quick ? '; --quick (fewer repetitions)' : ''}\n`);
  const rows: string[][] = [['kernel (best-of-n ms)', 'reference', 'native 1T', `native ${threads}T`, 'speed-up']];
  for (const c of cases()) {
    const ref = time(() => c.run(referenceKernels));
    addon.setThreads(1);
    const one = time(() => c.run(native));
    addon.setThreads(threads);
    const many = time(() => c.run(native));
    rows.push([c.name, (ref * 1e3).toFixed(1), (one * 1e3).toFixed(2), (many * 1e3).toFixed(2), `${(ref / many).toFixed(0)}x`]);
  }
  printTable(rows);
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  rows.forEach((r, i) => {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

main();
