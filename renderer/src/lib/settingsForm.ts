/**
 * The training settings form as strings (what the inputs hold) and its validation into
 * TrainSettings. Kept pure so the rules are tested without a DOM.
 */
import type { TrainSettings } from '../../../core/api/contract';

export type SettingsField = keyof TrainSettings;

export type SettingsDraft = Record<SettingsField, string>;

export type SettingsErrors = Partial<Record<SettingsField, string>>;

export const SETTINGS_FIELDS: readonly SettingsField[] = ['epochs', 'batchSize', 'learningRate', 'timesteps', 'trainLimit', 'testLimit', 'seed'];

interface FieldRule {
  label: string;
  integer: boolean;
  min: number;
  max: number;
  /** Empty input means "all" (null). */
  optional: boolean;
  hint?: string;
}

export const SETTINGS_RULES: Record<SettingsField, FieldRule> = {
  epochs: { label: 'Epochs', integer: true, min: 1, max: 1000, optional: false },
  batchSize: { label: 'Batch size', integer: true, min: 1, max: 4096, optional: false },
  learningRate: { label: 'Learning rate', integer: false, min: 1e-7, max: 10, optional: false },
  timesteps: { label: 'Timesteps', integer: true, min: 1, max: 1000, optional: false },
  trainLimit: { label: 'Train limit', integer: true, min: 1, max: 10_000_000, optional: true, hint: 'empty = all' },
  testLimit: { label: 'Test limit', integer: true, min: 1, max: 10_000_000, optional: true, hint: 'empty = all' },
  seed: { label: 'Seed', integer: true, min: 0, max: 4_294_967_295, optional: false },
};

export function draftFromSettings(s: TrainSettings): SettingsDraft {
  return {
    epochs: String(s.epochs),
    batchSize: String(s.batchSize),
    learningRate: String(s.learningRate),
    timesteps: String(s.timesteps),
    trainLimit: s.trainLimit === null ? '' : String(s.trainLimit),
    testLimit: s.testLimit === null ? '' : String(s.testLimit),
    seed: String(s.seed),
  };
}

export function validateField(field: SettingsField, raw: string): { value: number | null; error: string | null } {
  const rule = SETTINGS_RULES[field];
  const text = raw.trim();
  if (text === '') return rule.optional ? { value: null, error: null } : { value: null, error: 'Required' };
  // Number('') and Number(' ') are 0 and Number('1e3') is valid; a strict pattern avoids surprises.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { value: null, error: 'Not a number' };
  const v = Number(text);
  if (rule.integer && !Number.isInteger(v)) return { value: null, error: 'Whole number' };
  if (v < rule.min) return { value: null, error: `At least ${rule.min}` };
  if (v > rule.max) return { value: null, error: `At most ${rule.max}` };
  return { value: v, error: null };
}

export function validateDraft(d: SettingsDraft): { settings: TrainSettings | null; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const values: Partial<Record<SettingsField, number | null>> = {};
  for (const f of SETTINGS_FIELDS) {
    const r = validateField(f, d[f]);
    if (r.error) errors[f] = r.error;
    else values[f] = r.value;
  }
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  const num = (f: SettingsField): number => values[f] as number;
  return {
    settings: {
      epochs: num('epochs'),
      batchSize: num('batchSize'),
      learningRate: num('learningRate'),
      timesteps: num('timesteps'),
      seed: num('seed'),
      trainLimit: values.trainLimit ?? null,
      testLimit: values.testLimit ?? null,
    },
    errors,
  };
}
