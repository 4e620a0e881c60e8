import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { AccuracyCurve, CurveRequest } from '../../../core/api/contract';
import { useApi } from '../api';
import { useRunsStore } from './useRunsStore';
import { useToastStore } from './useToastStore';

/**
 * Accuracy-vs-T curves of the selected run (stored ones from listCurves, live 'curve' events) and
 * the measureCurve action for finished runs.
 * State: `curves` (shallow: replaced, never mutated), `measuring`, `error` (last measure failure,
 * shown beside the button). Actions: `measure(request)`.
 */
export const useCurvesStore = defineStore('curves', () => {
  const runs = useRunsStore();
  const curves = shallowRef<AccuracyCurve[]>([]);
  const measuring = ref(false);
  const error = ref<string | null>(null);
  let forRun: string | null = null;

  /** One curve per name, as the run store keeps them: a newer one replaces the older. */
  function put(c: AccuracyCurve): void {
    curves.value = [...curves.value.filter((x) => x.name !== c.name), c];
  }

  useApi().onRunEvent((e) => {
    if (e.type === 'curve' && e.curve.runId === forRun) put(e.curve);
  });

  async function load(id: string | null): Promise<void> {
    forRun = id;
    curves.value = [];
    error.value = null;
    if (!id) return;
    try {
      const list = await useApi().listCurves(id);
      // Live events may have arrived during the fetch; they are at least as new as the stored files.
      if (forRun === id) curves.value = [...list.filter((c) => !curves.value.some((x) => x.name === c.name)), ...curves.value];
    } catch (err) {
      if (forRun === id) error.value = err instanceof Error ? err.message : String(err);
    }
  }

  async function measure(request: CurveRequest): Promise<void> {
    const id = forRun;
    if (!id || measuring.value) return;
    measuring.value = true;
    error.value = null;
    try {
      const c = await useApi().measureCurve(id, request);
      if (forRun === id) put(c);
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      useToastStore().error(err, 'Cannot measure accuracy against T');
    } finally {
      measuring.value = false;
    }
  }

  watch(() => runs.selectedId, (id) => void load(id), { immediate: true });

  return { curves, measuring, error, measure };
});
