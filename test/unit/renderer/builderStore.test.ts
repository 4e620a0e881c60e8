import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type InspectOptions, type ModelInspection, type SavedModelSummary, type SpikeLabApi } from '../../../core/api/contract';
import { inspectModelSpec } from '../../../core/lab/models/inspect';
import { layerCatalog } from '../../../core/snn/catalog';
import { findSeedNet, SEED_NETS } from '../../../core/snn/seedNets';
import type { ModelSpec } from '../../../core/snn/spec';
import { provideApi } from '../../../renderer/src/api';
import { INSPECT_DEBOUNCE_MS, useBuilderStore } from '../../../renderer/src/stores/useBuilderStore';
import { useToastStore } from '../../../renderer/src/stores/useToastStore';
import { useTrainFormStore } from '../../../renderer/src/stores/useTrainFormStore';
import { useUiStore } from '../../../renderer/src/stores/useUiStore';
import { memoryStorage } from './fixtures';

/** The models domain backed by the real catalog and inspection; saved specs in memory; every inspect call recorded. */
function fakeApi(opts: { inspectDelay?: (n: number) => number } = {}) {
  const saved = new Map<string, ModelSpec>();
  const inspected: { spec: unknown; options: InspectOptions }[] = [];
  const never = (): Promise<never> => Promise.reject(new ApiError('INTERNAL', 'not used'));
  const summaries = (): SavedModelSummary[] => [
    ...SEED_NETS.map((s) => ({ name: s.spec.name, builtin: true, title: s.title, input: s.spec.input, layers: s.spec.layers.length, params: 0, savedAt: null, error: null })),
    ...[...saved.values()].map((s) => ({ name: s.name, builtin: false, title: s.name, input: s.input, layers: s.layers.length, params: 0, savedAt: 'now', error: null })),
  ];
  const api = {
    getAppInfo: never,
    listPresets: async () => [],
    listRuns: never,
    getRun: never,
    startRun: never,
    pauseRun: never,
    resumeRun: never,
    stopRun: never,
    deleteRun: never,
    onRunEvent: () => () => undefined,
    getLayerCatalog: async () => layerCatalog(),
    inspectModel: async (spec: unknown, options: InspectOptions): Promise<ModelInspection> => {
      inspected.push({ spec, options });
      const delay = opts.inspectDelay?.(inspected.length) ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      return inspectModelSpec(spec, options);
    },
    listModels: async () => summaries(),
    saveModel: async (spec: ModelSpec) => {
      if (findSeedNet(spec.name)) throw new ApiError('CONFLICT', `"${spec.name}" is a built-in seed network`);
      saved.set(spec.name, structuredClone(spec));
      return summaries().find((s) => s.name === spec.name)!;
    },
    loadModel: async (name: string) => {
      const s = findSeedNet(name)?.spec ?? saved.get(name);
      if (!s) throw new ApiError('NOT_FOUND', `no model named "${name}"`);
      return structuredClone(s);
    },
  } as unknown as SpikeLabApi;
  return { api, saved, inspected };
}

const flush = async (): Promise<void> => {
  await nextTick();
  await vi.advanceTimersByTimeAsync(INSPECT_DEBOUNCE_MS + 1);
};

