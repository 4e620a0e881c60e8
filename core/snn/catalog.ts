/**
 * The model builder's palette: every layer type, neuron model, surrogate, synapse kind, encoder and
 * decoder of the spec format, with its fields (kind, default, range, unit, one-line doc) and a
 * complete template object to insert. Field rules come from the tables in modelSchema.ts (the same
 * ones the validator checks), so the palette cannot offer a field the validator rejects; this module
 * adds only what a rule table does not know: titles, groups, which neuron fields apply to which
 * model, and values a new layer starts with.
 */
import type { CatalogEntry, CatalogField, LayerCatalog } from '../api/contractModels';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type DecoderSpec, type EncoderSpec, type LayerSpec, type NeuronSpec } from './spec';
import type { SurrogateKind } from './kernels/types';
import { DECODER_FIELDS, ENCODER_FIELDS, LAYER_FIELDS, NEURON_FIELDS, SURROGATE_FIELDS, type FieldDef, type FieldTable } from './modelSchema';
import { DEFAULT_SURROGATE_ALPHA, SURROGATE_KINDS } from './surrogates';

type Described = { title: string; doc: string };
type LayerType = LayerSpec['type'];
type NeuronModel = NeuronSpec['model'];
type SynapseKind = NonNullable<NeuronSpec['synapse']>['kind'];

// Records keyed by the spec's own unions: adding a type to spec.ts fails to compile until it has an entry here.
const LAYER_INFO: Record<LayerType, Described & { group: CatalogEntry['group'] }> = {
  dense: { group: 'synaptic', title: 'Dense', doc: 'Fully connected synapses: every input feeds every output unit.' },
  conv2d: { group: 'synaptic', title: 'Conv 2D', doc: 'Convolutional synapses over [channels, height, width] maps.' },
  neuron: { group: 'neuron', title: 'Spiking neurons', doc: 'A population of neurons (IF, LIF, PLIF, ALIF or integrator readout) turning currents into spikes.' },
  avgpool: { group: 'structure', title: 'Average pool', doc: 'Averages square windows; spikes become graded values.' },
  maxpool: { group: 'structure', title: 'Max pool', doc: 'Maximum over square windows; on spikes an OR, so the output stays binary.' },
  flatten: { group: 'structure', title: 'Flatten', doc: 'Reshapes [C, H, W] to a flat [C*H*W] vector for dense layers.' },
  residual: { group: 'structure', title: 'Residual block', doc: 'Main branch plus a shortcut (identity or its own layers), added element-wise (SEW-ResNet ADD).' },
  delay: { group: 'structure', title: 'Delay', doc: 'Shifts the signal later by a fixed number of time steps.' },
  relu: { group: 'structure', title: 'ReLU', doc: 'ANN-side rectifier, for networks trained as ANNs and converted to SNNs.' },
  batchnorm: { group: 'regularise', title: 'Batch norm', doc: 'Per-channel batch normalisation with learnable scale and shift.' },
  tdbn: { group: 'regularise', title: 'tdBN', doc: 'Threshold-dependent batch norm over time and batch (Zheng et al., AAAI 2021).' },
  dropout: { group: 'regularise', title: 'Dropout', doc: 'Drops units with one mask per sample held over all time steps.' },
};

const NEURON_INFO: Record<NeuronModel, Described & { fields: readonly (keyof NeuronSpec)[] }> = {
  if: {
    title: 'IF',
    doc: 'Integrate-and-fire: V = V + I, no leak; spikes at the threshold.',
    fields: ['threshold', 'learnThreshold', 'reset', 'vReset', 'refractory', 'detachReset', 'surrogate', 'synapse'],
  },
  lif: {
    title: 'LIF',
    doc: 'Leaky integrate-and-fire: V = beta V + I (or the tau form).',
    fields: ['form', 'beta', 'tau', 'threshold', 'learnThreshold', 'reset', 'vReset', 'refractory', 'detachReset', 'surrogate', 'synapse'],
  },
  plif: {
    title: 'PLIF',
    doc: 'LIF with a learnable, layer-shared time constant (Fang et al., ICCV 2021).',
    fields: ['form', 'beta', 'tau', 'threshold', 'learnThreshold', 'reset', 'vReset', 'refractory', 'detachReset', 'surrogate', 'synapse'],
  },
  alif: {
    title: 'ALIF',
    doc: 'Adaptive LIF: each spike raises the threshold, which decays back (Bellec et al., NeurIPS 2018).',
    fields: ['form', 'beta', 'tau', 'threshold', 'learnThreshold', 'reset', 'vReset', 'refractory', 'detachReset', 'surrogate', 'adaptDecay', 'adaptStrength', 'synapse'],
  },
  integrator: {
    title: 'Integrator',
    doc: 'Non-spiking readout that accumulates its input into the membrane (no leak unless beta is set).',
    fields: ['form', 'beta', 'tau', 'vReset', 'synapse'],
  },
};

