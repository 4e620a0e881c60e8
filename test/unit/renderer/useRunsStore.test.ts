import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type RunDetail, type RunEvent, type RunSummary, type SpikeLabApi } from '../../../core/api/contract';
import { provideApi } from '../../../renderer/src/api';
import { useRunsStore } from '../../../renderer/src/stores/useRunsStore';
import { useToastStore } from '../../../renderer/src/stores/useToastStore';
import { metric, summary, unusedDomainApi } from './fixtures';

/** A scripted in-memory API: records calls, lets the test emit events and answer getRun. */
function mockApi() {
  const listeners = new Set<(e: RunEvent) => void>();
  const calls: string[] = [];
  const details = new Map<string, RunDetail>();
  let startResult: RunSummary = summary('r1');
  let failStop: ApiError | null = null;
  const api: SpikeLabApi = {
    ...unusedDomainApi(),
    getAppInfo: async () => ({ version: '0', apiVersion: 1, backend: 'reference', backendNote: null, workspace: '/tmp/ws', host: 'web' }),
    listPresets: async () => [],
    listRuns: async () => [summary('old', 'completed', '2025-01-01T00:00:00Z'), summary('new', 'completed', '2026-02-01T00:00:00Z')],
    getRun: async (id) => {
      calls.push(`getRun ${id}`);
      const d = details.get(id);
      if (!d) throw new ApiError('NOT_FOUND', `run ${id} not found`);
      return d;
    },
    startRun: async (req) => {
      calls.push(`start ${req.preset}`);
      return startResult;
    },
    pauseRun: async (id) => ({ ...summary(id), status: 'paused' }),
    resumeRun: async (id) => ({ ...summary(id), status: 'running' }),
    stopRun: async (id) => {
      if (failStop) throw failStop;
      return { ...summary(id), status: 'stopped' };
    },
    deleteRun: async (id) => {
      calls.push(`delete ${id}`);
      if (id === 'busy') throw new ApiError('CONFLICT', `run ${id} is running; stop it before deleting`);
      return { ...summary(id), status: 'completed' };
    },
    onRunEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    api,
    calls,
    details,
    emit: (e: RunEvent) => listeners.forEach((l) => l(e)),
    setStartResult: (s: RunSummary) => (startResult = s),
    setFailStop: (e: ApiError | null) => (failStop = e),
  };
}

function detail(id: string, metrics = [metric('batch', 0, 0, 2)]): RunDetail {
  return {
    summary: summary(id),
    config: { preset: 'mnist-mlp', name: id, method: 'bptt', dataset: 'mnist', model: {} as RunDetail['config']['model'], settings: { epochs: 2, batchSize: 32, learningRate: 0.001, timesteps: 10, seed: 1, trainLimit: null, testLimit: null } },
    metrics,
  };
}

