import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type MethodInfo, type PlasticitySnapshot, type RunEvent, type RunSummary, type SpikeLabApi, type StdpWindowRequest } from '../../../core/api/contract';
import { provideApi } from '../../../renderer/src/api';
import { usePlasticityStore, WINDOW_DEBOUNCE_MS, WINDOW_POINTS, WINDOW_RANGE_MS } from '../../../renderer/src/stores/usePlasticityStore';

function run(id: string, method: string, status: RunSummary['status'], createdAt: string): RunSummary {
  return { id, name: id, preset: `${method}-preset`, method, dataset: 'x', status, createdAt, updatedAt: createdAt, epochsDone: 0, epochs: 1, bestTestAccuracy: null, lastCheckpoint: null, error: null };
}

const info = (name: string, family: MethodInfo['family'], options: MethodInfo['options'] = []): MethodInfo => ({ name, title: name, family, description: '', references: [], options, presets: [] });

function snap(runId: string, step: number): PlasticitySnapshot {
  return { runId, epoch: 0, step, histogram: { layer: 'w', edges: [0, 1], counts: [3] }, trace: { dtMs: 1, voltage: [0, 0.5, 1.2], threshold: 1, outputSpikesMs: [2], targetSpikesMs: [] } };
}

function fakeApi() {
  const listeners = new Set<(e: RunEvent) => void>();
  const windowRequests: StdpWindowRequest[] = [];
  const storedAsked: string[] = [];
  const runs = [run('bp', 'bptt', 'completed', '2026-01-01T00:00:00Z'), run('t1', 'tempotron', 'completed', '2026-01-02T00:00:00Z'), run('t2', 'tempotron', 'running', '2026-01-03T00:00:00Z')];
  const api = {
    listMethods: async () => [info('bptt', 'spatio-temporal'), info('tempotron', 'supervised-temporal'), info('stdp-pair', 'plasticity'), info('stdp-triplet', 'plasticity', [{ key: 'parameterSet', kind: 'enum', default: 'a', values: ['a', 'b'], doc: '' }])],
    listRuns: async () => runs,
    lastPlasticity: async (id: string) => {
      storedAsked.push(id);
      return id === 't1' ? snap('t1', 99) : null;
    },
    stdpWindow: async (r: StdpWindowRequest) => {
      windowRequests.push(structuredClone(r));
      if (r.options.tauPlus === -5) throw new ApiError('BAD_REQUEST', 'stdpWindow: option "tauPlus" expected a number >= 0.01, got -5');
      return { rule: r.rule, dtMs: [-1, 1], dw: [-0.1, Number(r.options.aPlus ?? 0.1)] };
    },
    onRunEvent: (l: (e: RunEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as SpikeLabApi;
  return { api, listeners, windowRequests, storedAsked, emit: (e: RunEvent) => listeners.forEach((l) => l(e)) };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('usePlasticityStore', () => {
  let api: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    api = fakeApi();
    provideApi(api.api);
  });
  afterEach(() => vi.useRealTimers());

  it('lists only plasticity runs, newest first, and follows the live one by default', async () => {
    const s = usePlasticityStore();
    await s.load();
    expect(s.methods).toEqual(['tempotron', 'stdp-pair', 'stdp-triplet']);
    expect(s.tripletSets).toEqual(['a', 'b']);
    expect(s.runs.map((r) => r.id)).toEqual(['t2', 't1']);
    expect(s.liveRun?.id).toBe('t2');
    expect(s.shownRunId).toBe('t2');
  });

  it('keeps the newest snapshot per run and shows the selected run\'s, bumping the revision', async () => {
    const s = usePlasticityStore();
    s.start();
    await flush();
    expect(api.listeners.size).toBe(1);
    const r0 = s.revision;
    api.emit({ type: 'plasticity', snapshot: snap('t1', 1) });
    expect(s.snapshot).toBeNull();
    api.emit({ type: 'plasticity', snapshot: snap('t2', 4) });
    expect(s.snapshot?.step).toBe(4);
    expect(s.revision).toBeGreaterThan(r0);
    s.select('t1');
    expect(s.snapshot?.runId).toBe('t1');
    s.select(null);
    expect(s.snapshot?.runId).toBe('t2');
    s.stop();
    expect(api.listeners.size).toBe(0);
  });

  it('shows the snapshot stored with a run that streamed nothing since the panel opened, asking once', async () => {
    const s = usePlasticityStore();
    s.start();
    await flush();
    s.select('t1');
    expect(s.snapshot).toBeNull();
    await flush();
    expect(s.snapshot?.step).toBe(99);
    s.select('t2');
    await flush();
    expect(s.snapshot).toBeNull(); // t2 has none stored and has streamed nothing yet
    s.select('t1');
    s.select('t2');
    await flush();
    expect(api.storedAsked.sort()).toEqual(['t1', 't2']);
    // A live snapshot wins over a stored one that arrives after it.
    api.emit({ type: 'plasticity', snapshot: snap('t2', 5) });
    expect(s.snapshot?.step).toBe(5);
    s.stop();
  });

  it('adds a new plasticity run from its status event and ignores other methods', async () => {
    const s = usePlasticityStore();
    await s.load();
    s.handleEvent({ type: 'status', run: run('t3', 'tempotron', 'queued', '2026-01-04T00:00:00Z') });
    s.handleEvent({ type: 'status', run: run('b2', 'bptt', 'running', '2026-01-05T00:00:00Z') });
    expect(s.runs.map((r) => r.id)).toEqual(['t3', 't2', 't1']);
    s.handleEvent({ type: 'status', run: { ...run('t2', 'tempotron', 'completed', '2026-01-03T00:00:00Z') } });
    expect(s.liveRun?.id).toBe('t3');
    // When nothing is active any more, the newest run stays on screen.
    s.handleEvent({ type: 'status', run: { ...run('t3', 'tempotron', 'completed', '2026-01-04T00:00:00Z') } });
    expect(s.liveRun?.id).toBe('t3');
  });

  it('asks for the STDP window once per burst of edits and reports bad parameters', async () => {
    const s = usePlasticityStore();
    await s.refreshWindow();
    expect(api.windowRequests[0]).toEqual({ rule: 'stdp-pair', options: expect.objectContaining({ aPlus: 0.005, tauPlus: 20 }), rangeMs: WINDOW_RANGE_MS, points: WINDOW_POINTS });
    s.setWindowOption('aPlus', 0.02);
    s.setWindowOption('aPlus', 0.03);
    vi.advanceTimersByTime(WINDOW_DEBOUNCE_MS + 1);
    await flush();
    expect(api.windowRequests).toHaveLength(2);
    expect(s.window?.dw[1]).toBe(0.03);
    s.setWindowOption('tauPlus', -5);
    vi.advanceTimersByTime(WINDOW_DEBOUNCE_MS + 1);
    await flush();
    expect(s.windowError).toMatch(/tauPlus/);
    expect(s.window?.dw[1]).toBe(0.03);
    s.setWindowRule('stdp-triplet');
    vi.advanceTimersByTime(WINDOW_DEBOUNCE_MS + 1);
    await flush();
    expect(api.windowRequests.at(-1)).toMatchObject({ rule: 'stdp-triplet', options: { parameterSet: 'visual-cortex-all-to-all', pairs: 60 } });
    expect(api.windowRequests.at(-1)?.options).not.toHaveProperty('aPlus');
    expect(s.windowError).toBeNull();
    s.setWindowOption('a2Plus', 0.01);
    s.setWindowOption('a2Plus', null);
    vi.advanceTimersByTime(WINDOW_DEBOUNCE_MS + 1);
    await flush();
    expect(api.windowRequests.at(-1)?.options).not.toHaveProperty('a2Plus');
  });
});

describe('receptive-field grid painting', () => {
  it('lays maps out in a near-square grid at the largest integer scale that fits', async () => {
    const { fieldGridLayout } = await import('../../../renderer/src/components/plasticity/fieldGrid');
    expect(fieldGridLayout(100, 28, 28, 1000, 2)).toMatchObject({ gridCols: 10, gridRows: 10, scale: 3, width: 10 * 28 * 3 + 18, height: 10 * 28 * 3 + 18 });
    expect(fieldGridLayout(2, 2, 20, 50, 2)).toMatchObject({ gridCols: 2, gridRows: 1, scale: 1 });
  });

  it('maps min to the low colour and max to the high colour, leaving gaps as background', async () => {
    const { fieldGridLayout, paintFields } = await import('../../../renderer/src/components/plasticity/fieldGrid');
    const layout = fieldGridLayout(2, 1, 2, 10, 1);
    expect(layout).toMatchObject({ gridCols: 2, scale: 2, width: 9, height: 2 });
    const px = new Uint32Array(layout.width * layout.height);
    paintFields(px, layout, { rows: 1, cols: 2, count: 2, data: [0, 1, 1, 0], min: 0, max: 1 }, [0, 0, 0], [255, 255, 255], 7);
    const low = (255 << 24) >>> 0;
    const high = 0xffffffff;
    const row = Array.from(px.subarray(0, 9), (v) => v >>> 0);
    expect(row).toEqual([low, low, high, high, 7, high, high, low, low]);
  });
});
