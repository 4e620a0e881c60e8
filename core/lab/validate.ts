/**
 * Shape checks for everything that arrives from a transport. Messages name the field and the value
 * received, so a user or a script author can fix the request without reading code.
 */
import { ApiError, type EventDataRef, type TrainRequest, type TrainSettings } from '../api/contract';
import type { ModelSpec } from '../snn/spec';
import { SpecError, validateModelSpec } from '../snn/specValidate';
import { isValidRunId } from './runStore';

const SETTING_KEYS: ReadonlyArray<keyof TrainSettings> = ['epochs', 'batchSize', 'learningRate', 'timesteps', 'seed', 'trainLimit', 'testLimit'];
const REQUEST_KEYS = ['preset', 'settings', 'name', 'data', 'method', 'methodOptions', 'model'];

function bad(message: string): ApiError {
  return new ApiError('BAD_REQUEST', message);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw bad(`${field} must be a positive integer, got ${show(v)}`);
  return v;
}

function limit(v: unknown, field: string): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw bad(`${field} must be a positive integer or null, got ${show(v)}`);
  return v;
}

/** Validates a partial settings object (request overrides) field by field. */
export function validateSettingsPatch(v: unknown, field = 'settings'): Partial<TrainSettings> {
  if (v === undefined) return {};
  if (!isPlainObject(v)) throw bad(`${field} must be an object, got ${show(v)}`);
  const out: Partial<TrainSettings> = {};
  for (const key of Object.keys(v)) {
    if (!(SETTING_KEYS as readonly string[]).includes(key)) throw bad(`${field}.${key} is not a known setting (expected one of ${SETTING_KEYS.join(', ')})`);
  }
  if (v.epochs !== undefined) out.epochs = positiveInt(v.epochs, `${field}.epochs`);
  if (v.batchSize !== undefined) out.batchSize = positiveInt(v.batchSize, `${field}.batchSize`);
  if (v.timesteps !== undefined) out.timesteps = positiveInt(v.timesteps, `${field}.timesteps`);
  if (v.learningRate !== undefined) {
    const lr = v.learningRate;
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw bad(`${field}.learningRate must be a positive finite number, got ${show(lr)}`);
    out.learningRate = lr;
  }
  if (v.seed !== undefined) {
    const s = v.seed;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 0xffffffff) throw bad(`${field}.seed must be an integer in [0, 4294967295], got ${show(s)}`);
    out.seed = s;
  }
  if (v.trainLimit !== undefined) out.trainLimit = limit(v.trainLimit, `${field}.trainLimit`);
  if (v.testLimit !== undefined) out.testLimit = limit(v.testLimit, `${field}.testLimit`);
  return out;
}

/** Full settings after merging a preset's defaults with overrides. */
export function validateSettings(v: unknown, field = 'settings'): TrainSettings {
  const patch = validateSettingsPatch(v, field);
  for (const key of SETTING_KEYS) {
    if (patch[key] === undefined) throw bad(`${field}.${key} is required`);
  }
  return patch as TrainSettings;
}

export function validateTrainRequest(v: unknown, field = 'request'): TrainRequest {
  if (!isPlainObject(v)) throw bad(`${field} must be an object with a preset name, got ${show(v)}`);
  for (const key of Object.keys(v)) {
    if (!REQUEST_KEYS.includes(key)) throw bad(`${field}.${key} is not a known field (expected ${REQUEST_KEYS.join(', ')})`);
  }
  if (typeof v.preset !== 'string' || v.preset.trim() === '') throw bad(`${field}.preset must be a non-empty string, got ${show(v.preset)}`);
  const out: TrainRequest = { preset: v.preset };
  if (v.settings !== undefined) out.settings = validateSettingsPatch(v.settings, `${field}.settings`);
  if (v.name !== undefined) {
    if (typeof v.name !== 'string' || v.name.length > 200) throw bad(`${field}.name must be a string of at most 200 characters, got ${show(v.name)}`);
    out.name = v.name;
  }
  if (v.data !== undefined) out.data = validateEventDataRef(v.data, `${field}.data`);
  if (v.method !== undefined) {
    if (typeof v.method !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(v.method)) throw bad(`${field}.method must be a method name such as "bptt" or "conversion", got ${show(v.method)}`);
    out.method = v.method;
  }
  if (v.methodOptions !== undefined) {
    if (!isPlainObject(v.methodOptions)) throw bad(`${field}.methodOptions must be an object of option values, got ${show(v.methodOptions)}`);
    out.methodOptions = { ...v.methodOptions };
  }
  if (v.model !== undefined) out.model = validateRequestModel(v.model, `${field}.model`);
  return out;
}

/** A builder model spec, validated, migrated and shape-checked; every spec issue is in the message. */
export function validateRequestModel(v: unknown, field = 'model'): ModelSpec {
  if (!isPlainObject(v)) throw bad(`${field} must be a model spec object, got ${show(v)}`);
  try {
    return validateModelSpec(v);
  } catch (err) {
    if (err instanceof SpecError) throw bad(`${field}: ${err.message}`);
    throw err;
  }
}

/** `{path, labels}` of an event dataset; existence is checked when the run loads it. */
export function validateEventDataRef(v: unknown, field = 'data'): EventDataRef {
  if (!isPlainObject(v)) throw bad(`${field} must be an object {path, labels}, got ${show(v)}`);
  for (const key of Object.keys(v)) if (key !== 'path' && key !== 'labels') throw bad(`${field}.${key} is not a known field (expected path, labels)`);
  if (typeof v.path !== 'string' || v.path.trim() === '') throw bad(`${field}.path must be a non-empty string, got ${show(v.path)}`);
  const labels = v.labels ?? null;
  if (labels !== null && (typeof labels !== 'string' || labels.trim() === '')) throw bad(`${field}.labels must be a non-empty string or null, got ${show(labels)}`);
  return { path: v.path, labels };
}

export function validateRunId(v: unknown, field = 'runId'): string {
  if (typeof v !== 'string' || !isValidRunId(v)) throw bad(`${field} must be a run id (letters, digits, '.', '_', '-'), got ${show(v)}`);
  return v;
}
