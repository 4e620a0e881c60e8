/**
 * A whole spiking conv net (Poisson input, strided and grouped convolutions, average pooling,
 * event-driven dense layers) on the native backend against the reference: the same seed gives the
 * same input spikes bit for bit, the same forward within float32 rounding and close gradients; and
 * each backend on its own is deterministic under a seed, step after step.
 */
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../../core/snn/build';
import type { Kernels } from '../../../core/snn/kernels/types';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { crossEntropy } from '../../../core/snn/losses';
import type { ModelSpec } from '../../../core/snn/spec';
import { loadBuiltAddon } from '../native/helpers';

const native = loadBuiltAddon('backend parity');

const lif = { model: 'lif' as const, beta: 0.8, threshold: 0.5, reset: 'soft' as const, surrogate: { kind: 'arctan' as const, alpha: 2 } };
const spec: ModelSpec = {
  format: 'spikelab.model',
  version: 1,
  name: 'parity-net',
  input: [2, 12, 12],
  timesteps: 4,
  encoder: { type: 'poisson', gain: 1 },
  layers: [
    { type: 'conv2d', name: 'conv1', filters: 6, kernel: 3, padding: 1, groups: 2 },
    { type: 'neuron', name: 'lif1', neuron: lif },
    { type: 'avgpool', name: 'pool1', size: 2 },
    { type: 'conv2d', name: 'conv2', filters: 8, kernel: 3, stride: 2 },
    { type: 'neuron', name: 'lif2', neuron: lif },
    { type: 'flatten', name: 'flat' },
    { type: 'dense', name: 'fc1', units: 16 },
    { type: 'neuron', name: 'lif3', neuron: lif },
    { type: 'dense', name: 'fc2', units: 4 },
    { type: 'neuron', name: 'lif4', neuron: lif },
  ],
  decoder: { type: 'spikeCount' },
};

const B = 5;
const x = Float32Array.from({ length: B * 288 }, (_, i) => ((i * 37) % 101) / 100);
const labels = [0, 1, 2, 3, 1];

/** Two training steps (no optimiser: gradients accumulate), returning everything observable. */
function run(kernels: Kernels) {
  const net = buildNetwork(spec, { kernels, seed: 3 });
  const steps: { loss: number; scores: Float32Array; spikes: number }[] = [];
  for (let s = 0; s < 2; s++) {
    const fwd = net.forward(x, B, true);
    const loss = crossEntropy(fwd.scores, labels, B, fwd.classes);
    net.backward(loss.grad);
    steps.push({ loss: loss.loss, scores: fwd.scores.slice(), spikes: fwd.activity.lif1.spikes });
  }
  return { steps, grads: net.params().map((p) => ({ name: p.name, grad: p.grad.slice() })) };
}

describe.skipIf(native === null)('native and reference backends on a whole network', () => {
  it('each backend is deterministic under a seed', () => {
    for (const k of [native!.kernels, referenceKernels]) {
      const a = run(k);
      const b = run(k);
      expect(a.steps.map((s) => s.loss)).toEqual(b.steps.map((s) => s.loss));
      for (let i = 0; i < a.grads.length; i++) {
        expect(Buffer.from(a.grads[i].grad.buffer).equals(Buffer.from(b.grads[i].grad.buffer)), `${k.name} ${a.grads[i].name}`).toBe(true);
      }
    }
  });

  it('the backends agree: same spikes in, close scores, loss and gradients out', () => {
    const n = run(native!.kernels);
    const r = run(referenceKernels);
    for (let s = 0; s < 2; s++) {
      // Spike counts of the first layer can differ only where a membrane sits within rounding of
      // the threshold; a different Poisson input would change hundreds.
      expect(Math.abs(n.steps[s].spikes - r.steps[s].spikes)).toBeLessThanOrEqual(2);
      expect(n.steps[s].loss).toBeCloseTo(r.steps[s].loss, 3);
    }
    let checked = 0;
    for (let i = 0; i < n.grads.length; i++) {
      const a = n.grads[i].grad;
      const b = r.grads[i].grad;
      let num = 0;
      let den = 0;
      for (let j = 0; j < a.length; j++) {
        num += (a[j] - b[j]) ** 2;
        den += b[j] ** 2;
      }
      if (den === 0) continue;
      expect(Math.sqrt(num / den), n.grads[i].name).toBeLessThan(1e-2);
      checked++;
    }
    expect(checked).toBeGreaterThan(4);
  });
});
