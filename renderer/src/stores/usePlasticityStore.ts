import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, shallowRef } from 'vue';
import type { MethodInfo, PlasticitySnapshot, RunEvent, RunSummary, StdpWindow } from '../../../core/api/contract';
import { toApiError, useApi } from '../api';

/** Method families whose runs the panel lists (their methods emit plasticity snapshots). */
export const PLASTICITY_FAMILIES: ReadonlySet<MethodInfo['family']> = new Set(['plasticity', 'supervised-temporal']);
/** The rules stdpWindow simulates. */
export const WINDOW_RULES = ['stdp-pair', 'stdp-triplet'] as const;
export type WindowRule = (typeof WINDOW_RULES)[number];
/** Δt sweep of the window plot. */
export const WINDOW_RANGE_MS = 100;
export const WINDOW_POINTS = 200;
/** Edits closer together than this make one request. */
export const WINDOW_DEBOUNCE_MS = 120;

/** Editable parameters per rule, with the defaults of core/plasticity (pair) and the set's values (triplet: −1 = the set's). */
export const WINDOW_DEFAULTS: Record<WindowRule, Record<string, number | string>> = {
  'stdp-pair': { aPlus: 0.005, aMinus: 0.00525, tauPlus: 20, tauMinus: 20, form: 'additive', pairing: 'all-to-all', pairs: 1, frequencyHz: 1 },
  'stdp-triplet': { parameterSet: 'visual-cortex-all-to-all', pairs: 60, frequencyHz: 20 },
};

const ACTIVE = new Set(['queued', 'running', 'paused']);

/**
 * The plasticity panel's state.
 * State: `methods` (names of plasticity methods from listMethods), `tripletSets` (the triplet
 * rule's published parameter sets), `runs` (their runs, newest
 * first), `selectedRunId` (null = follow the live run: the newest active plasticity run, else
 * the newest run),
 * `snapshot` (the newest PlasticitySnapshot of the shown run; markRaw, never deep-reactive;
 * `revision` bumps with it so canvases redraw on the next frame), `windowRule`, `windowOptions`,
 * `window` (the last StdpWindow, markRaw), `windowError`, `error`.
 * Actions: `load()` (methods and runs), `start()`/`stop()` (subscribe to run events while the view
 * is open), `select(id | null)`, `setWindowRule(rule)`, `setWindowOption(key, value)` (debounced
 * refresh), `refreshWindow()`, `handleEvent(e)`.
 * A run with nothing streamed since the panel opened (finished, or from an earlier session) shows
 * the snapshot stored with it (`lastPlasticity`), asked for once per run.
 */
