import { describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../../core/api/contract';
import { draftFromSettings, validateDraft, validateField } from '../../../renderer/src/lib/settingsForm';

const defaults: TrainSettings = { epochs: 3, batchSize: 64, learningRate: 0.001, timesteps: 25, seed: 42, trainLimit: null, testLimit: 1000 };

describe('settings form', () => {
  it('round-trips settings through the draft', () => {
    const d = draftFromSettings(defaults);
    expect(d.trainLimit).toBe('');
    expect(validateDraft(d)).toEqual({ settings: defaults, errors: {} });
  });

  it('explains each kind of invalid input', () => {
    expect(validateField('epochs', '').error).toBe('Required');
    expect(validateField('epochs', 'abc').error).toBe('Not a number');
    expect(validateField('epochs', '1.5').error).toBe('Whole number');
    expect(validateField('epochs', '0').error).toBe('At least 1');
    expect(validateField('batchSize', '5000').error).toBe('At most 4096');
    expect(validateField('learningRate', '0').error).toMatch(/^At least/);
    expect(validateField('seed', '-1').error).toBe('At least 0');
  });

  it('accepts decimal and exponent learning rates, empty limits as null', () => {
    expect(validateField('learningRate', '1e-3')).toEqual({ value: 0.001, error: null });
    expect(validateField('learningRate', ' .05 ')).toEqual({ value: 0.05, error: null });
    expect(validateField('testLimit', '  ')).toEqual({ value: null, error: null });
  });

  it('returns no settings while any field is invalid', () => {
    const d = { ...draftFromSettings(defaults), timesteps: '0', seed: 'x' };
    const r = validateDraft(d);
    expect(r.settings).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(['seed', 'timesteps']);
  });
});
