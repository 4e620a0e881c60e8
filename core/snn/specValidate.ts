/**
 * Turns an untrusted JSON value (a file, a pasted spec, an API payload) into a ModelSpec, or a
 * SpecError listing every problem with a path a user can follow, e.g.
 *   layers[3] (conv2d "conv2").kernel: expected a positive integer, got -1
 * Field rules come from the tables in modelSchema.ts (shared with the JSON Schema); this module adds
 * what a schema cannot say: version migration, cross-field rules, unique names and shape inference.
 */
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION } from './spec';
import type { DecoderSpec, LayerSpec, ModelSpec, NeuronSpec } from './spec';
import {
  DECODER_FIELDS,
  ENCODER_FIELDS,
  LAYER_FIELDS,
  LAYER_NAME_PATTERN,
  NEURON_FIELDS,
  TOP_LEVEL_FIELDS,
  type FieldRule,
  type FieldTable,
  type LayerType,
} from './modelSchema';
import { convOutSize, pair, resolveConvPadding } from './layers/conv2d';

export type SpecIssueCode =
  | 'SPEC_FORMAT'
  | 'SPEC_VERSION'
  | 'SPEC_REQUIRED'
  | 'SPEC_TYPE'
  | 'SPEC_RANGE'
  | 'SPEC_ENUM'
  | 'SPEC_UNKNOWN_FIELD'
  | 'SPEC_CONFLICT'
  | 'SPEC_DUPLICATE_NAME'
  | 'SPEC_SHAPE';

export interface SpecIssue {
  code: SpecIssueCode;
  /** Where, e.g. `layers[3] (conv2d "conv2").kernel`; `(root)` for the whole document. */
  path: string;
  /** What is wrong, without the path. */
  message: string;
}

/** SPEC_VERSION: unreadable version; SPEC_SHAPE: fields valid but shapes do not fit; else SPEC_INVALID. */
export type SpecErrorCode = 'SPEC_INVALID' | 'SPEC_SHAPE' | 'SPEC_VERSION';

export class SpecError extends Error {
  readonly code: SpecErrorCode;
  readonly issues: readonly SpecIssue[];
  constructor(issues: readonly SpecIssue[]) {
    const code: SpecErrorCode = issues.some((i) => i.code === 'SPEC_VERSION')
      ? 'SPEC_VERSION'
      : issues.every((i) => i.code === 'SPEC_SHAPE')
        ? 'SPEC_SHAPE'
        : 'SPEC_INVALID';
    const lines = issues.map(formatIssue);
    super(issues.length === 1 ? `Invalid model spec: ${lines[0]}` : `Invalid model spec (${issues.length} problems):\n  ${lines.join('\n  ')}`);
    this.name = 'SpecError';
    this.code = code;
    this.issues = issues;
  }
}

export function formatIssue(i: SpecIssue): string {
  return `${i.path}: ${i.message}`;
}

// ---------------------------------------------------------------------------------------------
// Migration

/** Rewrites a raw spec of version v into version v + 1. */
export type SpecMigration = (spec: Record<string, unknown>) => Record<string, unknown>;

/**
 * Keyed by the version a migration reads. Version 1 is the first published format, so none exist
 * yet; a change to the format adds `[1, (s) => ...]` here and bumps MODEL_SPEC_VERSION.
 */
export const SPEC_MIGRATIONS: ReadonlyMap<number, SpecMigration> = new Map();

