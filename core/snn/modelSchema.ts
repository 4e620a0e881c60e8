/**
 * One declarative description of every model-spec field (type, range, default, unit, meaning).
 * The validator (specValidate.ts) checks against these tables and the JSON Schema (draft 2020-12)
 * for the UI and docs is generated from them, so the two cannot drift apart field by field; a test
 * also runs example specs through both. Cross-field rules (e.g. `adaptDecay` only for ALIF) and
 * shape arithmetic are beyond JSON Schema and live only in the validator.
 */
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION } from './spec';
import type { DecoderSpec, EncoderSpec, LayerSpec } from './spec';
import { SURROGATE_KINDS } from './surrogates';

export type FieldRule =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: number; exclusiveMax?: number }
  | { kind: 'bool' }
  | { kind: 'name' }
  | { kind: 'enum'; values: readonly string[] }
  /** A positive integer or a pair [h, w] of them. */
  | { kind: 'intOrPair'; min: number }
  /** A non-negative integer, a pair of them, or 'same'. */
  | { kind: 'padding' }
  | { kind: 'object'; fields: FieldTable }
  /** Tagged union on `kind` (neuron synapse). */
  | { kind: 'tagged'; tag: string; variants: Record<string, FieldTable> }
  | { kind: 'neuron' }
  | { kind: 'layers'; minItems: number };

export interface FieldDef {
  rule: FieldRule;
  required?: boolean;
  /** Human default as shown in docs/UI; the builder applies it. */
  default?: string | number | boolean;
  unit?: string;
  doc: string;
}

export type FieldTable = Record<string, FieldDef>;

/** Layer names become parameter-name prefixes ("conv1.weight"), so no dots or spaces. */
export const LAYER_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';

const nameField: FieldDef = { rule: { kind: 'name' }, doc: 'Unique layer name; default <type><position>, e.g. conv2d1.' };
const biasField: FieldDef = { rule: { kind: 'bool' }, default: true, doc: 'Learnable per-output bias.' };
const momentumField: FieldDef = { rule: { kind: 'number', min: 0, max: 1 }, default: 0.1, doc: 'Running-statistics update weight: r = (1 - m) r + m * batchStat.' };
const epsField: FieldDef = { rule: { kind: 'number', exclusiveMin: 0 }, default: 1e-5, doc: 'Added to the variance before the square root.' };

export const SURROGATE_FIELDS: FieldTable = {
  kind: { rule: { kind: 'enum', values: SURROGATE_KINDS }, required: true, doc: 'Surrogate derivative used in backward.' },
  alpha: { rule: { kind: 'number', exclusiveMin: 0 }, required: true, doc: 'Sharpness; larger is narrower. Per-kind defaults: arctan 2, sigmoid 4, fastSigmoid 25, triangle 1, rectangle 1.' },
};

