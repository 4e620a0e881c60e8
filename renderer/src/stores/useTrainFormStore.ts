import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { MethodInfo, PresetSummary, TrainRequest } from '../../../core/api/contract';
import type { ModelSpec } from '../../../core/snn/spec';
import { useApi } from '../api';
import { draftFromOptions, draftFromSettings, SETTINGS_FIELDS, validateDraft, validateOptionDraft, type OptionDraft, type SettingsDraft, type SettingsField } from '../lib/settingsForm';
import { useToastStore } from './useToastStore';

const STORAGE_PREFIX = 'spikelab.settings.';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage can be disabled (privacy settings); the form then simply starts from defaults.
    return null;
  }
}

function loadDraft(preset: string): SettingsDraft | null {
  const raw = storage()?.getItem(STORAGE_PREFIX + preset);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    return SETTINGS_FIELDS.every((f) => typeof v[f] === 'string') ? (v as SettingsDraft) : null;
  } catch {
    return null;
  }
}

const EMPTY_DRAFT: SettingsDraft = { epochs: '', batchSize: '', learningRate: '', timesteps: '', trainLimit: '', testLimit: '', seed: '' };

/**
 * The "new run" form.
 * State: `presets` (from listPresets), `presetName`, `draft` (input strings, one per setting);
 * derived `errors` (per field, shown beside it) and `request` (a TrainRequest, or null while
 * anything is invalid).
 * Actions: `loadPresets()` (selects the first preset), `selectPreset(name)` (fills the draft with
 * what was last typed for that preset, else its defaults), `setField(field, text)` (remembered per
 * preset in localStorage), `resetToDefaults()` (forgets the edits).
 * Method: `methods` (from listMethods, loaded by `loadMethods()`), `methodName` (null = the
 * preset's method), one option draft per method (`optionDraft`, `optionErrors`); `setMethod`,
 * `setOption`, `resetOptions`. The request names the method only when it is not the preset's and
 * carries only options that differ from their defaults.
 */
export const useTrainFormStore = defineStore('trainForm', () => {
  const presets = ref<PresetSummary[]>([]);
  const presetName = ref<string | null>(null);
  const draft = ref<SettingsDraft>({ ...EMPTY_DRAFT });
  const loading = ref(false);
  /** A model from the builder that replaces the preset's (null = the preset's own). */
  const model = ref<ModelSpec | null>(null);

  const methods = ref<MethodInfo[]>([]);
  const methodName = ref<string | null>(null);
  const optionDrafts = ref<Record<string, OptionDraft>>({});

  const preset = computed(() => presets.value.find((p) => p.name === presetName.value) ?? null);
  const validation = computed(() => validateDraft(draft.value));
  const errors = computed(() => validation.value.errors);
  const activeMethodName = computed(() => methodName.value ?? preset.value?.method ?? null);
  const method = computed(() => methods.value.find((m) => m.name === activeMethodName.value) ?? null);
  const optionDraft = computed<OptionDraft>(() => {
    const m = method.value;
    if (!m) return {};
    return optionDrafts.value[m.name] ?? draftFromOptions(m.options);
  });
  const optionValidation = computed(() => (method.value ? validateOptionDraft(method.value.options, optionDraft.value) : { values: {}, errors: {} }));
  const optionErrors = computed(() => optionValidation.value.errors);
  const request = computed<TrainRequest | null>(() => {
    const settings = validation.value.settings;
    const options = optionValidation.value.values;
    if (!preset.value || !settings || !options) return null;
    const req: TrainRequest = { preset: preset.value.name, settings };
    if (activeMethodName.value && activeMethodName.value !== preset.value.method) req.method = activeMethodName.value;
    if (Object.keys(options).length) req.methodOptions = options;
    if (model.value) req.model = model.value;
    return req;
  });

  async function loadMethods(): Promise<void> {
    try {
      methods.value = await useApi().listMethods();
    } catch (err) {
      useToastStore().error(err, 'Cannot list training methods');
    }
  }

  /** null returns to the preset's own method. */
  function setMethod(name: string | null): void {
    methodName.value = name === preset.value?.method ? null : name;
  }

  function setOption(key: string, text: string): void {
    const m = method.value;
    if (!m) return;
    optionDrafts.value = { ...optionDrafts.value, [m.name]: { ...optionDraft.value, [key]: text } };
  }

  function resetOptions(): void {
    const m = method.value;
    if (!m) return;
    const next = { ...optionDrafts.value };
    delete next[m.name];
    optionDrafts.value = next;
  }

  /** The builder's "Train this model": the next run uses this spec with the selected preset's data and recipe. */
  function setModel(spec: ModelSpec | null): void {
    model.value = spec;
  }

  async function loadPresets(): Promise<void> {
    loading.value = true;
    try {
      presets.value = await useApi().listPresets();
      if (!preset.value && presets.value.length) selectPreset(presets.value[0].name);
    } catch (err) {
      useToastStore().error(err, 'Cannot list presets');
    } finally {
      loading.value = false;
    }
  }

  function selectPreset(name: string): void {
    const p = presets.value.find((x) => x.name === name);
    if (!p) return;
    presetName.value = p.name;
    draft.value = loadDraft(p.name) ?? draftFromSettings(p.defaults);
    methodName.value = null;
  }

  function setField(field: SettingsField, text: string): void {
    draft.value = { ...draft.value, [field]: text };
    if (presetName.value) storage()?.setItem(STORAGE_PREFIX + presetName.value, JSON.stringify(draft.value));
  }

  function resetToDefaults(): void {
    if (!preset.value) return;
    storage()?.removeItem(STORAGE_PREFIX + preset.value.name);
    draft.value = draftFromSettings(preset.value.defaults);
  }

  return {
    presets,
    presetName,
    draft,
    loading,
    model,
    preset,
    errors,
    request,
    methods,
    methodName,
    activeMethodName,
    method,
    optionDraft,
    optionErrors,
    loadPresets,
    selectPreset,
    setField,
    resetToDefaults,
    setModel,
    loadMethods,
    setMethod,
    setOption,
    resetOptions,
  };
});
