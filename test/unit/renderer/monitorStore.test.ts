import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { computed } from 'vue';
import { ApiError, type ProbeRequest, type ProbeResult, type RunEvent, type SpikeLabApi, type SpikeSnapshot } from '../../../core/api/contract';
import { provideApi } from '../../../renderer/src/api';
import { LIVE_SNAPSHOTS, PROBE_MAX_EVENTS, ringOf, useMonitorStore } from '../../../renderer/src/stores/useMonitorStore';

function probeResult(runId: string, sample: number): ProbeResult {
  const layer = (name: string, neurons: number, spiking: boolean) => ({
    name, shape: [neurons], neurons, timesteps: 4, spiking, threshold: spiking ? 1 : null,
    times: [0, 1, 3], ids: [2, 2, 0], totalSpikes: 3, truncated: false, rates: Array.from({ length: neurons }, () => 0), membrane: [{ neuron: 2, values: [0.5, 1.1, 0, 0.4] }],
  });
  return {
    runId, checkpoint: null, checkpoints: [{ name: 'ckpt-0-4', epoch: 0, step: 4 }], hasFinal: true, sample, label: 7, predicted: 7, scores: [0, 1], timesteps: 4,
    input: { shape: [4], binary: true, times: [], ids: [], truncated: false, image: null, imageShape: null },
    layers: [layer('readout', 2, false), layer('lif1', 8, true)],
  };
}

function fakeApi() {
  const listeners = new Set<(e: RunEvent) => void>();
  const requests: [string, ProbeRequest][] = [];
  const gates: (() => void)[] = [];
  let hold = false;
  const api = {
    probeRun: async (runId: string, request: ProbeRequest) => {
      requests.push([runId, request]);
      if (hold) await new Promise<void>((r) => gates.push(r));
      if (runId === 'none') throw new ApiError('CONFLICT', `run ${runId} has no weights yet`);
      return probeResult(runId, request.sample);
    },
    onRunEvent: (l: (e: RunEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as SpikeLabApi;
  return {
    api, requests, listeners,
    emit: (e: RunEvent) => listeners.forEach((l) => l(e)),
    holdProbes: (on: boolean) => (hold = on),
    release: () => gates.splice(0).forEach((g) => g()),
  };
}

function snapshot(runId: string, extra: Partial<SpikeSnapshot> = {}): SpikeSnapshot {
  return { runId, layer: 'lif1', epoch: 0, step: 3, timesteps: 4, neurons: 8, times: [0, 1, 1], ids: [1, 1, 5], truncated: false, membrane: [{ neuron: 1, values: [1, 0, 0.5, 0.2] }], threshold: 1, ...extra };
}

describe('useMonitorStore', () => {
  let api: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    provideApi(api.api);
  });

  it('probes the chosen run and sample, picks the first spiking layer and keeps the raster in a ring', async () => {
    const m = useMonitorStore();
    m.selectRun('r1');
    m.sample = 4;
    await m.probe();
    expect(api.requests).toEqual([['r1', { sample: 4, checkpoint: null, traceNeurons: [], maxEventsPerLayer: PROBE_MAX_EVENTS }]]);
    expect(m.layer).toBe('lif1');
    expect(m.current?.layer.name).toBe('lif1');
    expect(m.current?.ring.size).toBe(3);
    expect(m.current?.ring.neurons).toBe(8);
    expect(m.error).toBeNull();
  });

  it('shows the API error and keeps no stale result', async () => {
    const m = useMonitorStore();
    m.selectRun('none');
    await m.probe();
    expect(m.error).toBe('CONFLICT: run none has no weights yet');
    expect(m.result).toBeNull();
    expect(m.loading).toBe(false);
  });

  it('drops a probe answer that arrives after another run was chosen', async () => {
    const m = useMonitorStore();
    m.selectRun('old');
    api.holdProbes(true);
    const pending = m.probe();
    m.selectRun('new');
    api.release();
    await pending;
    expect(m.result).toBeNull();
    expect(m.runId).toBe('new');
  });

  it('live: subscribes only while on, follows the chosen run, keeps membrane and threshold of the newest snapshot', () => {
    const m = useMonitorStore();
    m.selectRun('r1');
    api.emit({ type: 'spikes', snapshot: snapshot('r1') });
    expect(m.liveView).toBeNull();
    m.setLive(true);
    expect(api.listeners.size).toBe(1);
    api.emit({ type: 'spikes', snapshot: snapshot('other') });
    expect(m.liveView).toBeNull();
    const rev = m.revision;
    // What the view derives from the live data must follow every snapshot, not only the first.
    const traced = computed(() => m.liveView?.membrane.map((t) => t.neuron).join(','));
    api.emit({ type: 'spikes', snapshot: snapshot('r1') });
    expect(traced.value).toBe('1');
    api.emit({ type: 'spikes', snapshot: snapshot('r1', { step: 4, membrane: [{ neuron: 5, values: [0, 0, 0, 2] }], threshold: 0.8 }) });
    expect(traced.value).toBe('5');
    const v = m.liveView;
    expect(v?.snapshots).toBe(2);
    expect(v?.ring.size).toBe(6);
    expect(v?.membrane[0].neuron).toBe(5);
    expect(v?.threshold).toBe(0.8);
    expect(Array.from(v?.rates ?? [])).toEqual([0, 0.5, 0, 0, 0, 0.25, 0, 0]);
    expect(m.revision).toBe(rev + 2);
    m.setLive(false);
    expect(api.listeners.size).toBe(0);
  });

  it('live ring memory is bounded: thousands of snapshots keep the ring at its capacity', () => {
    const m = useMonitorStore();
    m.setLive(true);
    const ids = Array.from({ length: 20_000 }, (_, i) => i % 500);
    const times = ids.map((_, i) => i % 25);
    for (let k = 0; k < 50; k++) api.emit({ type: 'spikes', snapshot: snapshot('r9', { neurons: 500, timesteps: 25, ids, times }) });
    const v = m.liveView;
    expect(m.runId).toBe('r9');
    expect(v?.ring.size).toBe(v?.ring.capacity);
    expect(v?.ring.capacity).toBeGreaterThanOrEqual(LIVE_SNAPSHOTS * 20_000);
    expect(v?.ring.snapshotMarks.length).toBeLessThanOrEqual(256);
  });

  it('ringOf holds exactly the events of one probe', () => {
    const r = ringOf([0, 3], [1, 2], 4, 3);
    expect(r.size).toBe(2);
    expect(r.endCol).toBe(4);
    expect(ringOf([], [], 4, 3).capacity).toBe(1);
  });
});
