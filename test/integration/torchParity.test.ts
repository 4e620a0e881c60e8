/**
 * Optional parity against PyTorch (Debian's python3-torch): the same weights and inputs through a
 * small PyTorch script must give the same loss, output spike counts and weight gradients. Skipped,
 * with a message, where /usr/bin/python3 cannot import torch.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../core/snn/build';
import { referenceKernels } from '../../core/snn/kernels/reference';
import { getKernels } from '../../core/snn/kernels';
import { crossEntropy } from '../../core/snn/losses';
import { Rng } from '../../core/snn/rng';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../core/snn/spec';

const PY = '/usr/bin/python3';
const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn('[skip] PyTorch parity: /usr/bin/python3 cannot import torch (apt-get install python3-torch)');

const T = 6;
const B = 5;
const beta = 0.9;
const threshold = 1;
const alpha = 2;

const spec: ModelSpec = {
  format: MODEL_SPEC_FORMAT,
  version: MODEL_SPEC_VERSION,
  name: 'parity',
  input: [12],
  timesteps: T,
  encoder: { type: 'direct' },
  layers: [
    { type: 'dense', name: 'fc1', units: 16 },
    { type: 'neuron', name: 'lif1', neuron: { model: 'lif', form: 'decay', beta, threshold, reset: 'soft', surrogate: { kind: 'arctan', alpha } } },
    { type: 'dense', name: 'fc2', units: 4 },
    { type: 'neuron', name: 'lif2', neuron: { model: 'lif', form: 'decay', beta, threshold, reset: 'soft', surrogate: { kind: 'arctan', alpha } } },
  ],
  decoder: { type: 'spikeCount' },
};

function runTorch(payload: unknown): { loss: number; counts: number[]; grads: Record<string, number[]> } {
  const r = spawnSync(PY, [join(__dirname, 'torch_parity.py')], { input: JSON.stringify(payload), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`torch_parity.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.skipIf(!hasTorch)('parity with PyTorch', () => {
  for (const [label, kernels] of [['reference', referenceKernels], ['loaded', getKernels().kernels]] as const) {
    it(`matches loss, spike counts and gradients (${label} kernels: ${kernels.name})`, () => {
      const net = buildNetwork(spec, { kernels, seed: 3 });
      // Scale weights up so both layers spike a fair amount and the surrogate path matters.
      for (const p of net.params()) for (let i = 0; i < p.value.length; i++) p.value[i] *= 3;
      const rng = new Rng(11);
      const x = Float32Array.from({ length: B * 12 }, () => rng.next());
      const labels = [0, 1, 2, 3, 1];
      const out = net.forward(x, B, true);
      const ce = crossEntropy(out.scores, labels, B, out.classes);
      for (const p of net.params()) p.grad.fill(0);
      net.backward(ce.grad);

      const params: Record<string, { shape: number[]; data: number[] }> = {};
      for (const p of net.params()) params[p.name] = { shape: p.shape, data: Array.from(p.value) };
      const ref = runTorch({ T, B, beta, threshold, alpha, x: Array.from(x), labels, params });

      expect(Array.from(out.scores)).toEqual(ref.counts);
      expect(ce.loss).toBeCloseTo(ref.loss, 4);
      for (const p of net.params()) {
        const g = ref.grads[p.name];
        expect(g, `torch returned no gradient for ${p.name}`).toBeDefined();
        let maxAbs = 0;
        let maxErr = 0;
        for (let i = 0; i < g.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs(g[i]));
          maxErr = Math.max(maxErr, Math.abs(g[i] - p.grad[i]));
        }
        expect(maxAbs, `${p.name}: gradient is all zero, the test would prove nothing`).toBeGreaterThan(1e-6);
        expect(maxErr / maxAbs, `${p.name} gradient differs from PyTorch`).toBeLessThan(1e-3);
      }
    });
  }
});