const SURROGATE_INFO: Record<SurrogateKind, Described> = {
  arctan: { title: 'Arctan', doc: "g'(x) = (alpha/2) / (1 + (pi/2 alpha x)^2) (Fang et al., ICCV 2021)." },
  sigmoid: { title: 'Sigmoid', doc: "g'(x) = alpha s(alpha x)(1 - s(alpha x)), s the logistic function." },
  fastSigmoid: { title: 'Fast sigmoid', doc: "g'(x) = 1 / (1 + alpha |x|)^2 (Zenke & Ganguli, 2018; snnTorch default)." },
  triangle: { title: 'Triangle', doc: "Piecewise-linear peak of half-width 1/alpha around the threshold." },
  rectangle: { title: 'Rectangle', doc: "Constant gradient in a window of width 1/alpha around the threshold (Wu et al., 2018)." },
};

const SYNAPSE_INFO: Record<SynapseKind, Described> = {
  instant: { title: 'Instant', doc: 'The input current reaches the membrane in the same step.' },
  exponential: { title: 'Exponential', doc: 'First-order filtered current: I decays with tauSyn.' },
  alpha: { title: 'Alpha', doc: 'Second-order (alpha-function) current with time constant tauSyn.' },
};

const ENCODER_INFO: Record<EncoderSpec['type'], Described> = {
  poisson: { title: 'Poisson', doc: 'Bernoulli spikes each step with probability gain x intensity.' },
  rate: { title: 'Rate (deterministic)', doc: 'Evenly spaced spikes at a rate proportional to the intensity.' },
  latency: { title: 'Latency', doc: 'One spike per input; brighter inputs spike earlier (time-to-first-spike).' },
  dct: { title: 'DCT', doc: 'Block DCT coefficients presented one frequency band per step.' },
  direct: { title: 'Direct', doc: 'The analog input is applied as a current every step (first layer does MACs).' },
};

const DECODER_INFO: Record<DecoderSpec['type'], Described> = {
  spikeCount: { title: 'Spike count', doc: 'Class scores are the output spike counts over T.' },
  rate: { title: 'Rate', doc: 'Class scores are the output firing rates (counts / T).' },
  membrane: { title: 'Membrane', doc: 'Class scores from the output membrane (last, max or mean over T).' },
  firstSpike: { title: 'First spike', doc: 'The earliest-spiking output neuron wins (time-to-first-spike).' },
  voting: { title: 'Population voting', doc: 'Output neurons split into equal groups, one per class; the group spike count votes.' },
};

/** Values a newly inserted layer starts with where the field is required (the schema has no default for them). */
const REQUIRED_STARTS: Partial<Record<LayerType, Record<string, unknown>>> = {
  dense: { units: 128 },
  conv2d: { filters: 16, kernel: 3 },
  avgpool: { size: 2 },
  maxpool: { size: 2 },
  dropout: { rate: 0.2 },
  delay: { steps: 1 },
  neuron: { neuron: { model: 'lif' } },
  // Shape-preserving for any input, so a new identity block is valid wherever it lands.
  residual: { layers: [{ type: 'batchnorm' }, { type: 'neuron', neuron: { model: 'lif' } }] },
};

function fieldOf(key: string, def: FieldDef, start?: unknown): CatalogField {
  const r = def.rule;
  const base: CatalogField = { key, kind: 'number', optional: !def.required, doc: def.doc };
  if (def.unit) base.unit = def.unit;
  if (start !== undefined) base.default = start;
  if (def.default !== undefined) base.defaultText = String(def.default);
  switch (r.kind) {
    case 'int':
      return { ...base, kind: 'integer', ...(r.min !== undefined ? { min: r.min } : {}), ...(r.max !== undefined ? { max: r.max } : {}) };
    case 'number':
      return {
        ...base,
        kind: 'number',
        ...(r.min !== undefined ? { min: r.min } : {}),
        ...(r.max !== undefined ? { max: r.max } : {}),
        ...(r.exclusiveMin !== undefined ? { exclusiveMin: r.exclusiveMin } : {}),
        ...(r.exclusiveMax !== undefined ? { exclusiveMax: r.exclusiveMax } : {}),
      };
    case 'bool':
      return { ...base, kind: 'bool' };
    case 'name':
      return { ...base, kind: 'string' };
    case 'enum':
      return { ...base, kind: 'enum', values: r.values };
    case 'intOrPair':
      return { ...base, kind: 'pair', min: r.min };
    case 'padding':
      return { ...base, kind: 'pair', min: 0, values: ['same'] };
    case 'object':
    case 'tagged':
    case 'neuron':
      return { ...base, kind: 'object' };
    case 'layers':
      return { ...base, kind: 'layers', min: r.minItems };
  }
}

