/** The method picker's logic without a DOM: option validation, the train form's request, RunDynamics. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type MethodInfo, type MetricRecord, type PresetSummary, type SpikeLabApi } from '../../../core/api/contract';
import { provideApi } from '../../../renderer/src/api';
import { RunDynamics } from '../../../renderer/src/lib/runDynamics';
import { draftFromOptions, validateOption, validateOptionDraft } from '../../../renderer/src/lib/settingsForm';
import { useTrainFormStore } from '../../../renderer/src/stores/useTrainFormStore';
import { METHOD_CATALOG, optionInfos } from '../../../core/train/methodCatalog';
import { checkMethodOptions } from '../../../core/train/methodCatalog';

const defaults = { epochs: 1, batchSize: 64, learningRate: 0.001, timesteps: 32, seed: 1, trainLimit: null, testLimit: null };
const presets: PresetSummary[] = [
  { name: 'conv', title: 'Conv', description: '', dataset: 'mnist', method: 'conversion', defaults },
  { name: 'mlp', title: 'MLP', description: '', dataset: 'mnist', method: 'bptt', defaults },
];
const methods: MethodInfo[] = METHOD_CATALOG.map((e) => ({ name: e.name, title: e.title, family: e.family, description: e.description, references: e.references, options: optionInfos(e.options), presets: presets.filter((p) => p.method === e.name).map((p) => p.name) }));

function api(): SpikeLabApi {
  const never = (): Promise<never> => Promise.reject(new ApiError('INTERNAL', 'not used'));
  return { getAppInfo: never, listPresets: async () => presets, listMethods: async () => methods, listRuns: never, getRun: never, startRun: never, pauseRun: never, resumeRun: never, stopRun: never, deleteRun: never, onRunEvent: () => () => undefined } as unknown as SpikeLabApi;
}

const conv = methods.find((m) => m.name === 'conversion') as MethodInfo;
const opt = (key: string) => conv.options.find((o) => o.key === key) as MethodInfo['options'][number];

describe('method option fields', () => {
  it('accepts what the engine accepts and names what it refuses', () => {
    expect(validateOption(opt('percentile'), '99.5')).toEqual({ value: 99.5, error: null });
    expect(validateOption(opt('percentile'), '10').error).toBe('At least 50');
    expect(validateOption(opt('percentile'), '101').error).toBe('At most 100');
    expect(validateOption(opt('percentile'), 'abc').error).toBe('Not a number');
    expect(validateOption(opt('calibrationSamples'), '2.5').error).toBe('Whole number');
    expect(validateOption(opt('tGrid'), '1, 2 4,8')).toEqual({ value: [1, 2, 4, 8], error: null });
    expect(validateOption(opt('tGrid'), '1, 0').error).toBe('0: At least 1');
    expect(validateOption(opt('tGrid'), ' ').error).toBe('At least one number');
    expect(validateOption(opt('normalisation'), 'max').error).toBe('One of data, model, balance, none');
    const hybrid = methods.find((m) => m.name === 'hybrid') as MethodInfo;
    expect(validateOption(hybrid.options.find((o) => o.key === 'learnLeak') as MethodInfo['options'][number], 'yes').error).toBe('true or false');
  });

  it('sends only changed options, and what it sends passes the engine check', () => {
    const d = draftFromOptions(conv.options);
    expect(validateOptionDraft(conv.options, d)).toEqual({ values: {}, errors: {} });
    const r = validateOptionDraft(conv.options, { ...d, percentile: '99', tGrid: '1,4,16', neuron: 'lif' });
    expect(r.values).toEqual({ percentile: 99, tGrid: [1, 4, 16], neuron: 'lif' });
    expect(() => checkMethodOptions('conversion', conv.options, r.values ?? {})).not.toThrow();
    expect(validateOptionDraft(conv.options, { ...d, percentile: '1' })).toEqual({ values: null, errors: { percentile: 'At least 50' } });
  });
});

describe('train form with a method', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.stubGlobal('localStorage', undefined);
    provideApi(api());
  });

  it('defaults to the preset method, carries a different method and changed options, blocks invalid ones', async () => {
    const f = useTrainFormStore();
    await f.loadPresets();
    await f.loadMethods();
    f.selectPreset('conv');
    expect(f.activeMethodName).toBe('conversion');
    expect(f.request).toEqual({ preset: 'conv', settings: defaults });
    f.setOption('percentile', '99');
    expect(f.request?.methodOptions).toEqual({ percentile: 99 });
    expect(f.request?.method).toBeUndefined();
    f.setOption('percentile', '5');
    expect(f.optionErrors).toEqual({ percentile: 'At least 50' });
    expect(f.request).toBeNull();
    f.setMethod('conversion-ttfs');
    // Each method keeps its own draft: the TTFS variant starts from defaults.
    expect(f.request).toEqual({ preset: 'conv', settings: defaults, method: 'conversion-ttfs' });
    f.setMethod('conversion');
    expect(f.optionErrors).toEqual({ percentile: 'At least 50' });
    f.resetOptions();
    expect(f.request).toEqual({ preset: 'conv', settings: defaults });
    f.setMethod('hybrid');
    f.selectPreset('mlp');
    expect(f.activeMethodName).toBe('bptt');
    f.setModel({ format: 'spikelab-model', version: 1, name: 'm', input: [784], timesteps: 1, encoder: { type: 'direct' }, layers: [{ type: 'dense', units: 10 }], decoder: { type: 'rate' } } as never);
    expect(f.request?.model?.name).toBe('m');
  });
});

describe('RunDynamics', () => {
  const rec = (kind: 'batch' | 'epoch', epoch: number, step: number, elapsedMs: number, lr: number, rates: Record<string, number>): MetricRecord => ({ kind, epoch, step, stepsPerEpoch: 4, elapsedMs, loss: 1, trainAccuracy: null, testAccuracy: null, learningRate: lr, samplesPerSecond: null, firingRates: rates });

  it('builds learning-rate and per-layer series, epoch times, without duplicates or disorder', () => {
    const d = new RunDynamics();
    d.add([rec('batch', 0, 1, 100, 1e-3, { lif1: 0.1, lif2: 0.2 }), rec('epoch', 0, 4, 1500, 1e-3, { lif1: 0.1, lif2: 0.2 })]);
    d.add([rec('batch', 0, 0, 50, 2e-3, { lif1: 0.3, lif2: 0.4 })]);
    d.add([rec('batch', 1, 3, 2500, 5e-4, { lif1: 0.05, lif2: 0.1 }), rec('epoch', 1, 4, 3600, 5e-4, { lif1: 0.05, lif2: 0.1 })]);
    expect(d.add([rec('batch', 0, 1, 100, 1e-3, { lif1: 0.1, lif2: 0.2 })])).toBe(0);
    expect(d.learningRate.x).toEqual([0.25, 0.5, 2]);
    expect(d.learningRate.y).toEqual([2e-3, 1e-3, 5e-4]);
    expect([...d.firingRates.keys()]).toEqual(['lif1', 'lif2']);
    expect(d.firingRates.get('lif2')?.y).toEqual([0.4, 0.2, 0.1]);
    expect(d.epochSeconds).toEqual([1.5, 2.1]);
    expect(d.lastEpochSeconds).toBeCloseTo(2.1, 9);
  });
});