export const NEURON_FIELDS: FieldTable = {
  model: { rule: { kind: 'enum', values: ['if', 'lif', 'plif', 'alif', 'integrator'] }, required: true, doc: 'Neuron model; integrator is non-spiking (readout membrane).' },
  form: { rule: { kind: 'enum', values: ['decay', 'tau'] }, default: 'decay', doc: "LIF equation: 'decay' V = beta V + I; 'tau' V += (I - (V - vReset)) / tau." },
  beta: { rule: { kind: 'number', min: 0, max: 1 }, default: 0.9, doc: 'Membrane decay per step (decay form).' },
  tau: { rule: { kind: 'number', min: 1 }, default: 2, unit: 'steps', doc: 'Membrane time constant (tau form; initial value for plif).' },
  threshold: { rule: { kind: 'number', exclusiveMin: 0 }, default: 1, doc: 'Firing threshold Vth.' },
  learnThreshold: { rule: { kind: 'bool' }, default: false, doc: 'Learn a layer-shared threshold.' },
  reset: { rule: { kind: 'enum', values: ['hard', 'soft', 'none'] }, default: 'hard', doc: "hard: V = vReset after a spike; soft: V -= Vth; none: no reset." },
  vReset: { rule: { kind: 'number' }, default: 0, doc: 'Reset (and resting) potential.' },
  refractory: { rule: { kind: 'int', min: 0 }, default: 0, unit: 'steps', doc: 'Steps after a spike during which input is ignored.' },
  detachReset: { rule: { kind: 'bool' }, default: false, doc: 'Treat the reset as constant in backward (SpikingJelly detach_reset).' },
  surrogate: { rule: { kind: 'object', fields: SURROGATE_FIELDS }, default: 'arctan, alpha 2', doc: 'Surrogate gradient.' },
  adaptDecay: { rule: { kind: 'number', min: 0, max: 1 }, default: 0.95, doc: 'ALIF only: threshold-adaptation decay rho per step.' },
  adaptStrength: { rule: { kind: 'number', min: 0 }, default: 1.8, doc: 'ALIF only: threshold increment per spike.' },
  synapse: {
    rule: {
      kind: 'tagged',
      tag: 'kind',
      variants: {
        instant: {},
        exponential: { tauSyn: { rule: { kind: 'number', min: 1 }, required: true, unit: 'steps', doc: 'Synaptic current time constant.' } },
        alpha: { tauSyn: { rule: { kind: 'number', min: 1 }, required: true, unit: 'steps', doc: 'Alpha-synapse time constant.' } },
      },
    },
    default: 'instant',
    doc: 'Synapse dynamics in front of the membrane.',
  },
};

export type LayerType = LayerSpec['type'];
export type EncoderType = EncoderSpec['type'];
export type DecoderType = DecoderSpec['type'];

export const LAYER_FIELDS: Record<LayerType, FieldTable> = {
  dense: {
    name: nameField,
    units: { rule: { kind: 'int', min: 1 }, required: true, doc: 'Output features.' },
    bias: biasField,
  },
  conv2d: {
    name: nameField,
    filters: { rule: { kind: 'int', min: 1 }, required: true, doc: 'Output channels.' },
    kernel: { rule: { kind: 'intOrPair', min: 1 }, required: true, unit: 'pixels', doc: 'Kernel size k or [kH, kW].' },
    stride: { rule: { kind: 'intOrPair', min: 1 }, default: 1, unit: 'pixels', doc: 'Stride s or [sH, sW].' },
    padding: { rule: { kind: 'padding' }, default: 0, unit: 'pixels', doc: "Zero padding per side, [pH, pW], or 'same' (stride 1, odd kernel)." },
    groups: { rule: { kind: 'int', min: 1 }, default: 1, doc: 'Grouped convolution; must divide input channels and filters.' },
    bias: biasField,
  },
  avgpool: {
    name: nameField,
    size: { rule: { kind: 'int', min: 1 }, required: true, unit: 'pixels', doc: 'Square window size.' },
    stride: { rule: { kind: 'int', min: 1 }, default: 'size', unit: 'pixels', doc: 'Window stride.' },
  },
  maxpool: {
    name: nameField,
    size: { rule: { kind: 'int', min: 1 }, required: true, unit: 'pixels', doc: 'Square window size.' },
    stride: { rule: { kind: 'int', min: 1 }, default: 'size', unit: 'pixels', doc: 'Window stride.' },
  },
  flatten: { name: nameField },
  relu: { name: nameField },
  batchnorm: { name: nameField, momentum: momentumField, eps: epsField },
  tdbn: {
    name: nameField,
    alpha: { rule: { kind: 'number', exclusiveMin: 0 }, default: 1, doc: 'tdBN alpha: outputs are normalised to std alpha * threshold.' },
    threshold: { rule: { kind: 'number', exclusiveMin: 0 }, default: 1, doc: 'Vth of the following neuron layer.' },
    momentum: momentumField,
    eps: epsField,
  },
  dropout: {
    name: nameField,
    rate: { rule: { kind: 'number', min: 0, exclusiveMax: 1 }, required: true, doc: 'Drop probability; one mask per sample held over all time steps.' },
  },
  delay: {
    name: nameField,
    steps: { rule: { kind: 'int', min: 0 }, required: true, unit: 'steps', doc: 'Shift later in time; must be below timesteps.' },
  },
  neuron: {
    name: nameField,
    neuron: { rule: { kind: 'neuron' }, required: true, doc: 'Neuron dynamics.' },
  },
  residual: {
    name: nameField,
    layers: { rule: { kind: 'layers', minItems: 1 }, required: true, doc: 'Main branch; its output is added to the shortcut output.' },
    shortcut: { rule: { kind: 'layers', minItems: 0 }, default: 'identity', doc: 'Shortcut branch (e.g. a 1x1 conv); identity when absent or empty.' },
  },
};

