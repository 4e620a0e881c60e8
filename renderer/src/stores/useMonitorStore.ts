import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, triggerRef } from 'vue';
import type { LayerProbe, ProbeResult, RunEvent, SpikeSnapshot } from '../../../core/api/contract';
import { toApiError, useApi } from '../api';
import { ratesFromRaster } from '../lib/heatmap';
import { SpikeRing } from '../lib/spikeRing';

/** Live snapshots kept side by side in the live raster (newest on the right). */
export const LIVE_SNAPSHOTS = 16;
/** 16 snapshots at the service's cap of 20 000 events each, plus headroom: pushing never allocates. */
export const LIVE_RING_CAPACITY = 400_000;
/** Raster events per layer asked of a probe. */
export const PROBE_MAX_EVENTS = 200_000;

/** What the live view shows: the followed run's newest snapshots (plain objects, never reactive). */
export interface LiveMonitor {
  runId: string;
  layer: string;
  ring: SpikeRing;
  neurons: number;
  timesteps: number;
  membrane: { neuron: number; values: number[] }[];
  threshold: number | null;
  rates: Float32Array;
  epoch: number;
  step: number;
  snapshots: number;
}

/** A probed layer with its raster in a ring, so the canvas raster code draws probes and live data alike. */
export interface ProbedLayer {
  layer: LayerProbe;
  ring: SpikeRing;
}

export function ringOf(times: readonly number[], ids: readonly number[], timesteps: number, neurons: number): SpikeRing {
  const ring = new SpikeRing(Math.max(1, times.length));
  ring.pushSnapshot({ times, ids, timesteps, neurons, epoch: 0, step: 0, truncated: false });
  return ring;
}

/**
 * The spike monitor.
 * State: `runId`, `checkpoint` (null = final weights, else the newest checkpoint), `sample`,
 * `layer` (chosen layer name), `result` (the last probe, markRaw, with `layers` as rings for the
 * canvas), `loading`, `error`; `live` (following a training run) and `liveView` (its newest
 * snapshots; markRaw; `revision` bumps when it changes so components redraw on the next frame).
 * Actions: `probe()` (probeRun with the current choices), `setLive(on)` (subscribes to run events
 * itself while on), `handleEvent(e)`.
 */
export const useMonitorStore = defineStore('monitor', () => {
  const runId = ref<string | null>(null);
  const checkpoint = ref<string | null>(null);
  const sample = ref(0);
  const layer = ref<string | null>(null);
  const result = shallowRef<ProbeResult | null>(null);
  const layers = shallowRef<ProbedLayer[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const live = ref(false);
  const liveView = shallowRef<LiveMonitor | null>(null);
  const revision = ref(0);
  let unsubscribe: (() => void) | null = null;
  let probeSeq = 0;

  const current = computed<ProbedLayer | null>(() => layers.value.find((l) => l.layer.name === layer.value) ?? layers.value[0] ?? null);

  async function probe(): Promise<void> {
    const id = runId.value;
    if (!id) return;
    const seq = ++probeSeq;
    loading.value = true;
    error.value = null;
    try {
      const r = await useApi().probeRun(id, { sample: sample.value, checkpoint: checkpoint.value, traceNeurons: [], maxEventsPerLayer: PROBE_MAX_EVENTS });
      // A slower earlier probe must not overwrite a newer one.
      if (seq !== probeSeq) return;
      result.value = markRaw(r);
      layers.value = markRaw(r.layers.map((l) => markRaw({ layer: l, ring: markRaw(ringOf(l.times, l.ids, l.timesteps, l.neurons)) })));
      if (!r.layers.some((l) => l.name === layer.value)) layer.value = r.layers.find((l) => l.spiking)?.name ?? r.layers[0]?.name ?? null;
      revision.value++;
    } catch (err) {
      if (seq !== probeSeq) return;
      const e = toApiError(err);
      error.value = `${e.code}: ${e.message}`;
    } finally {
      if (seq === probeSeq) loading.value = false;
    }
  }

  function selectRun(id: string | null): void {
    if (id === runId.value) return;
    // An answer still on its way belongs to the previous run.
    probeSeq++;
    loading.value = false;
    runId.value = id;
    checkpoint.value = null;
    result.value = null;
    layers.value = [];
    error.value = null;
    if (liveView.value && liveView.value.runId !== id) liveView.value = null;
  }

  function onSpikes(s: SpikeSnapshot): void {
    let v = liveView.value;
    if (!v || v.runId !== s.runId || v.layer !== s.layer || v.timesteps !== s.timesteps) {
      v = markRaw({ runId: s.runId, layer: s.layer, ring: markRaw(new SpikeRing(LIVE_RING_CAPACITY)), neurons: s.neurons, timesteps: s.timesteps, membrane: [], threshold: null, rates: new Float32Array(s.neurons), epoch: s.epoch, step: s.step, snapshots: 0 });
    }
    v.ring.pushSnapshot(s);
    v.neurons = s.neurons;
    v.rates = ratesFromRaster(s.ids, s.neurons, s.timesteps);
    if (s.membrane) v.membrane = s.membrane;
    if (s.threshold !== undefined) v.threshold = s.threshold;
    v.epoch = s.epoch;
    v.step = s.step;
    v.snapshots++;
    // The same object, mutated: a shallowRef only notices a new value, so tell its readers.
    if (liveView.value === v) triggerRef(liveView);
    else liveView.value = v;
    revision.value++;
  }

  function handleEvent(e: RunEvent): void {
    if (!live.value) return;
    if (e.type === 'spikes') {
      // Follow the chosen run; with none chosen, the first run that streams.
      if (runId.value === null) runId.value = e.snapshot.runId;
      if (e.snapshot.runId === runId.value) onSpikes(e.snapshot);
    }
  }

  function setLive(on: boolean): void {
    live.value = on;
    if (on && unsubscribe === null) unsubscribe = useApi().onRunEvent(handleEvent);
    if (!on && unsubscribe !== null) {
      unsubscribe();
      unsubscribe = null;
    }
  }

  return { runId, checkpoint, sample, layer, result, layers, current, loading, error, live, liveView, revision, probe, selectRun, setLive, handleEvent };
});