describe('useBuilderStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('localStorage', memoryStorage());
    setActivePinia(createPinia());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('starts from the default seed net and re-inspects once per burst of edits', async () => {
    const f = fakeApi();
    provideApi(f.api);
    const b = useBuilderStore();
    await b.init();
    await flush();
    expect(b.spec?.name).toBe('mnist-mlp-lif');
    expect(b.valid).toBe(true);
    expect(b.shapes.get('layers[0]')).toEqual([500]);
    const before = f.inspected.length;
    b.set(['layers', 0, 'units'], 1);
    b.set(['layers', 0, 'units'], 12);
    b.set(['layers', 0, 'units'], 128);
    await flush();
    expect(f.inspected.length).toBe(before + 1);
    expect(b.shapes.get('layers[0]')).toEqual([128]);
    // An invalid value is kept in the draft and reported beside its field.
    b.set(['layers', 0, 'units'], 'many');
    await flush();
    expect(b.valid).toBe(false);
    expect(b.issues.get('layers[0].units')?.[0]).toMatch(/positive integer/);
    // Assumptions re-inspect too.
    b.batchSize = 8;
    await flush();
    expect(f.inspected.at(-1)?.options).toEqual({ batchSize: 8, firingRate: 0.1 });
    b.timesteps = 50;
    await flush();
    expect(f.inspected.at(-1)?.options).toEqual({ batchSize: 8, firingRate: 0.1, timesteps: 50 });
  });

  it('shows only the newest answer when inspections finish out of order', async () => {
    // The first edit's answer is slow, the second's fast.
    const f = fakeApi({ inspectDelay: (n) => (n === 2 ? 1000 : 0) });
    provideApi(f.api);
    const b = useBuilderStore();
    await b.init();
    b.set(['layers', 0, 'units'], 64);
    await flush();
    b.set(['layers', 0, 'units'], 32);
    await flush();
    expect(b.shapes.get('layers[0]')).toEqual([32]);
    await vi.advanceTimersByTimeAsync(1500);
    expect(b.shapes.get('layers[0]')).toEqual([32]);
  });

  it('adds after the selected layer, moves and removes', async () => {
    provideApi(fakeApi().api);
    const b = useBuilderStore();
    await b.init();
    b.select(['layers'], 1);
    b.addLayer('dropout');
    expect(b.spec?.layers.map((l) => l.type)).toEqual(['dense', 'neuron', 'dropout', 'dense', 'neuron']);
    expect(b.selected).toEqual({ list: ['layers'], index: 2 });
    b.addLayer('residual', ['layers'], 0);
    b.addLayer('conv2d', ['layers', 0, 'shortcut']);
    expect(b.spec?.layers[0]).toMatchObject({ type: 'residual', shortcut: [{ type: 'conv2d', filters: 16, kernel: 3 }] });
    b.removeLayer(['layers'], 0);
    b.moveLayer(['layers'], 2, 0);
    expect(b.spec?.layers.map((l) => l.type)).toEqual(['dropout', 'dense', 'neuron', 'dense', 'neuron']);
    await flush();
    expect(b.valid).toBe(true);
  });

  it('saves under a new name, refuses a seed name with a toast, and hands a valid spec to training', async () => {
    const f = fakeApi();
    provideApi(f.api);
    const b = useBuilderStore();
    await b.init();
    await flush();
    expect(await b.save()).toBe(false);
    expect(useToastStore().toasts.at(-1)).toMatchObject({ kind: 'error', code: 'CONFLICT' });
    b.set(['name'], 'mine');
    await flush();
    expect(await b.save()).toBe(true);
    expect(f.saved.get('mine')?.layers).toHaveLength(4);
    expect(b.models.map((m) => m.name)).toContain('mine');

    b.set(['timesteps'], 0);
    await flush();
    expect(b.trainThis()).toBe(false);
    expect(useTrainFormStore().model).toBeNull();
    b.set(['timesteps'], 10);
    await flush();
    expect(b.trainThis()).toBe(true);
    expect(useTrainFormStore().model).toMatchObject({ name: 'mine', timesteps: 10 });
    expect(useUiStore().view).toBe('train');
  });

  it('reports an unknown model instead of replacing the draft', async () => {
    provideApi(fakeApi().api);
    const b = useBuilderStore();
    await b.init();
    expect(await b.load('gone')).toBe(false);
    expect(b.spec?.name).toBe('mnist-mlp-lif');
    expect(useToastStore().toasts.at(-1)).toMatchObject({ code: 'NOT_FOUND' });
  });
});
