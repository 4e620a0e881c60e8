import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PresetSummary, TrainRequest } from '../../../core/api/contract';
import { useApi } from '../api';
import { draftFromSettings, validateDraft, type SettingsDraft, type SettingsField } from '../lib/settingsForm';
import { useToastStore } from './useToastStore';

const EMPTY_DRAFT: SettingsDraft = { epochs: '', batchSize: '', learningRate: '', timesteps: '', trainLimit: '', testLimit: '', seed: '' };

/**
 * The "new run" form.
 * State: `presets` (from listPresets), `presetName`, `draft` (input strings, one per setting);
 * derived `errors` (per field, shown beside it) and `request` (a TrainRequest, or null while
 * anything is invalid).
 * Actions: `loadPresets()` (selects the first preset), `selectPreset(name)` (fills the draft with
 * the preset's defaults), `setField(field, text)`, `resetToDefaults()`.
 */
export const useTrainFormStore = defineStore('trainForm', () => {
  const presets = ref<PresetSummary[]>([]);
  const presetName = ref<string | null>(null);
  const draft = ref<SettingsDraft>({ ...EMPTY_DRAFT });
  const loading = ref(false);

  const preset = computed(() => presets.value.find((p) => p.name === presetName.value) ?? null);
  const validation = computed(() => validateDraft(draft.value));
  const errors = computed(() => validation.value.errors);
  const request = computed<TrainRequest | null>(() => {
    const settings = validation.value.settings;
    if (!preset.value || !settings) return null;
    return { preset: preset.value.name, settings };
  });

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
    draft.value = draftFromSettings(p.defaults);
  }

  function setField(field: SettingsField, text: string): void {
    draft.value = { ...draft.value, [field]: text };
  }

  function resetToDefaults(): void {
    if (preset.value) draft.value = draftFromSettings(preset.value.defaults);
  }

  return { presets, presetName, draft, loading, preset, errors, request, loadPresets, selectPreset, setField, resetToDefaults };
});
