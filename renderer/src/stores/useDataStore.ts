import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { DataInspection, DataSampleRef, DataTransformStep, FramePreview, FramePreviewRequest } from '../../../core/api/contractData';
import { toApiError, useApi } from '../api';
import { loadJson, saveJson } from '../lib/persisted';

const RECENT_KEY = 'spikelab.data.recent';
/** Recently opened paths kept (most recent first, no duplicates). */
export const RECENT_MAX = 10;

export function parseRecent(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((x): x is string => typeof x === 'string' && x.length > 0).slice(0, RECENT_MAX);
}

export function remember(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, RECENT_MAX);
}

export type Slicing = FramePreviewRequest['slicing'];

/** Transform steps the preview offers, with the parameters a new step starts from. */
export const STEP_DEFAULTS: Record<string, DataTransformStep> = {
  denoise: { kind: 'denoise', filterTimeUs: 10_000 },
  refractory: { kind: 'refractory', periodUs: 5_000 },
  downsample: { kind: 'downsample', spatialFactor: 0.5 },
  crop: { kind: 'centerCrop', width: 24, height: 24 },
  flip: { kind: 'flip', lr: true },
  drop: { kind: 'drop', probability: 0.3 },
  jitter: { kind: 'timeJitter', stdUs: 1_000 },
};

/**
 * The data view's state: the path being opened and the recent ones (persisted, localStorage
 * 'spikelab.data.recent'), the inspection of the open file or folder, the selected sample, and the
 * transform preview (steps, slicing, frames). Inspections and previews are replaced whole
 * (shallowRef): they hold arrays of thousands of numbers that nothing edits in place.
 * Actions: `open(path)`, `select(sample)`, `addStep(name)`, `removeStep(i)`, `refreshPreview()`.
 */
export const useDataStore = defineStore('data', () => {
  const pathInput = ref('');
  const recent = ref<string[]>(loadJson(localStorage, RECENT_KEY, parseRecent));
  const inspection = shallowRef<DataInspection | null>(null);
  const opening = ref(false);
  const error = ref<string | null>(null);
  const selected = shallowRef<DataSampleRef | null>(null);
  const steps = ref<DataTransformStep[]>([]);
  const slicing = ref<Slicing>({ by: 'frames', frames: 6 });
  const preview = shallowRef<FramePreview | null>(null);
  const previewError = ref<string | null>(null);
  const previewing = ref(false);

  watch(recent, () => saveJson(localStorage, RECENT_KEY, recent.value), { deep: true });

  async function open(path = pathInput.value.trim()): Promise<void> {
    if (!path) return;
    pathInput.value = path;
    opening.value = true;
    error.value = null;
    try {
      const r = await useApi().inspectData(path, null);
      inspection.value = r;
      recent.value = remember(recent.value, path);
      selected.value = r.kind === 'file' ? (r.sampleList[0] ?? { path: r.path, label: null }) : (r.sampleList[0] ?? null);
    } catch (err) {
      const e = toApiError(err);
      error.value = `${e.code}: ${e.message}`;
      inspection.value = null;
      selected.value = null;
    } finally {
      opening.value = false;
    }
  }

  function select(s: DataSampleRef): void {
    selected.value = s;
  }

  function addStep(name: string): void {
    const d = STEP_DEFAULTS[name];
    if (d) steps.value = [...steps.value, { ...d }];
  }

  function removeStep(i: number): void {
    steps.value = steps.value.filter((_, k) => k !== i);
  }

  let seq = 0;
  /** Asks for the selected sample's frames; an answer to an older request is dropped. */
  async function refreshPreview(): Promise<void> {
    const s = selected.value;
    if (!s) {
      preview.value = null;
      return;
    }
    const mine = ++seq;
    previewing.value = true;
    try {
      const r = await useApi().previewFrames(s.path, { transforms: steps.value.map((x) => ({ ...x })), slicing: { ...slicing.value }, sample: s.sample, maxFrames: 12, seed: 1 });
      if (mine !== seq) return;
      preview.value = r;
      previewError.value = null;
    } catch (err) {
      if (mine !== seq) return;
      const e = toApiError(err);
      previewError.value = `${e.code}: ${e.message}`;
      preview.value = null;
    } finally {
      if (mine === seq) previewing.value = false;
    }
  }

  return { pathInput, recent, inspection, opening, error, selected, steps, slicing, preview, previewError, previewing, open, select, addStep, removeStep, refreshPreview };
});
