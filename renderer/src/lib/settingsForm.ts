/**
 * The training settings form as strings (what the inputs hold) and its validation into
 * TrainSettings. Kept pure so the rules are tested without a DOM.
 */
import type { MethodOptionInfo, TrainSettings } from '../../../core/api/contract';

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

// ---------------------------------------------------------------------------------------------
// Method options: one input string per option of the selected method (core/api MethodOptionInfo),
// checked with the rules the engine applies at startRun, so the message shows beside the field.

export type OptionDraft = Record<string, string>;
export type OptionValue = number | string | boolean | number[];

export function optionText(v: MethodOptionInfo['default']): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export function draftFromOptions(options: readonly MethodOptionInfo[]): OptionDraft {
  const d: OptionDraft = {};
  for (const o of options) d[o.key] = optionText(o.default);
  return d;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function validateOption(o: MethodOptionInfo, raw: string): { value: OptionValue | null; error: string | null } {
  const text = raw.trim();
  const bounds = (v: number): string | null => {
    if (o.integer && !Number.isInteger(v)) return 'Whole number';
    if (o.min !== undefined && v < o.min) return `At least ${o.min}`;
    if (o.max !== undefined && v > o.max) return `At most ${o.max}`;
    return null;
  };
  switch (o.kind) {
    case 'number': {
      if (!NUMBER_RE.test(text)) return { value: null, error: text === '' ? 'Required' : 'Not a number' };
      const v = Number(text);
      const e = bounds(v);
      return e ? { value: null, error: e } : { value: v, error: null };
    }
    case 'numbers': {
      const parts = text.split(/[\s,]+/).filter((p) => p !== '');
      if (parts.length === 0) return { value: null, error: 'At least one number' };
      const values: number[] = [];
      for (const p of parts) {
        if (!NUMBER_RE.test(p)) return { value: null, error: `${p} is not a number` };
        const e = bounds(Number(p));
        if (e) return { value: null, error: `${p}: ${e}` };
        values.push(Number(p));
      }
      return { value: values, error: null };
    }
    case 'bool':
      return text === 'true' || text === 'false' ? { value: text === 'true', error: null } : { value: null, error: 'true or false' };
    case 'enum':
      return (o.values ?? []).includes(text) ? { value: text, error: null } : { value: null, error: `One of ${(o.values ?? []).join(', ')}` };
  }
}

/**
 * The options that differ from their defaults (what a run records as methodOptions), and the
 * errors by option key. Unchanged options are left out so the run takes the engine's defaults.
 */
export function validateOptionDraft(options: readonly MethodOptionInfo[], d: OptionDraft): { values: Record<string, OptionValue> | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const values: Record<string, OptionValue> = {};
  for (const o of options) {
    const raw = d[o.key] ?? optionText(o.default);
    const r = validateOption(o, raw);
    if (r.error) errors[o.key] = r.error;
    else if (r.value !== null && optionText(r.value) !== optionText(o.default)) values[o.key] = r.value;
  }
  return { values: Object.keys(errors).length ? null : values, errors };
}