export const ENCODER_FIELDS: Record<EncoderType, FieldTable> = {
  poisson: { gain: { rule: { kind: 'number', exclusiveMin: 0 }, default: 1, doc: 'Spike probability per step = clamp(gain * intensity, 0, 1).' } },
  rate: {},
  latency: {
    mode: { rule: { kind: 'enum', values: ['linear', 'log'] }, required: true, doc: 'Intensity-to-time mapping.' },
    tau: { rule: { kind: 'number', exclusiveMin: 0 }, default: 5, unit: 'steps', doc: 'Time constant of the log (RC) mapping.' },
    threshold: { rule: { kind: 'number', min: 0, exclusiveMax: 1 }, default: 0.01, doc: 'Intensities below it never spike.' },
  },
  dct: { blocks: { rule: { kind: 'int', min: 1 }, default: 8, unit: 'pixels', doc: 'DCT block size.' } },
  direct: {},
};

export const DECODER_FIELDS: Record<DecoderType, FieldTable> = {
  spikeCount: {},
  rate: {},
  membrane: { reduce: { rule: { kind: 'enum', values: ['last', 'max', 'mean'] }, default: 'mean', doc: 'How the output membrane is reduced over time.' } },
  firstSpike: {},
  voting: { classes: { rule: { kind: 'int', min: 1 }, required: true, doc: 'Classes; output neurons are split into equal voting groups.' } },
};

export const TOP_LEVEL_FIELDS: FieldTable = {
  format: { rule: { kind: 'enum', values: [MODEL_SPEC_FORMAT] }, required: true, doc: `Always "${MODEL_SPEC_FORMAT}".` },
  version: { rule: { kind: 'int', min: 1 }, required: true, doc: `Spec version; this build reads up to ${MODEL_SPEC_VERSION}.` },
  name: { rule: { kind: 'name' }, required: true, doc: 'Model name.' },
  timesteps: { rule: { kind: 'int', min: 1, max: 100000 }, required: true, unit: 'steps', doc: 'Simulation steps T per sample.' },
};

// ---------------------------------------------------------------------------------------------
// JSON Schema generation

export type JsonSchema = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function ruleSchema(rule: FieldRule): JsonSchema {
  switch (rule.kind) {
    case 'int': {
      const s: JsonSchema = { type: 'integer' };
      if (rule.min !== undefined) s.minimum = rule.min;
      if (rule.max !== undefined) s.maximum = rule.max;
      return s;
    }
    case 'number': {
      const s: JsonSchema = { type: 'number' };
      if (rule.min !== undefined) s.minimum = rule.min;
      if (rule.max !== undefined) s.maximum = rule.max;
      if (rule.exclusiveMin !== undefined) s.exclusiveMinimum = rule.exclusiveMin;
      if (rule.exclusiveMax !== undefined) s.exclusiveMaximum = rule.exclusiveMax;
      return s;
    }
    case 'bool':
      return { type: 'boolean' };
    case 'name':
      return { type: 'string', pattern: LAYER_NAME_PATTERN };
    case 'enum':
      return rule.values.length === 1 ? { const: rule.values[0] } : { enum: [...rule.values] };
    case 'intOrPair': {
      const item: JsonSchema = { type: 'integer', minimum: rule.min };
      return { oneOf: [item, { type: 'array', prefixItems: [item, item], items: false, minItems: 2 }] };
    }
    case 'padding': {
      const item: JsonSchema = { type: 'integer', minimum: 0 };
      return { oneOf: [item, { type: 'array', prefixItems: [item, item], items: false, minItems: 2 }, { const: 'same' }] };
    }
    case 'object':
      return tableSchema(rule.fields);
    case 'tagged':
      return {
        oneOf: Object.entries(rule.variants).map(([tag, fields]) => tableSchema(fields, { [rule.tag]: tag })),
      };
    case 'neuron':
      return { $ref: '#/$defs/neuron' };
    case 'layers':
      return { type: 'array', minItems: rule.minItems, items: { $ref: '#/$defs/layer' } };
  }
}

