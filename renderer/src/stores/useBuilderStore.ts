import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { CatalogEntry, LayerCatalog, ModelInspection, SavedModelSummary } from '../../../core/api/contract';
import type { ModelSpec } from '../../../core/snn/spec';
import { toApiError, useApi } from '../api';
import { insertLayer, issuesByKey, listAt, moveLayer, pathKey, removeLayer, setAt, type DraftLayer, type DraftSpec, type Seg } from '../lib/builderSpec';
import { useToastStore } from './useToastStore';
import { useTrainFormStore } from './useTrainFormStore';
import { useUiStore } from './useUiStore';

/** Edits re-inspect after this pause, so typing "128" sends one request, not three. */
export const INSPECT_DEBOUNCE_MS = 150;
export const DEFAULT_PRESET = 'mnist-mlp-lif';

/**
 * The model builder.
 * State: `catalog` (palette from getLayerCatalog), `spec` (the draft being edited; may hold invalid
 * values on purpose), `inspection` (the latest inspectModel answer: issues, shapes, estimates),
 * `batchSize`/`firingRate`/`timesteps` (assumptions of the estimates; timesteps null = the spec's), `selected` (where the palette inserts), `compact`, `models` (seed nets + saved), `source`
 * (which model the draft came from).
 * Derived: `issues` (messages by field key), `shapes` (output shape by layer path), `valid`.
 * Actions: `init`, `load(name)`, `addLayer`, `removeLayer`, `moveLayer`, `set(path, value)`,
 * `setType(path, entry)` (switch encoder/decoder/neuron/synapse/surrogate kind), `save`,
 * `trainThis` (hands the spec to the Train view), `inspectNow`.
 */
