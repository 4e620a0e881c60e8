import { defineStore } from 'pinia';
import { markRaw, shallowRef, watch } from 'vue';
import { useApi } from '../api';
import { RunDynamics } from '../lib/runDynamics';
import { useRunsStore } from './useRunsStore';

/**
 * Learning rate, firing rates and epoch times of the selected run (lib/runDynamics.ts) for the
 * dashboard. State: `dynamics` (markRaw, read on animation frames; `revision` says when it
 * changed), `tick` (bumped on change, for components that redraw on it). It subscribes to metric
 * events itself and loads the selected run's stored metrics when the selection changes.
 */
export const useRunDynamicsStore = defineStore('runDynamics', () => {
  const runs = useRunsStore();
  const dynamics = shallowRef<RunDynamics | null>(null);
  const tick = shallowRef(0);
  let forRun: string | null = null;

  function changed(): void {
    tick.value++;
  }

  useApi().onRunEvent((e) => {
    if (e.type === 'metric' && e.runId === forRun && dynamics.value?.add([e.metric])) changed();
  });

  async function load(id: string | null): Promise<void> {
    forRun = id;
    dynamics.value = id ? markRaw(new RunDynamics()) : null;
    changed();
    if (!id) return;
    try {
      const detail = await useApi().getRun(id);
      if (forRun === id && dynamics.value?.add(detail.metrics)) changed();
    } catch {
      // The runs store reports a run that cannot be opened; these charts just stay empty.
    }
  }

  watch(() => runs.selectedId, (id) => void load(id), { immediate: true });
  // The stored history is complete once a run ends; live events may have been coalesced away.
  watch(
    () => runs.selected?.status,
    (status, was) => {
      if (forRun && was && (was === 'running' || was === 'paused') && status !== was) void load(forRun);
    },
  );

  return { dynamics, tick };
});
