import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRecord, RunConfig, RunSummary } from '../../../core/api/contract';
import { RunStore, isValidRunId } from '../../../core/lab/runStore';
import { MODEL_SPEC_FORMAT } from '../../../core/snn/spec';
import { tempDir } from './helpers';

const t = tempDir();
afterAll(() => t.cleanup());

function makeRun(store: RunStore, status: RunSummary['status'], label = 'p'): RunSummary {
  const now = new Date().toISOString();
  const id = store.newRunId(label);
  const summary: RunSummary = {
    id, name: label, preset: label, method: 'fake', dataset: 'fake', status, createdAt: now, updatedAt: now,
    epochsDone: 0, epochs: 2, bestTestAccuracy: null, lastCheckpoint: null, error: null,
  };
  const config: RunConfig = {
    preset: label, name: label, method: 'fake', dataset: 'fake',
    model: { format: MODEL_SPEC_FORMAT, version: 1, name: 'm', input: [1], timesteps: 1, encoder: { type: 'direct' }, layers: [], decoder: { type: 'rate' } },
    settings: { epochs: 2, batchSize: 1, learningRate: 0.1, timesteps: 1, seed: 0, trainLimit: null, testLimit: null },
  };
  store.create(summary, config);
  return summary;
}

const rec = (step: number): MetricRecord => ({
  kind: 'batch', epoch: 0, step, stepsPerEpoch: 10, elapsedMs: step, loss: 1, trainAccuracy: null, testAccuracy: null,
  learningRate: 0.1, samplesPerSecond: null, firingRates: {},
});

const ckpt = (epoch: number, step: number) => ({
  epoch, step, weights: new Uint8Array([epoch, step, 1]), optimizer: new Uint8Array([9]), extra: { e: epoch }, bestTestAccuracy: 0.5,
});

describe('RunStore', () => {
  const store = new RunStore(t.dir, 2);

  it('creates, reads and lists runs', () => {
    const a = makeRun(store, 'completed', 'alpha');
    expect(store.readStatus(a.id)).toEqual(a);
    expect(store.readConfig(a.id).preset).toBe('alpha');
    expect(store.list().map((r) => r.id)).toContain(a.id);
  });

  it('ignores a torn last metrics line and repairs it before the next append', () => {
    const r = makeRun(store, 'running');
    store.appendMetrics(r.id, [rec(0), rec(1)]);
    appendFileSync(store.metricsPath(r.id), '{"kind":"batch","epoch":0,"st');
    expect(store.readMetrics(r.id).map((m) => m.step)).toEqual([0, 1]);
    store.repairMetrics(r.id);
    store.appendMetrics(r.id, [rec(2)]);
    expect(store.readMetrics(r.id).map((m) => m.step)).toEqual([0, 1, 2]);
  });

  it('drops metrics newer than the checkpoint a run resumes from', () => {
    const r = makeRun(store, 'stopped');
    const ep = (epoch: number): MetricRecord => ({ ...rec(10), kind: 'epoch', epoch });
    store.appendMetrics(r.id, [rec(5), rec(10), ep(0), { ...rec(5), epoch: 1 }, { ...rec(8), epoch: 1 }, ep(1)]);
    // Resume from ckpt-1-5: epoch 0 complete, 5 batches of epoch 1 done.
    expect(store.truncateMetricsAfter(r.id, 1, 5)).toBe(2);
    expect(store.readMetrics(r.id).map((m) => `${m.kind}:${m.epoch}:${m.step}`)).toEqual(['batch:0:5', 'batch:0:10', 'epoch:0:10', 'batch:1:5']);
  });

  it('marks active runs interrupted, with their newest complete checkpoint', () => {
    const s = new RunStore(join(t.dir, 'sub'), 3);
    const running = makeRun(s, 'running');
    const paused = makeRun(s, 'paused');
    const queued = makeRun(s, 'queued');
    const done = makeRun(s, 'completed');
    s.writeCheckpoint(running.id, ckpt(1, 0));
    const changed = s.markInterrupted();
    expect(changed.map((c) => c.id).sort()).toEqual([running.id, paused.id, queued.id].sort());
    expect(s.readStatus(running.id).status).toBe('interrupted');
    expect(s.readStatus(running.id).lastCheckpoint).toBe('ckpt-1-0.safetensors');
    expect(s.readStatus(done.id).status).toBe('completed');
  });

  it('keeps only the last N checkpoints and ignores incomplete ones', () => {
    const r = makeRun(store, 'running');
    for (const [e, st] of [[0, 5], [1, 0], [1, 5], [2, 0]] as const) store.writeCheckpoint(r.id, ckpt(e, st));
    expect(store.listCheckpoints(r.id).map((m) => m.name)).toEqual(['ckpt-1-5', 'ckpt-2-0']);
    const dir = join(store.runDir(r.id), 'checkpoints');
    expect(readdirSync(dir).sort()).toEqual([
      'ckpt-1-5.json', 'ckpt-1-5.optim.safetensors', 'ckpt-1-5.safetensors',
      'ckpt-2-0.json', 'ckpt-2-0.optim.safetensors', 'ckpt-2-0.safetensors',
    ]);
    // A crash after the weights but before the meta: not a checkpoint.
    writeFileSync(join(dir, 'ckpt-3-0.safetensors'), 'partial');
    // A meta whose weights are truncated: not a checkpoint either.
    writeFileSync(join(dir, 'ckpt-2-9.json'), JSON.stringify({ ...store.latestCheckpoint(r.id), name: 'ckpt-2-9', weights: { file: 'ckpt-2-9.safetensors', bytes: 3 } }));
    writeFileSync(join(dir, 'ckpt-2-9.safetensors'), 'x');
    const latest = store.latestCheckpoint(r.id);
    expect(latest?.name).toBe('ckpt-2-0');
    const state = store.loadCheckpoint(r.id, latest!);
    expect(Array.from(state.weights)).toEqual([2, 0, 1]);
    expect(state.extra).toEqual({ e: 2 });
  });

  it('rejects run ids that could escape the runs folder', () => {
    for (const bad of ['..', '../x', 'a/b', '', '.hidden', 'a\\b']) expect(isValidRunId(bad)).toBe(false);
    expect(() => store.runDir('../etc')).toThrow(/runId/);
    expect(() => store.readStatus('nope-123')).toThrow(/not found/);
  });
});
