import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { isCompareMetric, type CompareMetric } from '../lib/runExport';
import { loadJson, saveJson } from '../lib/persisted';

export type View = 'train' | 'runs';

const UI_KEY = 'spikelab.ui';

interface UiState {
  view: View;
  /** Collapsed card sections by id. */
  collapsed: string[];
  compareMetric: CompareMetric;
  /** Runs ticked for the compare chart. */
  compareIds: string[];
}

const DEFAULTS: UiState = { view: 'train', collapsed: [], compareMetric: 'testAccuracy', compareIds: [] };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function parseUiState(raw: unknown): UiState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULTS };
  const r = raw as Record<string, unknown>;
  return {
    view: r.view === 'runs' || r.view === 'train' ? r.view : DEFAULTS.view,
    collapsed: strings(r.collapsed),
    compareMetric: isCompareMetric(r.compareMetric) ? r.compareMetric : DEFAULTS.compareMetric,
    compareIds: strings(r.compareIds).slice(0, 8),
  };
}

/**
 * Panel state that survives a restart (localStorage 'spikelab.ui').
 * State: `view` (Train or Runs), `collapsed` (section ids), `compareMetric`, `compareIds`,
 * `helpOpen` (the shortcuts dialog; not persisted).
 * Actions: `setView`, `toggleSection`, `isCollapsed`, `toggleCompare`, `forgetRun` (after delete).
 */
export const useUiStore = defineStore('ui', () => {
  const saved = loadJson(localStorage, UI_KEY, parseUiState);
  const view = ref<View>(saved.view);
  const collapsed = ref<string[]>(saved.collapsed);
  const compareMetric = ref<CompareMetric>(saved.compareMetric);
  const compareIds = ref<string[]>(saved.compareIds);
  const helpOpen = ref(false);

  watch([view, collapsed, compareMetric, compareIds], () =>
    saveJson(localStorage, UI_KEY, { view: view.value, collapsed: collapsed.value, compareMetric: compareMetric.value, compareIds: compareIds.value } satisfies UiState),
  );

  function setView(v: View): void {
    view.value = v;
  }

  function isCollapsed(id: string): boolean {
    return collapsed.value.includes(id);
  }

  function toggleSection(id: string): void {
    collapsed.value = isCollapsed(id) ? collapsed.value.filter((c) => c !== id) : [...collapsed.value, id];
  }

  function toggleCompare(id: string): void {
    compareIds.value = compareIds.value.includes(id) ? compareIds.value.filter((c) => c !== id) : [...compareIds.value, id].slice(-8);
  }

  function forgetRun(id: string): void {
    if (compareIds.value.includes(id)) compareIds.value = compareIds.value.filter((c) => c !== id);
  }

  return { view, collapsed, compareMetric, compareIds, helpOpen, setView, isCollapsed, toggleSection, toggleCompare, forgetRun };
});
