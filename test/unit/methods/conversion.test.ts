import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { validateModelSpec } from '../../../core/snn/specValidate';
import { annSpecFromSnn, createConversionTrainer, snnSpecFromAnn } from '../../../core/train/conversion/index';
import { ttfsQuantise, ttfsSimulateDense, ttfsInput } from '../../../core/train/conversion/evaluate';
import { applyLambdas, modelLambdas, percentileOfPositive } from '../../../core/train/conversion/normalise';
import { getTrainMethod } from '../../../core/train/index';
import { MethodError } from '../../../core/train/methodKit';
import { mlp, recordingHooks, runConfig } from './helpers';

const annMlp = mlp('ann', [
  { type: 'dense', name: 'fc1', units: 64 },
  { type: 'relu', name: 'r1' },
  { type: 'dense', name: 'fc2', units: 10 },
]);

describe('conversion specs and normalisation', () => {
  it('maps an SNN to its ANN and back, keeping parameter names', () => {
    const snn = mlp('s', [
      { type: 'dense', name: 'fc1', units: 8 },
      { type: 'neuron', name: 'n1', neuron: { model: 'lif', beta: 0.9 } },
      { type: 'dense', name: 'fc2', units: 10 },
      { type: 'neuron', name: 'n2', neuron: { model: 'lif', beta: 0.9 } },
    ], { encoder: { type: 'poisson' }, timesteps: 20, decoder: { type: 'spikeCount' } });
    const ann = annSpecFromSnn(snn);
    expect(ann.layers.map((l) => l.type)).toEqual(['dense', 'relu', 'dense']);
    validateModelSpec(ann);
    const back = snnSpecFromAnn(ann, { thresholds: [0.5], timesteps: 16, encoder: { type: 'direct' }, neuron: { model: 'if' } });
    validateModelSpec(back);
    expect(back.layers[1]).toEqual({ type: 'neuron', name: 'n1', neuron: { model: 'if', reset: 'soft', threshold: 0.5 } });
    expect(back.layers[3]).toMatchObject({ type: 'neuron', neuron: { model: 'integrator' } });
    expect(() => snnSpecFromAnn(ann, { thresholds: [], timesteps: 1, encoder: { type: 'direct' }, neuron: { model: 'if' } })).toThrow(MethodError);
  });

  it('percentile of positive values (nearest rank) and max at 100', () => {
    const v = Float32Array.from([0, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentileOfPositive(v, 100)).toBe(10);
    expect(percentileOfPositive(v, 50)).toBe(5);
    expect(percentileOfPositive(new Float32Array(3), 99)).toBe(0);
  });

  it('model-based lambda is the largest positive fan-in sum plus bias, and scaling keeps the ANN function up to the output scale', () => {
    const net = buildNetwork(annMlp, { kernels: referenceKernels, seed: 3 });
    const [w1, b1] = net.params();
    let expected = 0;
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let i = 0; i < 784; i++) s += Math.max(0, w1.value[i * 64 + j]);
      expected = Math.max(expected, s + Math.max(0, b1.value[j]));
    }
    const lam = modelLambdas(net);
    expect(lam[0]).toBeCloseTo(expected, 3);
    const x = new Float32Array(784 * 2).map((_, i) => (i % 7) / 7);
    const before = net.forward(x, 2, false).scores.slice();
    applyLambdas(net, lam);
    const after = net.forward(x, 2, false).scores;
    // Hidden activations shrink by lambda, the output weights grow by it: logits are unchanged.
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i], 3);
  });

  it('TTFS closed form matches a step-by-step simulation of a dense layer', () => {
    const K = 8;
    const nIn = 5;
    const nOut = 4;
    const w = Float32Array.from({ length: nIn * nOut }, (_, i) => Math.sin(i * 1.7) * 0.6);
    const b = Float32Array.from([0.1, -0.05, 0.3, 0]);
    const x = [0.9, 0.2, 0, 0.55, 1];
    const a = x.map((v) => ttfsInput(v, K));
    const kIn = a.map((v) => (v > 0 ? Math.round(K * (1 - v)) : K));
    const steps = ttfsSimulateDense(kIn, w, b, K);
    for (let j = 0; j < nOut; j++) {
      let z = b[j];
      for (let i = 0; i < nIn; i++) z += w[i * nOut + j] * a[i];
      const q = ttfsQuantise(z, K);
      expect(q).toBeCloseTo(steps[j] >= K ? 0 : (K - steps[j]) / K, 6);
    }
  });
});