/** Applies migrations from `raw.version` up to `toVersion`; issues for versions it cannot read. */
export function migrateSpec(
  raw: Record<string, unknown>,
  migrations: ReadonlyMap<number, SpecMigration> = SPEC_MIGRATIONS,
  toVersion: number = MODEL_SPEC_VERSION,
): { spec: Record<string, unknown> } | { issue: SpecIssue } {
  const v = raw.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return { issue: { code: 'SPEC_VERSION', path: 'version', message: `expected a positive integer, got ${describe(v)}` } };
  }
  if (v > toVersion) {
    return { issue: { code: 'SPEC_VERSION', path: 'version', message: `version ${v} is newer than this SpikeLab reads (${toVersion}); update SpikeLab` } };
  }
  let spec = raw;
  for (let cur = v; cur < toVersion; cur++) {
    const m = migrations.get(cur);
    if (!m) return { issue: { code: 'SPEC_VERSION', path: 'version', message: `no migration from version ${cur} to ${cur + 1}` } };
    spec = { ...m(spec), version: cur + 1 };
  }
  return { spec };
}

// ---------------------------------------------------------------------------------------------
// Field checks

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (Array.isArray(v)) return `an array [${v.slice(0, 4).map(describe).join(', ')}${v.length > 4 ? ', ...' : ''}]`;
  if (typeof v === 'object') return v === null ? 'null' : 'an object';
  return String(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Levenshtein distance, for "did you mean" on misspelt field names and types. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

function suggest(word: string, options: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const o of options) {
    const dd = editDistance(word, o);
    // Allow more edits for longer words; short words need a near match to avoid silly hints.
    if (dd <= Math.max(2, Math.floor(o.length / 2)) && dd < bestD) {
      bestD = dd;
      best = o;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function intPhrase(min: number | undefined, max: number | undefined): string {
  if (max !== undefined) return `an integer in [${min ?? '-inf'}, ${max}]`;
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  return min === undefined ? 'an integer' : `an integer >= ${min}`;
}

function numberPhrase(r: Extract<FieldRule, { kind: 'number' }>): string {
  const lo = r.exclusiveMin !== undefined ? `(${r.exclusiveMin}` : r.min !== undefined ? `[${r.min}` : null;
  const hi = r.exclusiveMax !== undefined ? `${r.exclusiveMax})` : r.max !== undefined ? `${r.max}]` : null;
  if (lo && hi) return `a number in ${lo}, ${hi}`;
  if (lo) return r.exclusiveMin !== undefined ? `a number > ${r.exclusiveMin}` : `a number >= ${r.min}`;
  if (hi) return r.exclusiveMax !== undefined ? `a number < ${r.exclusiveMax}` : `a number <= ${r.max}`;
  return 'a finite number';
}

class Checker {
  readonly issues: SpecIssue[] = [];
  /** Resolved layer name -> path of its first use. */
  private readonly names = new Map<string, string>();

  add(code: SpecIssueCode, path: string, message: string): void {
    this.issues.push({ code, path, message });
  }

  /** Checks known fields of `obj` against `table`; `skip` names keys handled by the caller. */
  table(obj: Record<string, unknown>, table: FieldTable, path: string, skip: readonly string[] = []): void {
    const known = Object.keys(table);
    for (const key of Object.keys(obj)) {
      if (skip.includes(key) || key in table) continue;
      this.add('SPEC_UNKNOWN_FIELD', `${path}.${key}`, `unknown field${suggest(key, known)}; allowed: ${known.join(', ') || 'none'}`);
    }
    for (const [key, def] of Object.entries(table)) {
      const v = obj[key];
      if (v === undefined) {
        if (def.required) this.add('SPEC_REQUIRED', `${path}.${key}`, 'required field is missing');
        continue;
      }
      this.rule(v, def.rule, `${path}.${key}`);
    }
  }

  rule(v: unknown, rule: FieldRule, path: string): void {
    switch (rule.kind) {
      case 'int':
        if (!isInt(v)) this.add('SPEC_TYPE', path, `expected ${intPhrase(rule.min, rule.max)}, got ${describe(v)}`);
        else if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max))
          this.add('SPEC_RANGE', path, `expected ${intPhrase(rule.min, rule.max)}, got ${v}`);
        return;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) this.add('SPEC_TYPE', path, `expected ${numberPhrase(rule)}, got ${describe(v)}`);
        else if (
          (rule.min !== undefined && v < rule.min) ||
          (rule.max !== undefined && v > rule.max) ||
          (rule.exclusiveMin !== undefined && v <= rule.exclusiveMin) ||
          (rule.exclusiveMax !== undefined && v >= rule.exclusiveMax)
        )
          this.add('SPEC_RANGE', path, `expected ${numberPhrase(rule)}, got ${v}`);
        return;
      case 'bool':
        if (typeof v !== 'boolean') this.add('SPEC_TYPE', path, `expected true or false, got ${describe(v)}`);
        return;
      case 'name':
        if (typeof v !== 'string' || !new RegExp(LAYER_NAME_PATTERN).test(v))
          this.add(typeof v === 'string' ? 'SPEC_RANGE' : 'SPEC_TYPE', path, `expected a name of letters, digits, '_' or '-' starting with a letter or '_', got ${describe(v)}`);
        return;
      case 'enum':
        if (typeof v !== 'string' || !rule.values.includes(v))
          this.add('SPEC_ENUM', path, `expected one of ${rule.values.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}${typeof v === 'string' ? suggest(v, rule.values) : ''}`);
        return;
      case 'intOrPair': {
        const ok = (x: unknown): boolean => isInt(x) && x >= rule.min;
        if (!(ok(v) || (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]))))
          this.add(isInt(v) ? 'SPEC_RANGE' : 'SPEC_TYPE', path, `expected ${intPhrase(rule.min, undefined)} or a pair [h, w] of them, got ${describe(v)}`);
        return;
      }
      case 'padding': {
        const ok = (x: unknown): boolean => isInt(x) && x >= 0;
        if (!(v === 'same' || ok(v) || (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]))))
          this.add(isInt(v) ? 'SPEC_RANGE' : 'SPEC_TYPE', path, `expected a non-negative integer, a pair [h, w] of them or "same", got ${describe(v)}`);
        return;
      }
      case 'object':
        if (!isRecord(v)) this.add('SPEC_TYPE', path, `expected an object, got ${describe(v)}`);
        else this.table(v, rule.fields, path);
        return;
      case 'tagged': {
        if (!isRecord(v)) {
          this.add('SPEC_TYPE', path, `expected an object with "${rule.tag}", got ${describe(v)}`);
          return;
        }
        const tag = v[rule.tag];
        const tags = Object.keys(rule.variants);
        if (typeof tag !== 'string' || !(tag in rule.variants)) {
          this.add('SPEC_ENUM', `${path}.${rule.tag}`, `expected one of ${tags.map((x) => `"${x}"`).join(', ')}, got ${describe(tag)}`);
          return;
        }
        this.table(v, rule.variants[tag], path, [rule.tag]);
        return;
      }
      case 'neuron':
        this.neuron(v, path);
        return;
      case 'layers':
        // Residual branches are handled by layers() with their name prefix; see residual below.
        return;
    }
  }

  neuron(v: unknown, path: string): void {
    if (!isRecord(v)) {
      this.add('SPEC_TYPE', path, `expected a neuron object, got ${describe(v)}`);
      return;
    }
    this.table(v, NEURON_FIELDS, path);
    const n = v as Partial<Record<keyof NeuronSpec, unknown>>;
    const model = n.model;
    if (model === 'if' && (n.beta !== undefined || n.tau !== undefined))
      this.add('SPEC_CONFLICT', path, `"${model}" has no leak; remove beta/tau`);
    if (model !== 'alif' && (n.adaptDecay !== undefined || n.adaptStrength !== undefined))
      this.add('SPEC_CONFLICT', path, `adaptDecay/adaptStrength apply only to model "alif", not ${describe(model)}`);
    // The builder reads tau only in form "tau" and beta only in form "decay" (the default), so a
    // value in the other form would be silently ignored.
    if (n.form === 'tau' && n.beta !== undefined) this.add('SPEC_CONFLICT', `${path}.beta`, 'beta applies to form "decay"; form "tau" uses tau');
    if (n.form !== 'tau' && n.tau !== undefined && model !== 'if')
      this.add('SPEC_CONFLICT', `${path}.tau`, `tau applies only to form "tau" (form is ${n.form === undefined ? 'the default "decay"' : describe(n.form)}); add "form": "tau" or give beta`);
    const th = typeof n.threshold === 'number' ? n.threshold : 1;
    if (typeof n.vReset === 'number' && n.vReset >= th && (n.reset ?? 'hard') === 'hard')
      this.add('SPEC_RANGE', `${path}.vReset`, `must be below the threshold ${th}, got ${n.vReset} (the neuron would fire every step)`);
  }

  /** Validates a list of layers; `prefix` is the resolved name of the enclosing block, if any. */
  layers(v: unknown, path: string, prefix: string, minItems: number): void {
    if (!Array.isArray(v)) {
      this.add('SPEC_TYPE', path, `expected an array of layers, got ${describe(v)}`);
      return;
    }
    if (v.length < minItems) this.add('SPEC_RANGE', path, `expected at least ${minItems} layer${minItems === 1 ? '' : 's'}, got none`);
    v.forEach((layer, i) => this.layer(layer, `${path}[${i}]`, prefix, i));
  }

  layer(v: unknown, path: string, prefix: string, index: number): void {
    if (!isRecord(v)) {
      this.add('SPEC_TYPE', path, `expected a layer object, got ${describe(v)}`);
      return;
    }
    const type = v.type;
    const types = Object.keys(LAYER_FIELDS);
    if (typeof type !== 'string' || !(type in LAYER_FIELDS)) {
      this.add('SPEC_ENUM', `${path}.type`, `unknown layer type ${describe(type)}${typeof type === 'string' ? suggest(type, types) : ''}; expected one of ${types.join(', ')}`);
      return;
    }
    const t = type as LayerType;
    const explicit = typeof v.name === 'string' ? v.name : undefined;
    const name = resolveLayerName(t, explicit, index, prefix);
    const label = `${path} (${t} "${name}")`;
    this.table(v, LAYER_FIELDS[t], label, ['type']);
    const prev = this.names.get(name);
    if (prev !== undefined) this.add('SPEC_DUPLICATE_NAME', `${label}.name`, `layer name "${name}" is already used by ${prev}`);
    else this.names.set(name, path);

    if (t === 'conv2d' && v.padding === 'same') {
      const k = v.kernel;
      const kk = isInt(k) ? [k, k] : Array.isArray(k) ? k : [];
      const s = v.stride ?? 1;
      if (!(s === 1 || (Array.isArray(s) && s[0] === 1 && s[1] === 1)))
        this.add('SPEC_CONFLICT', `${label}.padding`, `"same" needs stride 1, got ${describe(s)}`);
      if (kk.some((x) => isInt(x) && x % 2 === 0)) this.add('SPEC_CONFLICT', `${label}.padding`, `"same" needs an odd kernel, got ${describe(k)}`);
    }
    if (t === 'residual') {
      this.layers(v.layers, `${label}.layers`, name, 1);
      if (v.shortcut !== undefined) this.layers(v.shortcut, `${label}.shortcut`, `${name}.shortcut`, 0);
    }
  }

  union(v: unknown, tables: Record<string, FieldTable>, path: string, what: string): void {
    if (!isRecord(v)) {
      this.add('SPEC_TYPE', path, `expected an ${what} object, got ${describe(v)}`);
      return;
    }
    const types = Object.keys(tables);
    if (typeof v.type !== 'string' || !(v.type in tables)) {
      this.add('SPEC_ENUM', `${path}.type`, `unknown ${what} type ${describe(v.type)}${typeof v.type === 'string' ? suggest(v.type, types) : ''}; expected one of ${types.join(', ')}`);
      return;
    }
    this.table(v, tables[v.type], `${path} (${v.type})`, ['type']);
  }
}

