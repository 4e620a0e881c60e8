import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { isCompareMetric, type CompareMetric } from '../lib/runExport';
import { loadJson, saveJson } from '../lib/persisted';

/** The app's views, in navigation order (keys 1..7 select them). */
export const VIEWS = ['train', 'runs', 'builder', 'monitor', 'data', 'board', 'plasticity'] as const;
export type View = (typeof VIEWS)[number];

export function isView(v: unknown): v is View {
  return typeof v === 'string' && (VIEWS as readonly string[]).includes(v);
}

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
    view: isView(r.view) ? r.view : DEFAULTS.view,
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
