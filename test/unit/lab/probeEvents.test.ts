/**
 * probeRun on an event-data run: nmnist-conv trained for a few batches on the real N-MNIST samples
 * (../shared/data; skipped where absent). Checks the conv layers' per-channel shape, the frame input
 * as events and a 34 x 34 picture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RunEvent, RunSummary } from '../../../core/api/contract';
import { LabService } from '../../../core/lab/service';
import { HAS_SHARED_DATA, NMNIST_SMALL, sharedPath } from '../data/sharedData';
import { tempDir, waitFor } from './helpers';

describe.skipIf(!HAS_SHARED_DATA)('probeRun on event data', () => {
  const tmp = tempDir('spikelab-probe-events-');
  let service: LabService;
  let run: RunSummary;
  const events: RunEvent[] = [];

  beforeAll(async () => {
    service = new LabService({ workspace: join(tmp.dir, 'ws') });
    service.onRunEvent((e) => events.push(e));
    run = await service.startRun({ preset: 'nmnist-conv', data: { path: sharedPath(NMNIST_SMALL), labels: null }, settings: { epochs: 1, trainLimit: 32, testLimit: 8, timesteps: 4, batchSize: 16 } });
    await waitFor(() => events.some((e) => e.type === 'status' && e.run.id === run.id && ['completed', 'failed'].includes(e.run.status)), 90_000, 'end of the run');
  }, 120_000);
  afterAll(async () => {
    await service.close();
    tmp.cleanup();
  });

  it('records conv feature maps and the event frames of one validation sample', async () => {
    expect(service.store.readStatus(run.id).error).toBeNull();
    const r = await service.probeRun(run.id, { sample: 2, checkpoint: null, traceNeurons: [], maxEventsPerLayer: 50_000 });
    expect(r.timesteps).toBe(4);
    const conv = r.layers[0];
    expect(conv.shape).toEqual([12, 30, 30]);
    expect(conv.rates).toHaveLength(12 * 30 * 30);
    expect(r.input.shape).toEqual([2, 34, 34]);
    expect(r.input.binary).toBe(false);
    expect(r.input.times.length).toBeGreaterThan(0);
    expect(r.input.imageShape).toEqual([34, 34]);
    expect(r.label).toBeGreaterThanOrEqual(0);
    await expect(service.probeRun(run.id, { sample: 100_000, checkpoint: null, traceNeurons: [], maxEventsPerLayer: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
