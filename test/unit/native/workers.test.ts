/**
 * Kernels run on worker threads (DESIGN.md), several at once: the addon must load in each worker
 * context and give the same results while workers share its thread pool and OpenBLAS.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ADDON_RELATIVE_PATH, findPackageRoot } from '../../../core/native/loader';
import { loadBuiltAddon } from './helpers';

const native = loadBuiltAddon('native workers');

// Plain JS so the worker needs no TypeScript loader: each worker loads the addon itself and runs a
// deterministic workload, returning the bytes of its outputs.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const mod = { exports: {} };
process.dlopen(mod, workerData.file);
const k = mod.exports;
const { R, K, N, T, NN, reps } = workerData;
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const X = new Float32Array(R * K).map(() => (rnd() < 0.15 ? 1 : 0));
const W = new Float32Array(K * N).map(() => rnd() - 0.5);
const G = new Float32Array(R * N).map(() => rnd() - 0.5);
const cur = new Float32Array(T * NN).map(() => rnd() * 2 - 0.5);
const p = { decay: 0.9, inputScale: 1, bias: 0, threshold: 1, reset: 0, vReset: 0, vInit: 0,
  refractory: 0, detachReset: false, surrogate: 0, surrogateAlpha: 2 };
// Batched convolution (its tasks switch OpenBLAS to one thread while they run, process-wide) and
// the Poisson encoder, both also pool users.
const conv = { geometry: { channels: 3, height: 10, width: 10, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
  padH: 1, padW: 1, outH: 10, outW: 10 }, samples: 40, groups: 1, filters: 8, columnBudget: 4096 };
const cx = new Float32Array(40 * 300).map(() => (rnd() < 0.2 ? 1 : 0));
const cw = new Float32Array(8 * 27).map(() => rnd() - 0.5);
const cg = new Float32Array(40 * 800).map(() => rnd() - 0.5);
let out, dW, C, gX, grads, cy, cdW, cdx, spikes;
for (let i = 0; i < reps; i++) {
  cy = new Float32Array(40 * 800); k.conv2dForward(conv, cx, cw, null, cy);
  cdW = new Float32Array(8 * 27); cdx = new Float32Array(40 * 300);
  k.conv2dBackward(conv, cx, cw, cg, cdW, null, cdx);
  spikes = new Float32Array(6 * 3000); k.poissonEncode(cur, 3000, 6, 1, 17, 23, spikes);
  out = new Float32Array(R * N); k.spikeMatmul(R, K, N, X, W, out, false);
  dW = new Float32Array(K * N); k.spikeMatmulGradW(R, K, N, X, G, dW);
  C = new Float32Array(R * N); k.gemm(false, false, R, N, K, 1, X, 0, W, 0, 0, C, 0);
  const S = new Float32Array(T * NN), H = new Float32Array(T * NN);
  k.neuronForward(p, T, NN, cur, S, H, null);
  gX = new Float32Array(T * NN);
  grads = k.neuronBackward(p, T, NN, H, S, cur, null, gX);
}
parentPort.postMessage({ out: out.buffer, dW: dW.buffer, C: C.buffer, gX: gX.buffer, grads,
  cy: cy.buffer, cdW: cdW.buffer, cdx: cdx.buffer, spikes: spikes.buffer });
`;

interface WorkerResult {
  out: ArrayBuffer;
  dW: ArrayBuffer;
  C: ArrayBuffer;
  gX: ArrayBuffer;
  grads: [number, number];
  cy: ArrayBuffer;
  cdW: ArrayBuffer;
  cdx: ArrayBuffer;
  spikes: ArrayBuffer;
}

function runWorker(file: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, R: 256, K: 200, N: 120, T: 8, NN: 2048, reps: 5 },
    });
    w.once('message', (m: WorkerResult) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

describe.skipIf(native === null)('native kernels on worker threads', () => {
  it('load in several workers at once and agree bit for bit', async () => {
    const file = path.join(findPackageRoot(__dirname)!, ADDON_RELATIVE_PATH);
    const results = await Promise.all([runWorker(file), runWorker(file), runWorker(file)]);
    const [first, ...rest] = results;
    expect(first.grads.every(Number.isFinite)).toBe(true);
    expect(new Float32Array(first.out).some((v) => v !== 0)).toBe(true);
    expect(new Float32Array(first.cdx).some((v) => v !== 0)).toBe(true);
    expect(new Float32Array(first.spikes).some((v) => v !== 0)).toBe(true);
    for (const r of rest) {
      for (const key of ['out', 'dW', 'C', 'gX', 'cy', 'cdW', 'cdx', 'spikes'] as const) {
        expect(Buffer.from(r[key]).equals(Buffer.from(first[key])), key).toBe(true);
      }
      expect(r.grads).toEqual(first.grads);
    }
  });
});
