import { describe, expect, it, vi } from 'vitest';
import { Coalescer, capEvents } from '../../../core/lab/coalescer';
import { PLASTICITY_SAVE_INTERVAL_MS, TrainSession } from '../../../core/lab/trainSession';
import type { FromWorker } from '../../../core/lab/workerProtocol';
import { DEFAULT_STREAM_LIMITS } from '../../../core/lab/workerProtocol';
import { tempDir } from './helpers';
import { RunStore } from '../../../core/lab/runStore';
import { MODEL_SPEC_FORMAT } from '../../../core/snn/spec';

describe('Coalescer', () => {
  it('emits at most once per interval and delivers the latest value', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const got: number[] = [];
      const c = new Coalescer<number>(100, (v) => got.push(v), () => now);
      for (let i = 0; i < 1000; i++) {
        now = i; // one push per ms for one second
        c.push(i);
        vi.advanceTimersByTime(1);
      }
      c.flush();
      // one per 100 ms over 1 s, plus the first push and the final flush
      expect(got.length).toBeLessThanOrEqual(12);
      expect(got.length).toBeGreaterThanOrEqual(9);
      expect(got[0]).toBe(0);
      expect(got.at(-1)).toBe(999);
    } finally {
      vi.useRealTimers();
    }
  });

  it('caps rasters and flags truncation', () => {
    expect(capEvents([1, 2, 3], [4, 5, 6], 2)).toEqual({ times: [1, 2], ids: [4, 5], truncated: true });
    expect(capEvents([1], [4], 2)).toEqual({ times: [1], ids: [4], truncated: false });
  });
});

function makeRun(dir: string): RunStore {
  const store = new RunStore(dir);
  const now0 = new Date().toISOString();
  store.create(
    { id: 'r1', name: 'r', preset: 'p', method: 'm', dataset: 'd', status: 'running', createdAt: now0, updatedAt: now0, epochsDone: 0, epochs: 1, bestTestAccuracy: null, lastCheckpoint: null, error: null },
    {
      preset: 'p', name: 'r', method: 'm', dataset: 'd',
      model: { format: MODEL_SPEC_FORMAT, version: 1, name: 'm', input: [1], timesteps: 1, encoder: { type: 'direct' }, layers: [], decoder: { type: 'rate' } },
      settings: { epochs: 1, batchSize: 1, learningRate: 0.1, timesteps: 1, seed: 0, trainLimit: null, testLimit: null },
    },
  );
  return store;
}

describe('TrainSession hooks (in-thread, fake clock)', () => {
  it('bounds messages per second and decimates batch records on disk', async () => {
    const t = tempDir();
    try {
      const store = makeRun(t.dir);
      let now = 0;
      const posted: FromWorker[] = [];
      const s = new TrainSession(
        { runId: 'r1', runsDir: t.dir, config: store.readConfig('r1'), resumeFrom: null, methodModule: null, keepCheckpoints: 3, limits: DEFAULT_STREAM_LIMITS },
        (m) => posted.push(m),
        () => now,
      );
      const steps = 2000;
      let spikeCalls = 0;
      for (let step = 0; step < steps; step++) {
        now = step; // 1 ms per batch: 2 seconds of "training"
        s.hooks.metric({ kind: 'batch', epoch: 0, step, stepsPerEpoch: steps, elapsedMs: now, loss: 1, trainAccuracy: null, testAccuracy: null, learningRate: 0.1, samplesPerSecond: null, firingRates: {} });
        if (s.hooks.wantSpikes()) {
          spikeCalls++;
          s.hooks.spikes({ layer: 'h', epoch: 0, step, timesteps: 1, neurons: 1, times: new Array(30_000).fill(0), ids: new Array(30_000).fill(0), truncated: false });
        }
      }
      s.hooks.metric({ kind: 'epoch', epoch: 0, step: steps, stepsPerEpoch: steps, elapsedMs: now, loss: 1, trainAccuracy: 0.5, testAccuracy: 0.5, learningRate: 0.1, samplesPerSecond: null, firingRates: {} });
      const count = (type: FromWorker['type']) => posted.filter((m) => m.type === type).length;
      expect(count('progress')).toBeLessThanOrEqual(21);
      expect(count('metric')).toBeLessThanOrEqual(22);
      expect(count('spikes')).toBe(spikeCalls);
      expect(count('spikes')).toBeLessThanOrEqual(9);
      for (const m of posted) if (m.type === 'spikes') expect(m.snapshot.times.length).toBe(DEFAULT_STREAM_LIMITS.maxSpikeEvents);
      const last = posted.at(-1);
      expect(last?.type === 'metric' && last.metric.kind).toBe('epoch');
      const onDisk = store.readMetrics('r1');
      expect(onDisk.filter((m) => m.kind === 'batch').length).toBe(101);
      expect(onDisk.filter((m) => m.kind === 'epoch').length).toBe(1);
    } finally {
      t.cleanup();
    }
  });

  it('stores the newest plasticity snapshot every 10 s and when the run ends', async () => {
    const t = tempDir();
    try {
      const store = makeRun(t.dir);
      let now = 0;
      const s = new TrainSession(
        { runId: 'r1', runsDir: t.dir, config: store.readConfig('r1'), resumeFrom: null, methodModule: null, keepCheckpoints: 3, limits: DEFAULT_STREAM_LIMITS },
        () => undefined,
        () => now,
      );
      const snap = (step: number) => ({ epoch: 0, step, histogram: { layer: 'w', edges: [0, 1], counts: [step] } });
      const stored = () => store.readPlasticity('r1')?.step ?? null;
      expect(stored()).toBeNull();
      s.hooks.plasticity(snap(0)); // the first one is written at once
      expect(stored()).toBe(0);
      for (let ms = 500; ms < PLASTICITY_SAVE_INTERVAL_MS; ms += 500) {
        now = ms;
        s.hooks.plasticity(snap(ms));
      }
      expect(stored()).toBe(0); // streamed, not yet written
      now = PLASTICITY_SAVE_INTERVAL_MS;
      s.hooks.plasticity(snap(now));
      expect(stored()).toBe(PLASTICITY_SAVE_INTERVAL_MS);
      now += 500;
      s.hooks.plasticity(snap(now));
      // The run ends 1 s later: the last streamed snapshot is what the finished run shows.
      await s.run(async () => ({ stopped: false, epochsDone: 1, finalTestAccuracy: null, bestTestAccuracy: null, weights: { tensors: {} } as never }));
      expect(stored()).toBe(PLASTICITY_SAVE_INTERVAL_MS + 500);
      expect(store.readPlasticity('r1')).toMatchObject({ runId: 'r1', histogram: { counts: [PLASTICITY_SAVE_INTERVAL_MS + 500] } });
    } finally {
      t.cleanup();
    }
  });
});