export const usePlasticityStore = defineStore('plasticity', () => {
  const methods = ref<string[]>([]);
  const tripletSets = ref<string[]>([]);
  const runs = shallowRef<RunSummary[]>([]);
  const selectedRunId = ref<string | null>(null);
  const snapshot = shallowRef<PlasticitySnapshot | null>(null);
  const revision = ref(0);
  const error = ref<string | null>(null);
  const windowRule = ref<WindowRule>('stdp-pair');
  const windowOptions = reactive<Record<string, number | string>>({ ...WINDOW_DEFAULTS['stdp-pair'] });
  const window = shallowRef<StdpWindow | null>(null);
  const windowError = ref<string | null>(null);
  /** Newest snapshot per run seen since the panel opened (plain Map: never reactive). */
  const latest = new Map<string, PlasticitySnapshot>();
  /** Runs whose stored snapshot was asked for (plain Set: asked once per panel session). */
  const asked = new Set<string>();
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let windowSeq = 0;

  // The newest active run; once it ends, the newest run stays on screen instead of a blank panel.
  const liveRun = computed<RunSummary | null>(() => runs.value.find((r) => ACTIVE.has(r.status)) ?? runs.value[0] ?? null);
  const shownRunId = computed<string | null>(() => selectedRunId.value ?? liveRun.value?.id ?? null);
  const shownRun = computed<RunSummary | null>(() => runs.value.find((r) => r.id === shownRunId.value) ?? null);

  function show(): void {
    const id = shownRunId.value;
    const s = id ? (latest.get(id) ?? null) : null;
    if (s !== snapshot.value) {
      snapshot.value = s;
      revision.value++;
    }
    if (id && !s && !asked.has(id)) void fetchStored(id);
  }

  async function fetchStored(id: string): Promise<void> {
    asked.add(id);
    try {
      const stored = await useApi().lastPlasticity(id);
      // A live snapshot that arrived meanwhile is newer than the stored one.
      if (!stored || latest.has(id)) return;
      latest.set(id, markRaw(stored));
      show();
    } catch (err) {
      error.value = toApiError(err).message;
    }
  }

  function isPlasticity(r: RunSummary): boolean {
    return methods.value.includes(r.method);
  }

  async function load(): Promise<void> {
    error.value = null;
    try {
      const api = useApi();
      const [infos, all] = await Promise.all([api.listMethods(), api.listRuns()]);
      methods.value = infos.filter((m) => PLASTICITY_FAMILIES.has(m.family)).map((m) => m.name);
      tripletSets.value = [...(infos.find((m) => m.name === 'stdp-triplet')?.options.find((o) => o.key === 'parameterSet')?.values ?? [])];
      runs.value = markRaw(all.filter(isPlasticity).sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      show();
    } catch (err) {
      error.value = toApiError(err).message;
    }
  }

  function handleEvent(e: RunEvent): void {
    if (e.type === 'plasticity') {
      latest.set(e.snapshot.runId, markRaw(e.snapshot));
      if (!runs.value.some((r) => r.id === e.snapshot.runId)) void load();
      if (e.snapshot.runId === shownRunId.value) {
        snapshot.value = latest.get(e.snapshot.runId) ?? null;
        revision.value++;
      }
    } else if (e.type === 'status' && (isPlasticity(e.run) || runs.value.some((r) => r.id === e.run.id))) {
      const others = runs.value.filter((r) => r.id !== e.run.id);
      runs.value = markRaw([e.run, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      show();
    }
  }

  function start(): void {
    if (!unsubscribe) unsubscribe = useApi().onRunEvent(handleEvent);
    void load();
    if (!window.value) void refreshWindow();
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function select(id: string | null): void {
    selectedRunId.value = id;
    show();
  }

  async function refreshWindow(): Promise<void> {
    const seq = ++windowSeq;
    try {
      const w = await useApi().stdpWindow({ rule: windowRule.value, options: { ...windowOptions }, rangeMs: WINDOW_RANGE_MS, points: WINDOW_POINTS });
      // An answer to an older edit must not replace a newer one.
      if (seq !== windowSeq) return;
      window.value = markRaw(w);
      windowError.value = null;
    } catch (err) {
      if (seq !== windowSeq) return;
      windowError.value = toApiError(err).message;
    }
  }

  function scheduleWindow(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void refreshWindow();
    }, WINDOW_DEBOUNCE_MS);
  }

  function setWindowRule(rule: WindowRule): void {
    windowRule.value = rule;
    for (const k of Object.keys(windowOptions)) delete windowOptions[k];
    Object.assign(windowOptions, WINDOW_DEFAULTS[rule]);
    scheduleWindow();
  }

  /** null removes the option (the rule's default, or the triplet set's value, applies). */
  function setWindowOption(key: string, value: number | string | null): void {
    if (value === null) delete windowOptions[key];
    else windowOptions[key] = value;
    scheduleWindow();
  }

  return { methods, tripletSets, runs, selectedRunId, snapshot, revision, error, windowRule, windowOptions, window, windowError, liveRun, shownRunId, shownRun, load, handleEvent, start, stop, select, refreshWindow, setWindowRule, setWindowOption };
});
