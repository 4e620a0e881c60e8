/**
 * Keeps MODEL_SPEC_SCHEMA and the validator in agreement: example specs and field-level mutations
 * go through both. The schema checker below implements only the JSON Schema 2020-12 keywords the
 * generated schema uses, and fails loudly on any other keyword so it cannot silently pass.
 */
import { describe, expect, it } from 'vitest';
import { LAYER_FIELDS, MODEL_SPEC_SCHEMA, type JsonSchema, type JsonValue } from '../../../core/snn/modelSchema';
import { checkModelSpec } from '../../../core/snn/specValidate';
import { exampleSpecs, mlpSpec, convSpec, resnetSpec } from './specExamples';

const KNOWN = new Set([
  '$schema', '$id', 'title', 'description', '$defs', '$ref', 'type', 'const', 'enum', 'properties', 'required',
  'additionalProperties', 'items', 'prefixItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'pattern', 'oneOf', 'default',
]);

function resolve(ref: string): JsonSchema {
  const m = /^#\/\$defs\/(\w+)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  return (MODEL_SPEC_SCHEMA.$defs as Record<string, JsonSchema>)[m[1]];
}

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    default: throw new Error(`unsupported type ${t}`);
  }
}

/** True when `v` is valid against schema `s` (the subset above). */
function valid(s: JsonSchema | boolean, v: unknown): boolean {
  if (typeof s === 'boolean') return s;
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`schema checker does not know keyword ${k}`);
  if (s.$ref !== undefined && !valid(resolve(s.$ref as string), v)) return false;
  if (s.type !== undefined && !typeOk(s.type as string, v)) return false;
  if (s.const !== undefined && v !== s.const) return false;
  if (s.enum !== undefined && !(s.enum as JsonValue[]).includes(v as JsonValue)) return false;
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < (s.minimum as number)) return false;
    if (s.maximum !== undefined && v > (s.maximum as number)) return false;
    if (s.exclusiveMinimum !== undefined && v <= (s.exclusiveMinimum as number)) return false;
    if (s.exclusiveMaximum !== undefined && v >= (s.exclusiveMaximum as number)) return false;
  }
  if (typeof v === 'string' && s.pattern !== undefined && !new RegExp(s.pattern as string, 'u').test(v)) return false;
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < (s.minItems as number)) return false;
    if (s.maxItems !== undefined && v.length > (s.maxItems as number)) return false;
    const prefix = (s.prefixItems as JsonSchema[] | undefined) ?? [];
    for (let i = 0; i < v.length; i++) {
      const sub = i < prefix.length ? prefix[i] : (s.items as JsonSchema | boolean | undefined);
      if (sub !== undefined && !valid(sub, v[i])) return false;
    }
  }
  if (typeOk('object', v)) {
    const o = v as Record<string, unknown>;
    const props = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in o)) return false;
    for (const [k, val] of Object.entries(o)) {
      if (k in props) {
        if (!valid(props[k], val)) return false;
      } else if (s.additionalProperties === false) return false;
    }
  }
  if (s.oneOf !== undefined && (s.oneOf as JsonSchema[]).filter((sub) => valid(sub, v)).length !== 1) return false;
  return true;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
type Mut = (s: Record<string, unknown> & { layers: Record<string, unknown>[] }) => void;

