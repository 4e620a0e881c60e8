import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../../core/api/contract';
import { createLabService, type LabService } from '../../../core/lab/service';
import { decodeFirstTensor } from '../../fixtures/fakeTrainMethod';
import { FAKE_METHOD_MODULE, fakeBackend, fakePresets } from '../../fixtures/fakePresets';
import { tempDir, waitFor } from './helpers';

const t = tempDir();
const services: LabService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
  t.cleanup();
});

function service(sub: string): { svc: LabService; events: RunEvent[] } {
  const svc = createLabService({ workspace: join(t.dir, sub), presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE, stopGraceMs: 5000 });
  services.push(svc);
  const events: RunEvent[] = [];
  svc.onRunEvent((e) => events.push(e));
  return { svc, events };
}

const statusOf = (events: RunEvent[], id: string) =>
  events.filter((e): e is Extract<RunEvent, { type: 'status' }> => e.type === 'status' && e.run.id === id).map((e) => e.run.status);

describe('training jobs in worker threads', () => {
  it('runs a fake method to completion, persisting metrics, checkpoints and final weights', async () => {
    const { svc, events } = service('complete');
    const run = await svc.startRun({ preset: 'fake-fast', settings: { epochs: 2, trainLimit: 60, batchSize: 10 } });
    await waitFor(() => svc.store.readStatus(run.id).status === 'completed', 20_000, 'completion');
    const detail = await svc.getRun(run.id);
    expect(detail.summary.epochsDone).toBe(2);
    expect(detail.summary.bestTestAccuracy).toBeCloseTo(0.7);
    expect(detail.metrics.filter((m) => m.kind === 'epoch').map((m) => m.epoch)).toEqual([0, 1]);
    expect(detail.metrics.filter((m) => m.kind === 'batch').length).toBe(12);
    expect(existsSync(join(svc.store.runDir(run.id), 'weights', 'final.safetensors'))).toBe(true);
    expect(detail.summary.lastCheckpoint).toBe('ckpt-2-0.safetensors');
    expect(statusOf(events, run.id)[0]).toBe('queued');
    expect(statusOf(events, run.id)).toContain('running');
    expect(statusOf(events, run.id).at(-1)).toBe('completed');
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.filter((e) => e.type === 'metric' && e.metric.kind === 'epoch').length).toBe(2);
  });

  it('listRuns agrees with a status event the moment it is emitted, before status.json is written', async () => {
    const { svc } = service('list-race');
    const seen: Promise<[string, string | undefined]>[] = [];
    svc.onRunEvent((e) => {
      if (e.type === 'status') seen.push(svc.listRuns().then((list) => [e.run.status, list.find((r) => r.id === e.run.id)?.status]));
    });
    const run = await svc.startRun({ preset: 'fake-fast', settings: { epochs: 1, trainLimit: 20, batchSize: 10 } });
    await waitFor(() => svc.store.readStatus(run.id).status === 'completed', 20_000, 'completion');
    const pairs = await Promise.all(seen);
    expect(pairs.map(([s]) => s)).toContain('completed');
    for (const [announced, listed] of pairs) expect(listed).toBe(announced);
  });

  it('pauses, resumes and stops; stop checkpoints and resume continues from it', async () => {
    const { svc, events } = service('pause');
    const run = await svc.startRun({ preset: 'fake-slow', settings: { epochs: 3, trainLimit: 400, batchSize: 10 } });
    await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.runId === run.id), 20_000, 'first progress');
    expect((await svc.pauseRun(run.id)).status).toBe('paused');
    await new Promise((r) => setTimeout(r, 150));
    const countAt = events.filter((e) => e.type === 'progress').length;
    await new Promise((r) => setTimeout(r, 400));
    expect(events.filter((e) => e.type === 'progress').length).toBe(countAt);
    await expect(svc.pauseRun(run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await svc.resumeRun(run.id)).status).toBe('running');
    await waitFor(() => events.filter((e) => e.type === 'progress').length > countAt, 5000, 'progress after resume');
    const stopped = await svc.stopRun(run.id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.lastCheckpoint).toMatch(/^ckpt-0-\d+\.safetensors$/);
    const stepAtStop = Number(/ckpt-0-(\d+)/.exec(stopped.lastCheckpoint!)![1]);
    expect(stepAtStop).toBeGreaterThan(0);

    expect((await svc.resumeRun(run.id)).status).toMatch(/queued|running/);
    await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.runId === run.id && e.progress.epoch === 1), 30_000, 'epoch 1');
    await svc.stopRun(run.id);
    // No duplicate records from the batches trained twice around the resume point.
    const keys = (await svc.getRun(run.id)).metrics.map((m) => `${m.kind}:${m.epoch}:${m.step}`);
    expect(new Set(keys).size).toBe(keys.length);
    const log = readFileSync(join(svc.store.runDir(run.id), 'log.txt'), 'utf8');
    expect(log).toContain(`resuming from ckpt-0-${stepAtStop}`);
    await expect(svc.stopRun(run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('stops a paused run', async () => {
    const { svc, events } = service('stop-paused');
    const run = await svc.startRun({ preset: 'fake-slow', settings: { epochs: 2, trainLimit: 400 } });
    await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.runId === run.id), 20_000, 'progress');
    await svc.pauseRun(run.id);
    const stopped = await svc.stopRun(run.id);
    expect(stopped.status).toBe('stopped');
    expect(svc.store.latestCheckpoint(run.id)).not.toBeNull();
  });

  it('a killed worker leaves a readable, resumable run with its last checkpoint', async () => {
    const { svc } = service('crash');
    const run = await svc.startRun({ preset: 'fake-slow', settings: { epochs: 2, trainLimit: 400, batchSize: 10 } });
    await waitFor(() => svc.store.latestCheckpoint(run.id)?.step === 10 || svc.store.latestCheckpoint(run.id)?.step === 15, 20_000, 'a mid-epoch checkpoint');
    await svc.killRunWorker(run.id);
    const s = svc.store.readStatus(run.id);
    expect(s.status).toBe('interrupted');
    const ckpt = svc.store.latestCheckpoint(run.id)!;
    expect(s.lastCheckpoint).toBe(ckpt.weights.file);
    const state = svc.store.loadCheckpoint(run.id, ckpt);
    // The fake method adds lr (0.01) per batch: weights encode exactly how far the checkpoint got.
    expect(decodeFirstTensor(state.weights)[0]).toBeCloseTo(ckpt.step * 0.01, 4);
    expect((await svc.getRun(run.id)).metrics.length).toBeGreaterThan(0);
    await svc.resumeRun(run.id);
    await waitFor(() => svc.store.readStatus(run.id).status === 'completed', 30_000, 'completion after resume');
  });

  it('pause and stop reach a CPU-bound method that never yields on its own', async () => {
    const { svc, events } = service('busy');
    const run = await svc.startRun({ preset: 'fake-busy', settings: { epochs: 1, trainLimit: 3000, batchSize: 10 } });
    await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.runId === run.id), 10_000, 'progress');
    await svc.pauseRun(run.id);
    await new Promise((r) => setTimeout(r, 100));
    const metricsAt = events.filter((e) => e.type === 'metric').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter((e) => e.type === 'metric').length).toBe(metricsAt);
    await svc.resumeRun(run.id);
    const t0 = Date.now();
    const stopped = await svc.stopRun(run.id);
    // 300 batches of 5 ms = 1.5 s if stop were ignored; it must land within a batch or two.
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(stopped.status).toBe('stopped');
  });

  it('queues runs beyond the concurrency limit and can stop a queued run', async () => {
    const { svc } = service('queue');
    const a = await svc.startRun({ preset: 'fake-slow', settings: { epochs: 1, trainLimit: 100 } });
    const b = await svc.startRun({ preset: 'fake-fast', settings: { epochs: 1, trainLimit: 50 } });
    const c = await svc.startRun({ preset: 'fake-fast', settings: { epochs: 1, trainLimit: 50 } });
    expect([a.status, b.status, c.status]).toEqual(['running', 'queued', 'queued']);
    // Another service on the workspace (say `spikelab runs list`) must not take queued runs for dead ones.
    const { svc: peer } = service('queue');
    await peer.close();
    expect(svc.store.readStatus(b.id).status).toBe('queued');
    expect((await svc.stopRun(c.id)).status).toBe('stopped');
    await waitFor(() => svc.store.readStatus(b.id).status === 'completed', 20_000, 'queued run to complete');
    expect(svc.store.readStatus(a.id).status).toBe('completed');
    expect(svc.store.readStatus(c.id).status).toBe('stopped');
    expect(svc.store.latestCheckpoint(c.id)).toBeNull();
  });

  it('progress keeps moving between sparse batch reports', async () => {
    const { svc, events } = service('sparse');
    // 100 batches of 10 ms, a metric every 50: two reports, yet progress should tick about 10 times a second.
    const run = await svc.startRun({ preset: 'fake-sparse', settings: { epochs: 1, trainLimit: 1000, batchSize: 10 } });
    await waitFor(() => svc.store.readStatus(run.id).status === 'completed', 20_000, 'completion');
    const steps = events.flatMap((e) => (e.type === 'progress' && e.progress.runId === run.id ? [e.progress.step] : []));
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(new Set(steps).size).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
    expect(Math.max(...steps)).toBeLessThan(100);
  });

  it('a failing method marks the run failed with its message', async () => {
    const { svc } = service('fail');
    const run = await svc.startRun({ preset: 'fake-fail', settings: { trainLimit: 20 } });
    await waitFor(() => svc.store.readStatus(run.id).status === 'failed', 20_000, 'failure');
    expect(svc.store.readStatus(run.id).error).toBe('fake failure in epoch 1');
    expect(svc.store.readStatus(run.id).epochsDone).toBe(1);
  });

  it('caps spike snapshots in size and rate', async () => {
    const { svc, events } = service('spikes');
    const run = await svc.startRun({ preset: 'fake-spikes', settings: { epochs: 1, trainLimit: 1000, batchSize: 10 } });
    const t0 = Date.now();
    await waitFor(() => svc.store.readStatus(run.id).status === 'completed', 30_000, 'completion');
    const seconds = (Date.now() - t0) / 1000;
    const snaps = events.filter((e): e is Extract<RunEvent, { type: 'spikes' }> => e.type === 'spikes');
    expect(snaps.length).toBeGreaterThan(0);
    for (const s of snaps) {
      expect(s.snapshot.times.length).toBe(20_000);
      expect(s.snapshot.truncated).toBe(true);
      expect(s.snapshot.runId).toBe(run.id);
    }
    // 100 batches of 5 ms ask for a raster every batch; at most ~4/s may come through.
    expect(snaps.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 1);
    const progress = events.filter((e) => e.type === 'progress').length;
    expect(progress).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    const batchRecords = (await svc.getRun(run.id)).metrics.filter((m) => m.kind === 'batch');
    expect(batchRecords.length).toBe(100);
  });

  it('validates requests with field names and codes', async () => {
    const { svc } = service('validate');
    await expect(svc.startRun({ preset: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_PRESET' });
    await expect(svc.startRun({ preset: 'fake-fast', settings: { epochs: -1 } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'request.settings.epochs must be a positive integer, got -1',
    });
    await expect(svc.startRun({ preset: 'fake-fast', settings: { bogus: 1 } as never })).rejects.toThrow(/settings\.bogus is not a known setting/);
    await expect(svc.getRun('missing-run')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(svc.getRun('../etc')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('marks runs left running by a dead process as interrupted on start', async () => {
    const { svc } = service('restart');
    const run = await svc.startRun({ preset: 'fake-slow', settings: { trainLimit: 400 } });
    await waitFor(() => svc.store.readStatus(run.id).status === 'running', 10_000, 'running');
    // While its owner lives, another service on the same workspace (the CLI listing runs) leaves it alone.
    const { svc: peer } = service('restart');
    expect((await peer.getRun(run.id)).summary.status).toBe('running');
    await peer.close();
    await svc.killRunWorker(run.id);
    await svc.close();
    // Simulate the whole process dying mid-run: status.json still says running, its owner is gone.
    svc.store.writeStatus({ ...svc.store.readStatus(run.id), status: 'running' });
    const { svc: again } = service('restart');
    expect((await again.getRun(run.id)).summary.status).toBe('interrupted');
  });
});