/**
 * Default names are `<type><position>` within their list (1-based), nested blocks prefix their
 * children ("block1.conv2d1", "block1.shortcut.conv2d1") so parameter names are unique and stable.
 */
export function resolveLayerName(type: string, explicit: string | undefined, index: number, prefix: string): string {
  const own = explicit ?? `${type}${index + 1}`;
  return prefix ? `${prefix}.${own}` : own;
}

// ---------------------------------------------------------------------------------------------
// Shape inference

/**
 * binary: exactly 0/1 values (spikes; a kernel may use event-driven accumulation);
 * events: sparse non-negative events with non-unit values (spikes after dropout scaling);
 * analog: anything else (currents, pooled or normalised values, membrane readout).
 */
export type ValueKind = 'binary' | 'events' | 'analog';

export interface LayerShapeInfo {
  /** Path in the spec, e.g. `layers[2].layers[0]`. */
  path: string;
  /** Resolved unique name (see resolveLayerName). */
  name: string;
  type: LayerType;
  spec: LayerSpec;
  /** Nesting depth: 0 for top-level layers, 1 inside a residual block, ... */
  depth: number;
  inputShape: number[];
  outputShape: number[];
  inputKind: ValueKind;
  outputKind: ValueKind;
  /**
   * For binary/events input: the spiking layer (resolved name) or "encoder" whose spikes arrive
   * here through shape-only layers; null where that chain is broken (e.g. after a residual add).
   */
  eventSource: string | null;
}