describe('useRunsStore', () => {
  let m: ReturnType<typeof mockApi>;
  beforeEach(() => {
    setActivePinia(createPinia());
    m = mockApi();
    provideApi(m.api);
  });

  it('lists runs newest first', async () => {
    const s = useRunsStore();
    await s.refresh();
    expect(s.runs.map((r) => r.id)).toEqual(['new', 'old']);
  });

  it('keeps events that arrive before startRun returns and merges stored history', async () => {
    const s = useRunsStore();
    m.api.onRunEvent(s.handleEvent);
    // The service streams before the start call has answered.
    m.emit({ type: 'status', run: summary('r1') });
    m.emit({ type: 'metric', runId: 'r1', metric: metric('batch', 0, 1, 1.5) });
    m.emit({ type: 'spikes', snapshot: { runId: 'r1', layer: 'hidden', epoch: 0, step: 1, timesteps: 10, neurons: 4, times: [0, 1], ids: [2, 3], truncated: false } });
    m.details.set('r1', detail('r1', [metric('batch', 0, 0, 2), metric('batch', 0, 1, 1.5)]));
    await s.start({ preset: 'mnist-mlp' });
    expect(m.calls).toEqual(['start mnist-mlp', 'getRun r1']);
    expect(s.selectedId).toBe('r1');
    expect(s.live?.series.batchLoss.y).toEqual([2, 1.5]);
    expect(s.live?.layers.get('hidden')?.size).toBe(2);
    expect(s.selectedConfig?.settings.timesteps).toBe(10);
    m.emit({ type: 'progress', progress: { runId: 'r1', epoch: 0, step: 2, stepsPerEpoch: 4, samplesPerSecond: 50, etaSeconds: 3 } });
    expect(s.progress?.step).toBe(2);
    expect(s.canPause).toBe(true);
    expect(s.canResume).toBe(false);
  });

  it('notifies live listeners only for new data', async () => {
    const s = useRunsStore();
    const seen: string[] = [];
    s.onLiveData((id) => seen.push(id));
    s.handleEvent({ type: 'metric', runId: 'x', metric: metric('batch', 0, 0, 1) });
    s.handleEvent({ type: 'metric', runId: 'x', metric: metric('batch', 0, 0, 1) });
    expect(seen).toEqual(['x']);
  });

  it('updates status through pause, resume and stop', async () => {
    const s = useRunsStore();
    m.details.set('r1', detail('r1'));
    await s.select('r1');
    expect((await s.pause())?.status).toBe('paused');
    expect(s.selected?.status).toBe('paused');
    expect(s.canResume).toBe(true);
    await s.resume();
    expect(s.selected?.status).toBe('running');
    await s.stop();
    expect(s.selected?.status).toBe('stopped');
    expect(s.canStop).toBe(false);
  });

  it('turns failures into toasts with the ApiError code', async () => {
    const s = useRunsStore();
    const toasts = useToastStore();
    m.details.set('r1', detail('r1'));
    await s.select('r1');
    m.setFailStop(new ApiError('CONFLICT', 'run r1 is not active'));
    expect(await s.stop()).toBeNull();
    expect(s.pending).toBeNull();
    await s.select('missing');
    expect(toasts.toasts.map((t) => [t.code, t.message])).toEqual([
      ['CONFLICT', 'run r1 is not active'],
      ['NOT_FOUND', 'run missing not found'],
    ]);
  });
});

describe('useRunsStore history reconciliation', () => {
  it('refetches metrics once when the selected run ends, filling missed events', async () => {
    setActivePinia(createPinia());
    const m = mockApi();
    provideApi(m.api);
    const s = useRunsStore();
    m.details.set('r1', detail('r1', [metric('batch', 0, 0, 2)]));
    await s.select('r1');
    s.handleEvent({ type: 'status', run: summary('r1', 'running') });
    // Batch 1 was never delivered live; the stored file has it.
    m.details.set('r1', detail('r1', [metric('batch', 0, 0, 2), metric('batch', 0, 1, 1.7), metric('epoch', 0, 4, 1.8)]));
    s.handleEvent({ type: 'status', run: summary('r1', 'completed') });
    await new Promise((r) => setTimeout(r, 0));
    expect(m.calls.filter((c) => c === 'getRun r1')).toHaveLength(2);
    expect(s.live?.series.batchLoss.y).toEqual([2, 1.7]);
    expect(s.live?.series.epochLoss.y).toEqual([1.8]);
    // A repeated terminal status does not fetch again.
    s.handleEvent({ type: 'status', run: summary('r1', 'completed') });
    await new Promise((r) => setTimeout(r, 0));
    expect(m.calls.filter((c) => c === 'getRun r1')).toHaveLength(2);
  });

  it('remove() deletes a run, clears the selection, and toasts a CONFLICT', async () => {
    setActivePinia(createPinia());
    const m = mockApi();
    provideApi(m.api);
    const s = useRunsStore();
    await s.refresh();
    m.details.set('old', detail('old'));
    await s.select('old');
    expect(await s.remove('old')).toBe(true);
    expect(s.runs.map((r) => r.id)).toEqual(['new']);
    expect(s.selectedId).toBeNull();
    expect(s.live).toBeNull();
    expect(await s.remove('busy')).toBe(false);
    expect(useToastStore().toasts[0]).toMatchObject({ code: 'CONFLICT' });
    expect(m.calls).toContain('delete old');
  });

  it('canResume allows stopped and interrupted runs, not completed ones', async () => {
    setActivePinia(createPinia());
    const m = mockApi();
    provideApi(m.api);
    const s = useRunsStore();
    for (const [status, ok] of [['stopped', true], ['interrupted', true], ['paused', true], ['completed', false], ['running', false]] as const) {
      m.details.set(status, { ...detail(status), summary: summary(status, status) });
      await s.select(status);
      expect(s.canResume, status).toBe(ok);
    }
  });
});
