import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { computeLoss } from '../../../core/snn/losses';
import { WeightsError } from '../../../core/snn/network';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';
import { getPreset } from '../../../core/train/presets';

/** Smooth end to end (direct encoder, integrators, membrane readout) so finite differences apply. */
const smooth: ModelSpec = {
  format: MODEL_SPEC_FORMAT,
  version: MODEL_SPEC_VERSION,
  name: 'smooth',
  input: [4],
  timesteps: 3,
  encoder: { type: 'direct' },
  layers: [
    { type: 'dense', units: 5 },
    { type: 'neuron', neuron: { model: 'integrator', beta: 0.7 } },
    {
      type: 'residual',
      name: 'block',
      layers: [
        { type: 'dense', units: 5 },
        { type: 'neuron', neuron: { model: 'integrator', beta: 0.5, synapse: { kind: 'exponential', tauSyn: 2 } } },
      ],
    },
    { type: 'dense', units: 3 },
    { type: 'neuron', neuron: { model: 'integrator' } },
  ],
  decoder: { type: 'membrane', reduce: 'mean' },
};

describe('network', () => {
  it('names layers like the validator and backpropagates exactly through residual blocks', () => {
    const net = buildNetwork(smooth, { kernels: referenceKernels, seed: 3 });
    expect(net.params().map((p) => p.name)).toEqual([
      'dense1.weight', 'dense1.bias', 'block.dense1.weight', 'block.dense1.bias', 'dense4.weight', 'dense4.bias',
    ]);
    const B = 2;
    const x = Float32Array.from({ length: B * 4 }, (_, i) => ((i * 37) % 11) / 11);
    const labels = [2, 0];
    const lossAt = (): number => {
      const r = net.forward(x, B, false);
      return computeLoss('ce', r.scores, labels, B, r.classes).loss;
    };
    const r = net.forward(x, B, true);
    expect(r.classes).toBe(3);
    const l = computeLoss('ce', r.scores, labels, B, r.classes);
    for (const p of net.params()) p.grad.fill(0);
    net.backward(l.grad);
    const eps = 1e-3;
    for (const p of net.params()) {
      for (let i = 0; i < p.value.length; i += 4) {
        const v = p.value[i];
        p.value[i] = v + eps;
        const lp = lossAt();
        p.value[i] = v - eps;
        const lm = lossAt();
        p.value[i] = v;
        expect(p.grad[i]).toBeCloseTo((lp - lm) / (2 * eps), 3);
      }
    }
  });

  it('uses event-driven kernels exactly where the input is binary, and records rasters', () => {
    const { model } = getPreset('mnist-mlp');
    const calls: string[] = [];
    const spy = {
      ...referenceKernels,
      gemm: (...a: Parameters<typeof referenceKernels.gemm>) => { calls.push('gemm'); referenceKernels.gemm(...a); },
      spikeMatmul: (...a: Parameters<typeof referenceKernels.spikeMatmul>) => { calls.push('spikeMatmul'); referenceKernels.spikeMatmul(...a); },
    };
    const net = buildNetwork({ ...model, timesteps: 4 }, { kernels: spy, seed: 1 });
    const x = new Float32Array(2 * 784).fill(0.5);
    const r = net.forward(x, 2, false);
    // fc1 sees Poisson spikes and fc2 sees lif1 spikes: both event-driven.
    expect(calls).toEqual(['spikeMatmul', 'spikeMatmul']);
    expect(Object.keys(r.activity)).toEqual(['lif1', 'lif2']);
    expect(net.spikingLayerNames()).toEqual(['lif1', 'lif2']);
    const raster = net.recordRaster('lif1', 1);
    expect(raster.neurons).toBe(500);
    expect(raster.timesteps).toBe(4);
    expect(raster.times.length).toBe(raster.ids.length);
    expect(raster.times.length).toBeGreaterThan(0);
    expect(net.recordRaster('lif1', 1, 3).truncated).toBe(raster.times.length > 3);
    expect(() => net.recordRaster('fc1', 0)).toThrow(/spiking layers: lif1, lif2/);
  });

  it('gives the same gradients, bit for bit, when its layers consume the gradients they are handed', () => {
    // Network.backward lets neuron layers write dL/dX over dL/dS; methods call layers without that.
    const spec: ModelSpec = {
      format: MODEL_SPEC_FORMAT,
      version: MODEL_SPEC_VERSION,
      name: 'consume',
      input: [2, 9, 9],
      timesteps: 4,
      encoder: { type: 'direct' },
      layers: [
        { type: 'conv2d', filters: 3, kernel: 2 },
        { type: 'avgpool', size: 2 },
        { type: 'neuron', neuron: { model: 'lif', beta: 0.8, reset: 'soft', threshold: 0.3 } },
        {
          type: 'residual',
          name: 'block',
          // The branch ends in a neuron, which consumes the gradient the identity shortcut also reads.
          layers: [{ type: 'conv2d', filters: 3, kernel: 3, padding: 1 }, { type: 'neuron', neuron: { model: 'lif', threshold: 0.3 } }],
        },
        { type: 'flatten' },
        { type: 'dense', units: 7 },
        { type: 'neuron', neuron: { model: 'plif', form: 'tau', tau: 2, threshold: 0.3 } },
        { type: 'dense', units: 5 },
        { type: 'neuron', neuron: { model: 'alif', threshold: 0.3 } },
        { type: 'dense', units: 3 },
        { type: 'neuron', neuron: { model: 'integrator', beta: 0.9 } },
      ],
      decoder: { type: 'membrane', reduce: 'mean' },
    };
    const net = buildNetwork(spec, { kernels: referenceKernels, seed: 5 });
    const B = 3;
    const x = Float32Array.from({ length: B * 162 }, (_, i) => ((i * 29) % 17) / 17);
    const r = net.forward(x, B, true);
    const l = computeLoss('ce', r.scores, [0, 2, 1], B, r.classes);
    for (const p of net.params()) p.grad.fill(0);
    net.backward(l.grad);
    const consumed = net.params().map((p) => p.grad.slice());
    expect(consumed.some((g) => g.some((v) => v !== 0))).toBe(true);
    for (const p of net.params()) p.grad.fill(0);
    const ctx = { kernels: referenceKernels, training: true, rng: net.rng, reuseBuffers: true };
    let d = { data: net.decoder.backward(l.grad), shape: [spec.timesteps, B, 3] };
    for (let i = net.layers.length - 1; i >= 0; i--) d = net.layers[i].backward(d, ctx);
    net.params().forEach((p, i) => expect(Array.from(p.grad), p.name).toEqual(Array.from(consumed[i])));
  });

  it('saves and strictly loads weights as safetensors', () => {
    const a = buildNetwork(smooth, { kernels: referenceKernels, seed: 1 });
    const b = buildNetwork(smooth, { kernels: referenceKernels, seed: 2 });
    const x = Float32Array.of(0.1, 0.2, 0.3, 0.4);
    expect(Array.from(a.forward(x, 1, false).scores)).not.toEqual(Array.from(b.forward(x, 1, false).scores));
    b.loadWeights(a.saveWeights());
    expect(Array.from(b.forward(x, 1, false).scores)).toEqual(Array.from(a.forward(x, 1, false).scores));
    const other = buildNetwork({ ...smooth, layers: [{ type: 'dense', units: 3 }, { type: 'neuron', neuron: { model: 'integrator' } }] }, { kernels: referenceKernels, seed: 1 });
    expect(() => other.loadWeights(a.saveWeights())).toThrow(WeightsError);
    expect(() => a.loadWeights(new Uint8Array(3))).toThrow(/weights: file is 3 bytes/);
  });
});