export interface ShapeReport {
  layers: LayerShapeInfo[];
  output: number[];
  outputKind: ValueKind;
}

interface Flow {
  shape: number[];
  kind: ValueKind;
  source: string | null;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

class ShapeWalker {
  readonly infos: LayerShapeInfo[] = [];
  readonly issues: SpecIssue[] = [];

  constructor(private readonly timesteps: number) {}

  private fail(path: string, message: string): null {
    this.issues.push({ code: 'SPEC_SHAPE', path, message });
    return null;
  }

  /** Runs a layer list; null once a layer's input does not fit (later errors would only cascade). */
  list(layers: readonly LayerSpec[], input: Flow, path: string, prefix: string, depth: number): Flow | null {
    let flow: Flow | null = input;
    for (let i = 0; i < layers.length && flow; i++) flow = this.layer(layers[i], flow, `${path}[${i}]`, resolveLayerName(layers[i].type, layers[i].name, i, prefix), depth);
    return flow;
  }

  private layer(spec: LayerSpec, input: Flow, path: string, name: string, depth: number): Flow | null {
    const label = `${path} (${spec.type} "${name}")`;
    const info: LayerShapeInfo = {
      path,
      name,
      type: spec.type,
      spec,
      depth,
      inputShape: input.shape,
      outputShape: input.shape,
      inputKind: input.kind,
      outputKind: input.kind,
      eventSource: input.kind === 'analog' ? null : input.source,
    };
    this.infos.push(info);
    const out = this.outputOf(spec, input, label, name, depth, path);
    if (!out) return null;
    info.outputShape = out.shape;
    info.outputKind = out.kind;
    return out;
  }

