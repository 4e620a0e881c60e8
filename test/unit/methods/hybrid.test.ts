import { describe, expect, it } from 'vitest';
import { createHybridTrainer, hybridSnnSpec } from '../../../core/train/hybrid';
import { getTrainMethod } from '../../../core/train/index';
import { validateModelSpec } from '../../../core/snn/specValidate';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { mlp, recordingHooks, runConfig } from './helpers';

const annMlp = mlp('h', [
  { type: 'dense', name: 'fc1', units: 64 },
  { type: 'relu', name: 'r1' },
  { type: 'dense', name: 'fc2', units: 10 },
]);

describe('hybrid (conversion + BPTT, DIET-SNN)', () => {
  it('builds a PLIF SNN with learnable threshold from the ANN', () => {
    const s = hybridSnnSpec(annMlp, 4, { leak: 0.9, learnLeak: true, learnThreshold: true, surrogate: { kind: 'triangle', alpha: 1 } });
    validateModelSpec(s);
    expect(s.layers[1]).toMatchObject({ type: 'neuron', name: 'r1', neuron: { model: 'plif', beta: 0.9, learnThreshold: true, reset: 'soft' } });
  });

  it('annSchedule and snnSchedule anneal each phase by cosine over its own steps; preset keeps the rate', async () => {
    // 200 images in batches of 50: 4 steps per epoch, 8 per phase; the epoch metric carries the
    // rate of the epoch's last step k: lr (1 + cos(pi k / 8)) / 2.
    const cos = (lr: number, k: number): number => 0.5 * lr * (1 + Math.cos((Math.PI * k) / 8));
    const settings = { trainLimit: 200, testLimit: 50, timesteps: 2, epochs: 2, batchSize: 50, learningRate: 1e-3 };
    const epochLrs = async (o: Record<string, unknown>): Promise<number[]> => {
      const h = recordingHooks();
      await createHybridTrainer()(runConfig('hybrid', annMlp, settings, { annEpochs: 2, annLearningRate: 2e-3, calibrationSamples: 50, curveSamples: 20, ...o }), h, null);
      return h.metrics.filter((m) => m.kind === 'epoch').map((m) => m.learningRate);
    };
    const annealed = await epochLrs({ annSchedule: 'cosine', snnSchedule: 'cosine' });
    [cos(2e-3, 3), cos(2e-3, 7), cos(1e-3, 3), cos(1e-3, 7)].forEach((v, i) => expect(annealed[i]).toBeCloseTo(v, 9));
    expect(await epochLrs({ annSchedule: 'preset', snnSchedule: 'preset' })).toEqual([2e-3, 2e-3, 1e-3, 1e-3]);
  });

  it('conversion init then BPTT at T = 4 classifies well above chance and learns leak and threshold', async () => {
    const h = recordingHooks();
    const r = await createHybridTrainer()(runConfig('hybrid', annMlp, { trainLimit: 2000, testLimit: 300, timesteps: 4, epochs: 2, learningRate: 1e-3 }, { annEpochs: 2, annLearningRate: 2e-3, calibrationSamples: 200 }), h, null);
    expect(r.annTestAccuracy).toBeGreaterThan(0.8);
    expect(r.finalTestAccuracy).toBeGreaterThan(0.8);
    expect(r.convertedTestAccuracy).not.toBeNull();
    expect(r.finalTestAccuracy ?? 0).toBeGreaterThanOrEqual((r.convertedTestAccuracy ?? 1) - 0.02);
    expect(h.checkpoints.map((c) => c.extra.phase)).toEqual(['ann', 'ann', 'snn', 'snn']);
    const last = h.checkpoints[3];
    // Leak and threshold moved away from their initial values.
    const net = buildNetwork(r.snnSpec, { kernels: referenceKernels, seed: 1 });
    net.loadWeights(r.weights);
    const th = net.params().find((p) => p.name === 'r1.threshold');
    const leak = net.params().find((p) => p.name === 'r1.leak');
    expect(th && Math.abs(th.value[0] - 1)).toBeGreaterThan(1e-4);
    expect(leak && Math.abs(1 / (1 + Math.exp(-leak.value[0])) - 0.95)).toBeGreaterThan(1e-5);
    // Resuming from an SNN-phase checkpoint goes straight to BPTT.
    const again = await getTrainMethod('hybrid')(runConfig('hybrid', annMlp, { trainLimit: 300, testLimit: 100, timesteps: 4, epochs: 1 }), recordingHooks(), { ...last, epoch: 0 });
    expect(again.epochsDone).toBe(1);
  });
});