/** A default is emitted only where it is itself a valid value ("size", "identity" are prose). */
function schemaDefault(def: FieldDef): string | number | boolean | undefined {
  const d = def.default;
  switch (def.rule.kind) {
    case 'int':
    case 'number':
    case 'intOrPair':
    case 'padding':
      return typeof d === 'number' ? d : undefined;
    case 'bool':
      return typeof d === 'boolean' ? d : undefined;
    case 'enum':
      return typeof d === 'string' && def.rule.values.includes(d) ? d : undefined;
    default:
      return undefined;
  }
}

function tableSchema(fields: FieldTable, discriminator?: Record<string, string>): JsonSchema {
  const properties: { [key: string]: JsonValue } = {};
  const required: string[] = [];
  if (discriminator) {
    for (const [k, v] of Object.entries(discriminator)) {
      properties[k] = { const: v };
      required.push(k);
    }
  }
  for (const [k, def] of Object.entries(fields)) {
    const prop: JsonSchema = { ...ruleSchema(def.rule), description: def.unit ? `${def.doc} Unit: ${def.unit}.` : def.doc };
    const dflt = schemaDefault(def);
    if (dflt !== undefined) prop.default = dflt;
    properties[k] = prop;
    if (def.required) required.push(k);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function unionSchema(tables: Record<string, FieldTable>, tag: string): JsonSchema {
  return { oneOf: Object.entries(tables).map(([t, fields]) => tableSchema(fields, { [tag]: t })) };
}

function buildSchema(): JsonSchema {
  const top = tableSchema(TOP_LEVEL_FIELDS) as { properties: { [key: string]: JsonValue }; required: string[] };
  const dim: JsonSchema = { type: 'integer', minimum: 1 };
  top.properties.input = {
    description: 'Per-sample input shape: [features] or [channels, height, width].',
    oneOf: [
      { type: 'array', items: dim, minItems: 1, maxItems: 1 },
      { type: 'array', items: dim, minItems: 3, maxItems: 3 },
    ],
  };
  top.properties.encoder = { $ref: '#/$defs/encoder' };
  top.properties.layers = { type: 'array', minItems: 1, items: { $ref: '#/$defs/layer' } };
  top.properties.decoder = { $ref: '#/$defs/decoder' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://spikelab.dev/schema/model-spec.json',
    title: 'SpikeLab model spec',
    description: `Model spec format "${MODEL_SPEC_FORMAT}" version ${MODEL_SPEC_VERSION}. Shapes and cross-field rules are checked by specValidate.ts.`,
    ...top,
    required: [...top.required, 'input', 'encoder', 'layers', 'decoder'],
    $defs: {
      layer: unionSchema(LAYER_FIELDS, 'type'),
      neuron: tableSchema(NEURON_FIELDS),
      encoder: unionSchema(ENCODER_FIELDS, 'type'),
      decoder: unionSchema(DECODER_FIELDS, 'type'),
    },
  };
}

/** JSON Schema (draft 2020-12) of a model spec, for editors, the UI and docs. */
export const MODEL_SPEC_SCHEMA: JsonSchema = buildSchema();