  private outputOf(spec: LayerSpec, input: Flow, label: string, name: string, depth: number, path: string): Flow | null {
    const s = input.shape;
    const analog = (shape: number[]): Flow => ({ shape, kind: 'analog', source: null });
    switch (spec.type) {
      case 'dense':
        if (s.length !== 1) return this.fail(label, `dense expects a flat input [features], got ${fmt(s)}; add a flatten layer before it`);
        return analog([spec.units]);
      case 'conv2d': {
        if (s.length !== 3) return this.fail(label, `conv2d expects an input [channels, height, width], got ${fmt(s)}`);
        const groups = spec.groups ?? 1;
        if (s[0] % groups !== 0) return this.fail(`${label}.groups`, `groups ${groups} must divide the input channels ${s[0]}`);
        if (spec.filters % groups !== 0) return this.fail(`${label}.groups`, `groups ${groups} must divide filters ${spec.filters}`);
        const k = pair(spec.kernel, 1);
        const st = pair(spec.stride, 1);
        const p = resolveConvPadding(spec.padding, k);
        const oh = convOutSize(s[1], k[0], st[0], p[0]);
        const ow = convOutSize(s[2], k[1], st[1], p[1]);
        if (oh < 1 || ow < 1)
          return this.fail(`${label}.kernel`, `kernel ${k[0]}x${k[1]} with padding ${p[0]},${p[1]} does not fit the input ${s[1]}x${s[2]}`);
        return analog([spec.filters, oh, ow]);
      }
      case 'avgpool':
      case 'maxpool': {
        if (s.length !== 3) return this.fail(label, `${spec.type} expects an input [channels, height, width], got ${fmt(s)}`);
        const st = spec.stride ?? spec.size;
        const oh = convOutSize(s[1], spec.size, st, 0);
        const ow = convOutSize(s[2], spec.size, st, 0);
        if (oh < 1 || ow < 1) return this.fail(`${label}.size`, `window ${spec.size} does not fit the input ${s[1]}x${s[2]}`);
        const shape = [s[0], oh, ow];
        // Max of 0/1 spikes is their OR, still a spike; an average of spikes is graded.
        return spec.type === 'maxpool' ? { ...input, shape } : analog(shape);
      }
      case 'flatten':
        return { ...input, shape: [prod(s)] };
      case 'batchnorm':
      case 'tdbn':
      case 'relu':
        return analog([...s]);
      case 'dropout':
        return { ...input, kind: input.kind === 'binary' && spec.rate > 0 ? 'events' : input.kind };
      case 'delay':
        if (spec.steps >= this.timesteps) return this.fail(`${label}.steps`, `a delay of ${spec.steps} steps leaves nothing of ${this.timesteps} timesteps; use fewer than ${this.timesteps}`);
        return { ...input };
      case 'neuron':
        return spec.neuron.model === 'integrator' ? analog([...s]) : { shape: [...s], kind: 'binary', source: name };
      case 'residual': {
        const main = this.list(spec.layers, input, `${path}.layers`, name, depth + 1);
        const short = spec.shortcut && spec.shortcut.length > 0 ? this.list(spec.shortcut, input, `${path}.shortcut`, `${name}.shortcut`, depth + 1) : input;
        if (!main || !short) return null;
        if (fmt(main.shape) !== fmt(short.shape))
          return this.fail(label, `main branch output ${fmt(main.shape)} does not match the ${spec.shortcut?.length ? 'shortcut output' : 'block input (identity shortcut)'} ${fmt(short.shape)}; add a shortcut that maps one to the other`);
        // Adding two spike trains gives counts 0..2 (SEW-ResNet ADD, Fang et al., NeurIPS 2021).
        const kind: ValueKind = main.kind !== 'analog' && short.kind !== 'analog' ? 'events' : 'analog';
        return { shape: main.shape, kind, source: null };
      }
    }
  }
}

function checkDecoder(decoder: DecoderSpec, out: Flow, issues: SpecIssue[]): void {
  const path = `decoder (${decoder.type})`;
  if (out.shape.length !== 1) {
    issues.push({ code: 'SPEC_SHAPE', path, message: `expects a flat network output [outputs], got ${fmt(out.shape)}; end with flatten + dense` });
    return;
  }
  if (decoder.type === 'voting' && out.shape[0] % decoder.classes !== 0)
    issues.push({ code: 'SPEC_SHAPE', path: `${path}.classes`, message: `${out.shape[0]} output neurons cannot be split into ${decoder.classes} equal voting groups` });
}

/** The value kind an encoder emits: spikes for all but direct (analog current) encoding. */
export function encoderOutputKind(spec: ModelSpec): ValueKind {
  return spec.encoder.type === 'direct' ? 'analog' : 'binary';
}

function walk(spec: ModelSpec): { report: ShapeReport; issues: SpecIssue[] } {
  const w = new ShapeWalker(spec.timesteps);
  const kind = encoderOutputKind(spec);
  const input: Flow = { shape: [...spec.input], kind, source: kind === 'binary' ? 'encoder' : null };
  const out = w.list(spec.layers, input, 'layers', '', 0);
  const issues = [...w.issues];
  if (out) checkDecoder(spec.decoder, out, issues);
  return { report: { layers: w.infos, output: out ? out.shape : [], outputKind: out ? out.kind : 'analog' }, issues };
}

/**
 * Per-layer input/output shapes (execution order; residual blocks followed by their main-branch
 * then shortcut layers). Throws SpecError (SPEC_SHAPE) when shapes do not fit.
 */
export function inferShapes(spec: ModelSpec): ShapeReport {
  const { report, issues } = walk(spec);
  if (issues.length) throw new SpecError(issues);
  return report;
}

// ---------------------------------------------------------------------------------------------
// Entry points

export type SpecCheckResult = { ok: true; spec: ModelSpec; shapes: ShapeReport } | { ok: false; issues: SpecIssue[] };

/** Non-throwing validation for editors: every field issue, then shape issues once fields are valid. */
export function checkModelSpec(raw: unknown, migrations: ReadonlyMap<number, SpecMigration> = SPEC_MIGRATIONS): SpecCheckResult {
  if (!isRecord(raw)) return { ok: false, issues: [{ code: 'SPEC_TYPE', path: '(root)', message: `expected a model spec object, got ${describe(raw)}` }] };
  if (raw.format !== MODEL_SPEC_FORMAT)
    return { ok: false, issues: [{ code: 'SPEC_FORMAT', path: 'format', message: `expected "${MODEL_SPEC_FORMAT}", got ${describe(raw.format)}; is this a SpikeLab model file?` }] };
  const migrated = migrateSpec(raw, migrations);
  if ('issue' in migrated) return { ok: false, issues: [migrated.issue] };
  const doc = migrated.spec;

  const c = new Checker();
  c.table(doc, TOP_LEVEL_FIELDS, '(root)', ['input', 'encoder', 'layers', 'decoder']);
  const input = doc.input;
  if (input === undefined) c.add('SPEC_REQUIRED', 'input', 'required field is missing');
  else if (!Array.isArray(input) || (input.length !== 1 && input.length !== 3) || !input.every((d) => isInt(d) && d >= 1))
    c.add('SPEC_TYPE', 'input', `expected [features] or [channels, height, width] of positive integers, got ${describe(input)}`);
  if (doc.encoder === undefined) c.add('SPEC_REQUIRED', 'encoder', 'required field is missing');
  else c.union(doc.encoder, ENCODER_FIELDS, 'encoder', 'encoder');
  if (doc.decoder === undefined) c.add('SPEC_REQUIRED', 'decoder', 'required field is missing');
  else c.union(doc.decoder, DECODER_FIELDS, 'decoder', 'decoder');
  if (doc.layers === undefined) c.add('SPEC_REQUIRED', 'layers', 'required field is missing');
  else c.layers(doc.layers, 'layers', '', 1);
  // Top-level paths read better without the "(root)." prefix.
  const issues = c.issues.map((i) => ({ ...i, path: i.path.replace(/^\(root\)\./, '') }));
  if (issues.length) return { ok: false, issues };

  const spec = structuredClone(doc) as unknown as ModelSpec;
  const shaped = walk(spec);
  if (shaped.issues.length) return { ok: false, issues: shaped.issues };
  return { ok: true, spec, shapes: shaped.report };
}

/** Validates, migrates and shape-checks an untrusted value; throws SpecError with every issue. */
export function validateModelSpec(raw: unknown, migrations: ReadonlyMap<number, SpecMigration> = SPEC_MIGRATIONS): ModelSpec {
  const r = checkModelSpec(raw, migrations);
  if (!r.ok) throw new SpecError(r.issues);
  return r.spec;
}