describe('conversion methods', () => {
  it('rate conversion: trains the ANN, converts, accuracy rises with T towards the ANN', async () => {
    const h = recordingHooks();
    const r = await createConversionTrainer('rate', { reportEvery: 5 })(runConfig('conversion', annMlp, { trainLimit: 2000, testLimit: 300, timesteps: 32, batchSize: 50, epochs: 2, learningRate: 2e-3 }, { tGrid: [1, 4, 16, 32], calibrationSamples: 300 }), h, null);
    expect(r.annTestAccuracy).toBeGreaterThan(0.8);
    const rate = r.curve.filter((p) => p.coding === 'rate');
    expect(rate.map((p) => p.timesteps)).toEqual([1, 4, 16, 32]);
    expect(rate[3].accuracy).toBeGreaterThan(0.75);
    expect(rate[3].accuracy).toBeGreaterThan(rate[0].accuracy);
    expect(Math.abs(rate[3].accuracy - r.annTestAccuracy)).toBeLessThan(0.06);
    expect(rate[3].spikesPerSample).toBeGreaterThan(rate[1].spikesPerSample);
    expect(r.finalTestAccuracy).toBe(rate[3].accuracy);
    expect(h.metrics.some((m) => m.kind === 'epoch' && m.testAccuracy !== null)).toBe(true);
    // The returned weights load into the deployed SNN spec.
    const snn = buildNetwork(r.snnSpec, { kernels: referenceKernels, seed: 1 });
    snn.loadWeights(r.weights);
  });

  it('annSchedule anneals the ANN training: the last batch runs near zero learning rate', async () => {
    const h = recordingHooks();
    await createConversionTrainer('rate', { reportEvery: 1 })(runConfig('conversion', annMlp, { trainLimit: 500, testLimit: 100, timesteps: 4, batchSize: 50, epochs: 2, learningRate: 2e-3 }, { tGrid: [4], calibrationSamples: 50, annSchedule: 'cosine' }), h, null);
    const lrs = h.metrics.filter((m) => m.kind === 'batch').map((m) => m.learningRate);
    expect(lrs[0]).toBeCloseTo(2e-3, 6);
    expect(lrs[lrs.length - 1]).toBeLessThan(2e-4);
    // The default keeps the preset's constant rate.
    const c = recordingHooks();
    await createConversionTrainer('rate', { reportEvery: 1 })(runConfig('conversion', annMlp, { trainLimit: 500, testLimit: 100, timesteps: 4, batchSize: 50, epochs: 1, learningRate: 2e-3 }, { tGrid: [4], calibrationSamples: 50 }), c, null);
    expect(new Set(c.metrics.filter((m) => m.kind === 'batch').map((m) => m.learningRate))).toEqual(new Set([2e-3]));
  });

  it('threshold balancing and TTFS coding both classify well above chance; model-based is registered', async () => {
    const ttfs = await getTrainMethod('conversion-ttfs')(runConfig('conversion-ttfs', annMlp, { trainLimit: 2000, testLimit: 300, timesteps: 64, epochs: 2, learningRate: 2e-3 }, { normalisation: 'balance', tGrid: [16, 64], ttfsSteps: [2, 16], calibrationSamples: 200, balanceSteps: 16 }), recordingHooks(), null);
    const curve = (ttfs as unknown as { curve: Array<{ coding: string; timesteps: number; accuracy: number; spikesPerSample: number }> }).curve;
    const t = curve.filter((p) => p.coding === 'ttfs');
    expect(t.map((p) => p.timesteps)).toEqual([4, 32]);
    expect(t[1].accuracy).toBeGreaterThan(0.75);
    // One spike per neuron at most: inputs + hidden units bound the count.
    expect(t[1].spikesPerSample).toBeLessThanOrEqual(784 + 64);
    const bal = curve.filter((p) => p.coding === 'rate');
    expect(bal[1].accuracy).toBeGreaterThan(0.7);
  });

  it('rejects unknown options with a typed error', async () => {
    await expect(createConversionTrainer('rate')(runConfig('conversion', annMlp, {}, { percentil: 99 }), recordingHooks(), null)).rejects.toMatchObject({ code: 'METHOD_OPTIONS' });
  });
});
