import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type PresetSummary, type SpikeLabApi } from '../../../core/api/contract';
import { provideApi } from '../../../renderer/src/api';
import { useToastStore } from '../../../renderer/src/stores/useToastStore';
import { useTrainFormStore } from '../../../renderer/src/stores/useTrainFormStore';
import { memoryStorage, unusedDomainApi } from './fixtures';

const presets: PresetSummary[] = [
  { name: 'a', title: 'A', description: '', dataset: 'mnist', method: 'bptt', defaults: { epochs: 3, batchSize: 64, learningRate: 0.001, timesteps: 25, seed: 1, trainLimit: null, testLimit: null } },
  { name: 'b', title: 'B', description: '', dataset: 'shd', method: 'bptt', defaults: { epochs: 5, batchSize: 32, learningRate: 0.01, timesteps: 100, seed: 2, trainLimit: 1000, testLimit: 200 } },
];

function api(list: () => Promise<PresetSummary[]>): SpikeLabApi {
  const never = (): Promise<never> => Promise.reject(new ApiError('INTERNAL', 'not used'));
  return { getAppInfo: never, listPresets: list, listRuns: never, getRun: never, startRun: never, pauseRun: never, resumeRun: never, stopRun: never, deleteRun: never, ...unusedDomainApi(), onRunEvent: () => () => undefined };
}

describe('useTrainFormStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.stubGlobal('localStorage', memoryStorage());
  });
  afterEach(() => vi.unstubAllGlobals());

  it('remembers edits per preset across sessions until reset', async () => {
    provideApi(api(async () => presets));
    const f = useTrainFormStore();
    await f.loadPresets();
    f.setField('epochs', '7');
    f.selectPreset('b');
    expect(f.draft.epochs).toBe('5');
    // A new session (fresh pinia) restores what was typed for preset a.
    setActivePinia(createPinia());
    const g = useTrainFormStore();
    await g.loadPresets();
    expect(g.draft.epochs).toBe('7');
    g.resetToDefaults();
    expect(g.draft.epochs).toBe('3');
    expect(localStorage.getItem('spikelab.settings.a')).toBeNull();
  });

  it('ignores a corrupt saved draft', async () => {
    localStorage.setItem('spikelab.settings.a', '{"epochs": 3}');
    provideApi(api(async () => presets));
    const f = useTrainFormStore();
    await f.loadPresets();
    expect(f.draft.epochs).toBe('3');
  });

  it('selects the first preset and builds a request from its defaults', async () => {
    provideApi(api(async () => presets));
    const f = useTrainFormStore();
    await f.loadPresets();
    expect(f.presetName).toBe('a');
    expect(f.request).toEqual({ preset: 'a', settings: presets[0].defaults });
  });

  it('switching presets refills the draft; edits and invalid input flow into the request', async () => {
    provideApi(api(async () => presets));
    const f = useTrainFormStore();
    await f.loadPresets();
    f.selectPreset('b');
    expect(f.draft.trainLimit).toBe('1000');
    f.setField('trainLimit', '');
    expect(f.request?.settings?.trainLimit).toBeNull();
    f.setField('timesteps', '0');
    expect(f.errors.timesteps).toBe('At least 1');
    expect(f.request).toBeNull();
    f.resetToDefaults();
    expect(f.request).toEqual({ preset: 'b', settings: presets[1].defaults });
  });

  it('reports a failed listPresets as a toast and stays empty', async () => {
    provideApi(api(() => Promise.reject(new ApiError('INTERNAL', 'presets module failed to load'))));
    const f = useTrainFormStore();
    await f.loadPresets();
    expect(f.presets).toEqual([]);
    expect(f.request).toBeNull();
    expect(useToastStore().toasts[0]?.code).toBe('INTERNAL');
  });
});
