import { describe, expect, it } from 'vitest';
import { ApiError, type MetricRecord, type RunConfig, type SpikeSnapshot } from '../../../core/api/contract';
import { createBpttTrainer, epochOrder } from '../../../core/train/bptt';
import { getTrainMethod } from '../../../core/train/index';
import { getPreset, listPresets } from '../../../core/train/presets';
import type { CheckpointState, TrainHooks } from '../../../core/train/types';

function config(over: Partial<RunConfig['settings']>): RunConfig {
  const p = getPreset('mnist-mlp');
  return { preset: 'mnist-mlp', name: 't', method: 'bptt', dataset: 'mnist', model: p.model, settings: { ...p.summary.defaults, ...over } };
}

function hooks(opts: { stopAfter?: number } = {}): TrainHooks & { metrics: MetricRecord[]; checkpoints: CheckpointState[]; snapshots: Array<Omit<SpikeSnapshot, 'runId'>> } {
  let calls = 0;
  const h = {
    metrics: [] as MetricRecord[],
    checkpoints: [] as CheckpointState[],
    snapshots: [] as Array<Omit<SpikeSnapshot, 'runId'>>,
    metric: (m: MetricRecord) => h.metrics.push(m),
    wantSpikes: () => h.snapshots.length === 0,
    spikes: (s: Omit<SpikeSnapshot, 'runId'>) => h.snapshots.push(s),
    checkpoint: async (c: CheckpointState) => {
      h.checkpoints.push(c);
    },
    control: async () => (opts.stopAfter !== undefined && calls++ >= opts.stopAfter ? ('stop' as const) : ('continue' as const)),
    log: () => {},
    curve: () => {},
    wantPlasticity: () => false,
    plasticity: () => {},
  };
  return h;
}

describe('bptt trainer', () => {
  it('learns MNIST well above chance from 2000 samples in one epoch (T = 10)', async () => {
    const h = hooks();
    const r = await createBpttTrainer({ reportEvery: 4 })(config({ trainLimit: 2000, testLimit: 500, timesteps: 10, batchSize: 100 }), h, null);
    expect(r.stopped).toBe(false);
    expect(r.epochsDone).toBe(1);
    expect(r.finalTestAccuracy).toBeGreaterThan(0.6);
    const epochRec = h.metrics.filter((m) => m.kind === 'epoch');
    expect(epochRec).toHaveLength(1);
    expect(epochRec[0].testAccuracy).toBe(r.finalTestAccuracy);
    // Batch records carry the 0-based index of the batch just completed (contract: MetricRecord.step).
    expect(h.metrics.filter((m) => m.kind === 'batch').map((m) => m.step)).toEqual([3, 7, 11, 15, 19]);
    expect(h.metrics[0].firingRates.lif1).toBeGreaterThan(0);
    expect(h.snapshots).toHaveLength(1);
    expect(h.snapshots[0]).toMatchObject({ layer: 'lif1', neurons: 500, timesteps: 10 });
    expect(h.checkpoints).toHaveLength(1);
    expect(h.checkpoints[0]).toMatchObject({ epoch: 1, step: 0 });
  });

  it('stops on request with a checkpoint, and resuming reproduces the uninterrupted run exactly', async () => {
    const cfg = config({ trainLimit: 400, testLimit: 100, timesteps: 4, batchSize: 50, epochs: 2 });
    const train = createBpttTrainer();
    const full = await train(cfg, hooks(), null);
    const h1 = hooks({ stopAfter: 11 });
    const part = await train(cfg, h1, null);
    expect(part.stopped).toBe(true);
    const cp = h1.checkpoints[h1.checkpoints.length - 1];
    expect(cp).toMatchObject({ epoch: 1, step: 3 });
    const h2 = hooks();
    const resumed = await train(cfg, h2, cp);
    expect(resumed.epochsDone).toBe(2);
    expect(resumed.finalTestAccuracy).toBe(full.finalTestAccuracy);
    expect(Buffer.from(resumed.weights).equals(Buffer.from(full.weights))).toBe(true);
  });

  it('shuffles per epoch deterministically', () => {
    const a = epochOrder(100, 1, 0);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(epochOrder(100, 1, 0))).toEqual(Array.from(a));
    expect(Array.from(epochOrder(100, 1, 1))).not.toEqual(Array.from(a));
  });
});

describe('presets and methods', () => {
  it('lists presets and rejects unknown names', () => {
    const names = listPresets().map((p) => p.name);
    expect(names).toContain('mnist-mlp');
    const p = getPreset('mnist-mlp');
    expect(p.model.layers.map((l) => l.type)).toEqual(['dense', 'neuron', 'dense', 'neuron']);
    expect(p.model.timesteps).toBe(25);
    expect(p.summary.defaults.batchSize).toBe(128);
    try {
      getPreset('nope');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe('UNKNOWN_PRESET');
      expect((e as ApiError).message).toMatch(/Unknown preset "nope"; available: mnist-mlp/);
    }
  });
  it('resolves training methods by name', () => {
    expect(typeof getTrainMethod('bptt')).toBe('function');
    expect(() => getTrainMethod('magic')).toThrow(/Unknown training method "magic"/);
  });
});