function fieldsOf(table: FieldTable, starts: Record<string, unknown> = {}, only?: readonly string[]): CatalogField[] {
  const keys = only ?? Object.keys(table);
  return keys.map((k) => fieldOf(k, table[k], starts[k]));
}

function templateOf(tag: Record<string, unknown>, fields: readonly CatalogField[]): Record<string, unknown> {
  const t: Record<string, unknown> = { ...tag };
  for (const f of fields) if (f.default !== undefined) t[f.key] = structuredClone(f.default);
  return t;
}

function layerEntries(): CatalogEntry[] {
  return (Object.keys(LAYER_INFO) as LayerType[]).map((type) => {
    const info = LAYER_INFO[type];
    const fields = fieldsOf(LAYER_FIELDS[type], REQUIRED_STARTS[type]);
    return { id: type, title: info.title, group: info.group, doc: info.doc, fields, template: templateOf({ type }, fields) };
  });
}

function neuronEntries(): CatalogEntry[] {
  return (Object.keys(NEURON_INFO) as NeuronModel[]).map((model) => {
    const info = NEURON_INFO[model];
    const fields = fieldsOf(NEURON_FIELDS, {}, info.fields);
    return { id: model, title: info.title, group: 'neuron', doc: info.doc, fields, template: { model } };
  });
}

function surrogateEntries(): CatalogEntry[] {
  return SURROGATE_KINDS.map((kind) => {
    const fields = fieldsOf(SURROGATE_FIELDS, { alpha: DEFAULT_SURROGATE_ALPHA[kind] }, ['alpha']);
    return { id: kind, title: SURROGATE_INFO[kind].title, group: 'surrogate', doc: SURROGATE_INFO[kind].doc, fields, template: templateOf({ kind }, fields) };
  });
}

function synapseEntries(): CatalogEntry[] {
  const rule = NEURON_FIELDS.synapse.rule;
  if (rule.kind !== 'tagged') throw new Error('catalog: neuron synapse is expected to be a tagged union');
  return (Object.keys(SYNAPSE_INFO) as SynapseKind[]).map((kind) => {
    const fields = fieldsOf(rule.variants[kind], { tauSyn: 5 });
    return { id: kind, title: SYNAPSE_INFO[kind].title, group: 'synapse', doc: SYNAPSE_INFO[kind].doc, fields, template: templateOf({ kind }, fields) };
  });
}

/** Required enum fields start at their first value (latency mode "linear"); voting starts at 10 classes. */
function unionEntries(tables: Record<string, FieldTable>, info: Record<string, Described>, group: 'encoder' | 'decoder'): CatalogEntry[] {
  return Object.keys(info).map((type) => {
    const table = tables[type];
    const starts: Record<string, unknown> = {};
    for (const [k, def] of Object.entries(table)) {
      if (!def.required) continue;
      if (def.rule.kind === 'enum') starts[k] = def.rule.values[0];
      else if (def.rule.kind === 'int') starts[k] = k === 'classes' ? 10 : (def.rule.min ?? 1);
    }
    const fields = fieldsOf(table, starts);
    return { id: type, title: info[type].title, group, doc: info[type].doc, fields, template: templateOf({ type }, fields) };
  });
}

let cached: LayerCatalog | null = null;

/** The palette; built once (it depends only on the rule tables). Callers get a fresh copy to mutate. */
export function layerCatalog(): LayerCatalog {
  cached ??= {
    specFormat: MODEL_SPEC_FORMAT,
    specVersion: MODEL_SPEC_VERSION,
    layers: layerEntries(),
    neurons: neuronEntries(),
    surrogates: surrogateEntries(),
    synapses: synapseEntries(),
    encoders: unionEntries(ENCODER_FIELDS, ENCODER_INFO, 'encoder'),
    decoders: unionEntries(DECODER_FIELDS, DECODER_INFO, 'decoder'),
  };
  return structuredClone(cached);
}
