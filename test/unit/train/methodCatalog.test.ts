/** The method catalogue against the registry, option-table conversion both ways, and BPTT's recipe options. */
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../core/api/contract';
import { methodInfos } from '../../../core/lab/methods/catalog';
import { PLASTICITY_METHOD_INFO } from '../../../core/plasticity/methodInfo';
import { BPTT_OPTIONS, bpttRecipe } from '../../../core/train/bptt';
import { getPreset, getTrainMethod, listPresets } from '../../../core/train/index';
import { checkMethodOptions, METHOD_CATALOG, optionInfos, optionTableOf } from '../../../core/train/methodCatalog';
import { MethodError, parseOptions } from '../../../core/train/methodKit';

/** The registry names, as getTrainMethod lists them when asked for a method it does not have. */
function registeredNames(): string[] {
  try {
    getTrainMethod('\u0000');
  } catch (err) {
    const m = /available: (.*)$/.exec((err as Error).message);
    if (m) return m[1].split(', ');
  }
  throw new Error('getTrainMethod no longer lists the available methods');
}

describe('method catalogue', () => {
  it('has an entry for every registered method, and registers every entry', () => {
    const names = registeredNames();
    expect(names.length).toBeGreaterThanOrEqual(8);
    const described = new Set([...METHOD_CATALOG.map((e) => e.name), ...PLASTICITY_METHOD_INFO.map((m) => m.name)]);
    for (const n of names) expect(described.has(n), `method ${n} has no catalogue entry`).toBe(true);
    for (const e of METHOD_CATALOG) expect(() => getTrainMethod(e.name)).not.toThrow();
  });

  it('names a known preset method for every preset', () => {
    const infos = methodInfos(listPresets());
    for (const p of listPresets()) expect(infos.find((m) => m.name === p.method)?.presets).toContain(p.name);
  });

  it('round-trips option tables through the contract form', () => {
    for (const e of METHOD_CATALOG) {
      const infos = optionInfos(e.options);
      const back = optionTableOf(infos);
      expect(parseOptions(e.name, back, {})).toEqual(parseOptions(e.name, e.options, {}));
      expect(optionInfos(back)).toEqual(infos);
    }
  });

  it('checks options by their contract form with messages naming the option', () => {
    const conv = optionInfos(METHOD_CATALOG.find((e) => e.name === 'conversion')?.options ?? {});
    expect(() => checkMethodOptions('conversion', conv, { percentile: 99, tGrid: [1, 4] })).not.toThrow();
    expect(() => checkMethodOptions('conversion', conv, { tGrid: [1, 2.5] })).toThrow(/option "tGrid" expected a non-empty list of integers >= 1/);
    expect(() => checkMethodOptions('conversion', conv, { encoder: 'latency' })).toThrow(MethodError);
    expect(() => checkMethodOptions('conversion', conv, { speed: 1 })).toThrow(/unknown option "speed"/);
  });
});

describe('BPTT options', () => {
  const config = (method: string, methodOptions?: Record<string, unknown>): RunConfig => {
    const p = getPreset('mnist-mlp');
    return { preset: 'mnist-mlp', name: 'x', method, dataset: 'mnist', model: p.model, settings: p.summary.defaults, ...(methodOptions ? { methodOptions } : {}) };
  };

  it('keeps the preset recipe by default and when another method calls the trainer', () => {
    expect(bpttRecipe(config('bptt'), 100)).toEqual(getPreset('mnist-mlp').training);
    // conversion passes its own options through to the ANN trainer; BPTT must not read them.
    expect(bpttRecipe(config('conversion', { percentile: 99 }), 100)).toEqual(getPreset('mnist-mlp').training);
  });

  it('overrides loss, optimiser, schedule and clipping', () => {
    const r = bpttRecipe(config('bptt', { loss: 'mseCount', correctRate: 0.9, optimizer: 'sgd', momentum: 0.8, weightDecay: 1e-4, schedule: 'cosine', minLearningRate: 1e-5, clipNorm: 2 }), 500);
    expect(r.loss).toBe('mseCount');
    expect(r.lossOptions).toMatchObject({ correctRate: 0.9, incorrectRate: 0.2 });
    expect(r.optimizer).toEqual({ kind: 'sgd', momentum: 0.8, weightDecay: 1e-4 });
    expect(r.schedule).toEqual({ kind: 'cosine', totalSteps: 500, minLr: 1e-5 });
    expect(r.clipNorm).toBe(2);
    expect(bpttRecipe(config('bptt', { schedule: 'step', stepEvery: 7, stepGamma: 0.1 }), 1).schedule).toEqual({ kind: 'step', every: 7, gamma: 0.1 });
    expect(Object.keys(BPTT_OPTIONS)).toEqual(expect.arrayContaining(['loss', 'optimizer', 'schedule', 'clipNorm']));
    expect(() => bpttRecipe(config('bptt', { optimizer: 'rmsprop' }), 1)).toThrow(/option "optimizer" expected one of preset, adam, adamw, sgd/);
  });
});
