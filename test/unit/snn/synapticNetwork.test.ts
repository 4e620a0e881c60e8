/**
 * The synaptic layers inside built networks: the example specs compile through buildNetwork, a
 * training step runs forward and backward, and the spike metrics read the network's activity.
 */
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { spikeMetrics } from '../../../core/snn/metrics';
import { Rng } from '../../../core/snn/rng';
import type { ModelSpec } from '../../../core/snn/spec';
import { resnetSpec } from './specExamples';

const convNet: ModelSpec = {
  format: 'spikelab.model',
  version: 1,
  name: 'conv-small',
  input: [1, 12, 12],
  timesteps: 4,
  encoder: { type: 'poisson' },
  layers: [
    { type: 'conv2d', name: 'conv1', filters: 4, kernel: 3, padding: 'same' },
    { type: 'tdbn', name: 'bn1', alpha: 1, threshold: 0.5 },
    { type: 'neuron', name: 'sn1', neuron: { model: 'lif', threshold: 0.5 } },
    { type: 'maxpool', name: 'pool1', size: 2 },
    { type: 'delay', name: 'd1', steps: 1 },
    { type: 'conv2d', name: 'conv2', filters: 6, kernel: 3, groups: 2 },
    { type: 'batchnorm', name: 'bn2' },
    { type: 'neuron', name: 'sn2', neuron: { model: 'if', threshold: 0.5 } },
    { type: 'avgpool', name: 'pool2', size: 2 },
    { type: 'flatten', name: 'flat' },
    { type: 'dropout', name: 'drop', rate: 0.3 },
    { type: 'dense', name: 'fc', units: 5 },
  ],
  decoder: { type: 'rate' },
};

function step(spec: ModelSpec, batch: number): { gradNorm: number; net: ReturnType<typeof buildNetwork>; activity: Record<string, { spikes: number; neuronSteps: number }> } {
  const net = buildNetwork(spec, { kernels: referenceKernels, seed: 3 });
  const rng = new Rng(5);
  const x = new Float32Array(batch * spec.input.reduce((a, b) => a * b, 1)).map(() => rng.next());
  const r = net.forward(x, batch, true);
  expect(r.scores.length).toBe(batch * r.classes);
  for (const v of r.scores) expect(Number.isFinite(v)).toBe(true);
  const g = new Float32Array(r.scores.length).map(() => rng.next() - 0.5);
  net.backward(g);
  let gradNorm = 0;
  for (const p of net.params()) for (const v of p.grad) gradNorm += v * v;
  return { gradNorm, net, activity: r.activity };
}

describe('synaptic layers in a built network', () => {
  it('runs a conv/tdBN/pool/delay/dropout net forward and backward with finite, non-zero gradients', () => {
    const { gradNorm, net, activity } = step(convNet, 3);
    expect(Number.isFinite(gradNorm)).toBe(true);
    expect(gradNorm).toBeGreaterThan(0);
    const names = net.params().map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['conv1.weight', 'conv1.bias', 'bn1.weight', 'bn2.bias', 'conv2.weight', 'fc.weight']));
    expect(net.buffers().map((b) => b.name)).toEqual(['bn1.runningMean', 'bn1.runningVar', 'bn2.runningMean', 'bn2.runningVar']);
    const m = spikeMetrics(convNet, new Map(Object.entries(activity)), { batch: 3 });
    expect(m.spiking.map((s) => s.name)).toEqual(['sn1', 'sn2']);
    // conv1 reads Poisson spikes but no encoder count was given; conv2 reads sn1's spikes via pool + delay
    expect(m.synaptic.map((s) => [s.name, s.countedAs])).toEqual([['conv1', 'mac'], ['conv2', 'ac'], ['fc', 'mac']]);
  });

  it('runs the ResNet-style example with residual branches and a 1x1 strided shortcut', () => {
    const { gradNorm } = step(resnetSpec, 2);
    expect(Number.isFinite(gradNorm)).toBe(true);
    expect(gradNorm).toBeGreaterThan(0);
  });
});
