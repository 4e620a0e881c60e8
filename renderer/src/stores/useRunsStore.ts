import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { RunConfig, RunEvent, RunProgress, RunSummary, TrainRequest } from '../../../core/api/contract';
import { useApi } from '../api';
import { LiveRunCache, type LiveRun } from '../lib/liveRuns';
import { useToastStore } from './useToastStore';

export type RunAction = 'start' | 'pause' | 'resume' | 'stop' | 'delete';

/** Statuses resumeRun accepts: a live pause, or a run whose worker is gone but whose checkpoint is kept. */
const RESUMABLE: ReadonlySet<RunSummary['status']> = new Set(['paused', 'stopped', 'interrupted']);

const ACTIVE: ReadonlySet<RunSummary['status']> = new Set(['queued', 'running', 'paused']);

export function isActiveStatus(status: RunSummary['status'] | undefined): boolean {
  return status !== undefined && ACTIVE.has(status);
}

export function isActive(run: RunSummary | null | undefined): boolean {
  return isActiveStatus(run?.status);
}

/**
 * Runs and the run on screen.
 * State: `runs` (summaries, newest first, kept current by 'status' events), `selectedId`,
 * `selectedConfig` (from getRun), `progress` (latest progress of the selected run), `live` (the
 * selected run's metric series and spike rings: markRaw, never deep-reactive; components are told
 * about new data through `onLiveData` and redraw on the next animation frame), `pending` (the
 * control action in flight, to disable buttons).
 * Actions: `refresh()`, `select(id)` (merges stored metrics from getRun with live events),
 * `start(request)` (starts and selects), `pause()`, `resume()`, `stop()` (act on the selected run),
 * `remove(id)` (deleteRun; drops it from the list and the cache), `handleEvent(event)` (fed by useRunEvents).
 */
export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  const selectedId = ref<string | null>(null);
  const selectedConfig = shallowRef<RunConfig | null>(null);
  const progress = shallowRef<RunProgress | null>(null);
  const live = shallowRef<LiveRun | null>(null);
  const pending = ref<RunAction | null>(null);
  const loadingRun = ref(false);

  const cache = markRaw(new LiveRunCache());
  const liveListeners = new Set<(runId: string) => void>();

  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value) ?? null);
  const canPause = computed(() => pending.value === null && (selected.value?.status === 'running' || selected.value?.status === 'queued'));
  const canResume = computed(() => pending.value === null && selected.value !== null && RESUMABLE.has(selected.value.status));
  const canStop = computed(() => pending.value === null && isActive(selected.value));

  function upsert(run: RunSummary): void {
    const i = runs.value.findIndex((r) => r.id === run.id);
    if (i >= 0) {
      const next = runs.value.slice();
      next[i] = run;
      runs.value = next;
    } else {
      runs.value = [run, ...runs.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    }
  }

  function notifyLive(runId: string): void {
    for (const fn of liveListeners) fn(runId);
  }

  /** Registers a callback for new metrics or spikes of any run; returns the unsubscribe. */
  function onLiveData(fn: (runId: string) => void): () => void {
    liveListeners.add(fn);
    return () => liveListeners.delete(fn);
  }

  function handleEvent(e: RunEvent): void {
    switch (e.type) {
      case 'status': {
        const was = runs.value.find((r) => r.id === e.run.id)?.status;
        upsert(e.run);
        // Events can be missed (reconnect, a late subscriber); when the selected run ends,
        // reconcile its chart with the complete metrics.jsonl once.
        if (e.run.id === selectedId.value && isActiveStatus(was) && !isActive(e.run)) void syncHistory(e.run.id);
        break;
      }
      case 'progress': {
        const run = cache.get(e.progress.runId, selectedId.value);
        run.progress = e.progress;
        if (e.progress.runId === selectedId.value) progress.value = e.progress;
        break;
      }
      case 'metric':
        if (cache.get(e.runId, selectedId.value).addMetrics([e.metric])) notifyLive(e.runId);
        break;
      case 'spikes':
        cache.get(e.snapshot.runId, selectedId.value).addSpikes(e.snapshot);
        notifyLive(e.snapshot.runId);
        break;
    }
  }

  async function refresh(): Promise<void> {
    try {
      const list = await useApi().listRuns();
      runs.value = list.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    } catch (err) {
      useToastStore().error(err, 'Cannot list runs');
    }
  }

  async function syncHistory(id: string): Promise<void> {
    try {
      const detail = await useApi().getRun(id);
      if (cache.get(id, selectedId.value).addMetrics(detail.metrics)) notifyLive(id);
    } catch {
      // Best effort: the live data is still on screen, and selecting the run again retries.
    }
  }

  async function select(id: string): Promise<void> {
    selectedId.value = id;
    const run = cache.get(id, id);
    live.value = markRaw(run);
    progress.value = run.progress;
    selectedConfig.value = null;
    notifyLive(id);
    loadingRun.value = true;
    try {
      const detail = await useApi().getRun(id);
      // Stored metrics and live events overlap; the series drops duplicates.
      run.addMetrics(detail.metrics);
      run.historyLoaded = true;
      upsert(detail.summary);
      if (selectedId.value === id) selectedConfig.value = detail.config;
      notifyLive(id);
    } catch (err) {
      useToastStore().error(err, 'Cannot open run');
    } finally {
      if (selectedId.value === id) loadingRun.value = false;
    }
  }

  async function control(action: RunAction, call: () => Promise<RunSummary>): Promise<RunSummary | null> {
    pending.value = action;
    try {
      const summary = await call();
      upsert(summary);
      return summary;
    } catch (err) {
      useToastStore().error(err, `Cannot ${action} run`);
      return null;
    } finally {
      pending.value = null;
    }
  }

  async function start(request: TrainRequest): Promise<RunSummary | null> {
    const summary = await control('start', () => useApi().startRun(request));
    if (summary) await select(summary.id);
    return summary;
  }

  function withSelected(action: RunAction, fn: (id: string) => Promise<RunSummary>): Promise<RunSummary | null> {
    const id = selectedId.value;
    if (!id) return Promise.resolve(null);
    return control(action, () => fn(id));
  }

  const pause = (): Promise<RunSummary | null> => withSelected('pause', (id) => useApi().pauseRun(id));
  const resume = (): Promise<RunSummary | null> => withSelected('resume', (id) => useApi().resumeRun(id));
  const stop = (): Promise<RunSummary | null> => withSelected('stop', (id) => useApi().stopRun(id));

  /** Deletes a finished run. The server refuses active runs with CONFLICT; the toast says so. */
  async function remove(id: string): Promise<boolean> {
    const done = await control('delete', () => useApi().deleteRun(id));
    if (!done) return false;
    runs.value = runs.value.filter((r) => r.id !== id);
    cache.delete(id);
    if (selectedId.value === id) {
      selectedId.value = null;
      selectedConfig.value = null;
      live.value = null;
      progress.value = null;
      notifyLive(id);
    }
    return true;
  }

  return {
    runs,
    selectedId,
    selected,
    selectedConfig,
    progress,
    live,
    pending,
    loadingRun,
    canPause,
    canResume,
    canStop,
    onLiveData,
    handleEvent,
    refresh,
    select,
    start,
    pause,
    resume,
    stop,
    remove,
  };
});