/** Field-level mutations: both the schema and the validator must reject each. */
const invalid: Record<string, [object, Mut]> = {
  'negative kernel': [convSpec, (s) => { s.layers[0].kernel = -1; }],
  'kernel triple': [convSpec, (s) => { s.layers[0].kernel = [3, 3, 3]; }],
  'padding word': [convSpec, (s) => { s.layers[0].padding = 'valid'; }],
  'fractional filters': [convSpec, (s) => { s.layers[0].filters = 2.5; }],
  'unknown layer field': [mlpSpec, (s) => { s.layers[0].unitz = 3; }],
  'unknown layer type': [mlpSpec, (s) => { s.layers[0].type = 'lstm'; }],
  'missing units': [mlpSpec, (s) => { delete s.layers[0].units; }],
  'dropout rate 1': [mlpSpec, (s) => { s.layers[2].rate = 1; }],
  'beta above 1': [mlpSpec, (s) => { (s.layers[1].neuron as Record<string, unknown>).beta = 1.2; }],
  'unknown neuron model': [mlpSpec, (s) => { (s.layers[1].neuron as Record<string, unknown>).model = 'hh'; }],
  'surrogate without alpha': [mlpSpec, (s) => { (s.layers[1].neuron as Record<string, unknown>).surrogate = { kind: 'arctan' }; }],
  'synapse missing tauSyn': [mlpSpec, (s) => { (s.layers[1].neuron as Record<string, unknown>).synapse = { kind: 'exponential' }; }],
  'synapse extra field': [mlpSpec, (s) => { (s.layers[1].neuron as Record<string, unknown>).synapse = { kind: 'instant', tauSyn: 2 }; }],
  'refractory fraction': [mlpSpec, (s) => { (s.layers[1].neuron as Record<string, unknown>).refractory = 1.5; }],
  'bad format': [mlpSpec, (s) => { s.format = 'x'; }],
  'zero timesteps': [mlpSpec, (s) => { s.timesteps = 0; }],
  'rank-2 input': [mlpSpec, (s) => { s.input = [28, 28]; }],
  'encoder unknown': [mlpSpec, (s) => { s.encoder = { type: 'burst' }; }],
  'latency without mode': [mlpSpec, (s) => { s.encoder = { type: 'latency' }; }],
  'voting without classes': [mlpSpec, (s) => { s.decoder = { type: 'voting' }; }],
  'membrane reduce sum': [mlpSpec, (s) => { s.decoder = { type: 'membrane', reduce: 'sum' }; }],
  'empty residual': [resnetSpec, (s) => { s.layers[3].layers = []; }],
  'bad nested layer': [resnetSpec, (s) => { (s.layers[5].shortcut as Record<string, unknown>[])[0].stride = 0; }],
  'name with dot': [mlpSpec, (s) => { s.layers[0].name = 'fc.1'; }],
  'layers not an array': [mlpSpec, (s) => { (s as Record<string, unknown>).layers = {}; }],
};

/** Valid variations that exercise optional fields and alternatives. */
const variants: Record<string, [object, Mut]> = {
  'kernel pair and padding pair': [convSpec, (s) => { Object.assign(s.layers[0], { kernel: [5, 3], padding: [0, 1], stride: [1, 1] }); }],
  'alif with adaptation and synapse': [mlpSpec, (s) => { s.layers[1].neuron = { model: 'alif', beta: 0.95, adaptDecay: 0.9, adaptStrength: 1.8, synapse: { kind: 'alpha', tauSyn: 3 }, refractory: 2 }; }],
  'latency encoder, voting decoder': [mlpSpec, (s) => { s.encoder = { type: 'latency', mode: 'log', tau: 5, threshold: 0.01 }; s.decoder = { type: 'voting', classes: 5 }; }],
  'dct encoder and delay': [mlpSpec, (s) => { s.encoder = { type: 'dct', blocks: 4 }; s.layers.push({ type: 'delay', steps: 3 }); }],
};

describe('MODEL_SPEC_SCHEMA', () => {
  it('is a draft 2020-12 schema with one variant per layer type', () => {
    expect(MODEL_SPEC_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const layer = (MODEL_SPEC_SCHEMA.$defs as Record<string, JsonSchema>).layer;
    const types = (layer.oneOf as JsonSchema[]).map((v) => ((v.properties as Record<string, JsonSchema>).type as JsonSchema).const);
    expect(types).toEqual(Object.keys(LAYER_FIELDS));
    expect(JSON.parse(JSON.stringify(MODEL_SPEC_SCHEMA))).toEqual(MODEL_SPEC_SCHEMA);
  });

  it('gives every default it states as a value valid for its own property', () => {
    let seen = 0;
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      const o = node as JsonSchema;
      if (o.default !== undefined) {
        seen++;
        const { default: d, ...rest } = o;
        expect(valid(rest, d)).toBe(true);
      }
      Object.values(o).forEach(visit);
    };
    visit(MODEL_SPEC_SCHEMA);
    expect(seen).toBeGreaterThan(20);
  });

  it.each(Object.keys(exampleSpecs))('accepts the %s example like the validator does', (k) => {
    expect(valid(MODEL_SPEC_SCHEMA, exampleSpecs[k])).toBe(true);
    expect(checkModelSpec(clone(exampleSpecs[k])).ok).toBe(true);
  });

  it.each(Object.keys(variants))('accepts the valid variant "%s" in both', (k) => {
    const [base, mut] = variants[k];
    const s = clone(base) as Parameters<Mut>[0];
    mut(s);
    expect(valid(MODEL_SPEC_SCHEMA, s)).toBe(true);
    const r = checkModelSpec(s);
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it.each(Object.keys(invalid))('rejects "%s" in both', (k) => {
    const [base, mut] = invalid[k];
    const s = clone(base) as Parameters<Mut>[0];
    mut(s);
    expect(valid(MODEL_SPEC_SCHEMA, s)).toBe(false);
    expect(checkModelSpec(s).ok).toBe(false);
  });
});