export const useBuilderStore = defineStore('builder', () => {
  const catalog = shallowRef<LayerCatalog | null>(null);
  const spec = ref<DraftSpec | null>(null);
  const inspection = shallowRef<ModelInspection | null>(null);
  const inspecting = ref(false);
  const batchSize = ref(32);
  const firingRate = ref(0.1);
  /** T for the estimates when it should differ from spec.timesteps (null: the spec's). */
  const timesteps = ref<number | null>(null);
  const models = ref<SavedModelSummary[]>([]);
  const source = ref<string | null>(null);
  const saving = ref(false);
  const lastSaved = ref<string | null>(null);
  /** The layer the palette inserts after (null: append to the top-level list). */
  const selected = ref<{ list: Seg[]; index: number } | null>(null);
  /** Show the fields of the selected layer and of layers with issues only (long specs stay scannable). */
  const compact = ref(false);

  // Answers can arrive out of order; only the newest request's answer is shown.
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const issues = computed(() => issuesByKey(inspection.value?.issues ?? []));
  const shapes = computed(() => new Map((inspection.value?.layers ?? []).map((l) => [l.path, l.outputShape] as const)));
  const stats = computed(() => new Map((inspection.value?.layers ?? []).map((l) => [l.path, l] as const)));
  const valid = computed(() => inspection.value?.ok === true);
  const entries = computed(() => {
    const m = new Map<string, CatalogEntry>();
    for (const e of catalog.value?.layers ?? []) m.set(e.id, e);
    return m;
  });

  async function inspectNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!spec.value) return;
    const mine = ++seq;
    inspecting.value = true;
    try {
      // A plain copy: the reactive proxy cannot cross the ipc bridge.
      const options = { batchSize: batchSize.value, firingRate: firingRate.value, ...(timesteps.value !== null ? { timesteps: timesteps.value } : {}) };
      const r = await useApi().inspectModel(JSON.parse(JSON.stringify(spec.value)), options);
      if (mine === seq) inspection.value = r;
    } catch (err) {
      if (mine === seq) useToastStore().error(err, 'Cannot inspect the model');
    } finally {
      if (mine === seq) inspecting.value = false;
    }
  }

  function scheduleInspect(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void inspectNow(), INSPECT_DEBOUNCE_MS);
  }

  watch([spec, batchSize, firingRate, timesteps], scheduleInspect, { deep: true });

  async function refreshModels(): Promise<void> {
    try {
      models.value = await useApi().listModels();
    } catch (err) {
      useToastStore().error(err, 'Cannot list models');
    }
  }

  async function init(): Promise<void> {
    try {
      if (!catalog.value) catalog.value = await useApi().getLayerCatalog();
    } catch (err) {
      useToastStore().error(err, 'Cannot load the layer palette');
      return;
    }
    await refreshModels();
    if (!spec.value) await load(DEFAULT_PRESET);
  }

  async function load(name: string): Promise<boolean> {
    try {
      const s = await useApi().loadModel(name);
      spec.value = JSON.parse(JSON.stringify(s)) as DraftSpec;
      source.value = name;
      selected.value = null;
      await inspectNow();
      return true;
    } catch (err) {
      useToastStore().error(err, `Cannot load model ${name}`);
      return false;
    }
  }

  function template(id: string): DraftLayer {
    const e = entries.value.get(id);
    if (!e) throw new Error(`no palette entry "${id}"`);
    return structuredClone(e.template) as DraftLayer;
  }

  /** Inserts a palette entry at `index` of `listPath`, by default after the selected layer (else at the end); selects it. */
  function addLayer(id: string, listPath?: readonly Seg[], index?: number): void {
    if (!spec.value) return;
    const list = listPath ?? selected.value?.list ?? ['layers'];
    const at = index ?? (listPath === undefined && selected.value ? selected.value.index + 1 : Number.MAX_SAFE_INTEGER);
    insertLayer(spec.value, list, at, template(id));
    const len = (listAt(spec.value, list) as unknown[]).length;
    selected.value = { list: [...list], index: Math.min(at, len - 1) };
  }

  function removeAt(listPath: readonly Seg[], index: number): void {
    if (!spec.value) return;
    removeLayer(spec.value, listPath, index);
    selected.value = null;
  }

  function moveAt(listPath: readonly Seg[], from: number, to: number): void {
    if (!spec.value) return;
    moveLayer(spec.value, listPath, from, to);
    if (selected.value && pathKey(selected.value.list) === pathKey(listPath) && selected.value.index === from) selected.value = { list: [...listPath], index: to };
  }

  function select(listPath: readonly Seg[], index: number): void {
    selected.value = { list: [...listPath], index };
  }

  function set(path: readonly Seg[], value: unknown): void {
    if (spec.value) setAt(spec.value, path, value);
  }

  /** Replaces a tagged object (encoder, decoder, neuron, synapse, surrogate) by another kind's template, keeping nothing of the old kind. */
  function setType(path: readonly Seg[], entry: CatalogEntry): void {
    set(path, structuredClone(entry.template));
  }

  async function save(): Promise<boolean> {
    if (!spec.value) return false;
    saving.value = true;
    try {
      const s = await useApi().saveModel(JSON.parse(JSON.stringify(spec.value)) as ModelSpec);
      lastSaved.value = s.name;
      source.value = s.name;
      useToastStore().info(`Saved model ${s.name}`);
      await refreshModels();
      return true;
    } catch (err) {
      useToastStore().error(toApiError(err), 'Cannot save the model');
      return false;
    } finally {
      saving.value = false;
    }
  }

  /** Only a spec the service accepted goes to training; the Train view then pairs it with a preset's data. */
  function trainThis(): boolean {
    const s = inspection.value?.ok ? inspection.value.spec : null;
    if (!s) return false;
    useTrainFormStore().setModel(s);
    useUiStore().setView('train');
    return true;
  }

  return {
    catalog,
    spec,
    inspection,
    inspecting,
    batchSize,
    firingRate,
    timesteps,
    models,
    source,
    saving,
    lastSaved,
    selected,
    compact,
    issues,
    shapes,
    stats,
    valid,
    entries,
    init,
    load,
    refreshModels,
    inspectNow,
    addLayer,
    removeLayer: removeAt,
    moveLayer: moveAt,
    select,
    set,
    setType,
    save,
    trainThis,
  };
});
