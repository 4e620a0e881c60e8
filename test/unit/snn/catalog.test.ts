import { describe, expect, it } from 'vitest';
import { layerCatalog } from '../../../core/snn/catalog';
import { DECODER_FIELDS, ENCODER_FIELDS, LAYER_FIELDS, NEURON_FIELDS, SURROGATE_FIELDS } from '../../../core/snn/modelSchema';
import { SURROGATE_KINDS } from '../../../core/snn/surrogates';
import { checkModelSpec } from '../../../core/snn/specValidate';
import type { CatalogEntry } from '../../../core/api/contractModels';

const cat = layerCatalog();
const ids = (list: CatalogEntry[]): string[] => list.map((e) => e.id).sort();

describe('layer catalog', () => {
  it('has a palette entry for every type of the spec', () => {
    expect(ids(cat.layers)).toEqual(Object.keys(LAYER_FIELDS).sort());
    const model = NEURON_FIELDS.model.rule;
    expect(model.kind).toBe('enum');
    expect(ids(cat.neurons)).toEqual(model.kind === 'enum' ? [...model.values].sort() : []);
    expect(ids(cat.surrogates)).toEqual([...SURROGATE_KINDS].sort());
    const syn = NEURON_FIELDS.synapse.rule;
    expect(ids(cat.synapses)).toEqual(syn.kind === 'tagged' ? Object.keys(syn.variants).sort() : []);
    expect(ids(cat.encoders)).toEqual(Object.keys(ENCODER_FIELDS).sort());
    expect(ids(cat.decoders)).toEqual(Object.keys(DECODER_FIELDS).sort());
  });

  it('offers every field of every layer, encoder and decoder, each with a one-line doc', () => {
    for (const e of cat.layers) expect(e.fields.map((f) => f.key).sort(), e.id).toEqual(Object.keys(LAYER_FIELDS[e.id as keyof typeof LAYER_FIELDS]).sort());
    for (const e of cat.encoders) expect(e.fields.map((f) => f.key).sort()).toEqual(Object.keys(ENCODER_FIELDS[e.id as keyof typeof ENCODER_FIELDS]).sort());
    for (const e of cat.decoders) expect(e.fields.map((f) => f.key).sort()).toEqual(Object.keys(DECODER_FIELDS[e.id as keyof typeof DECODER_FIELDS]).sort());
    // Every neuron option appears under at least one model, and alif alone adapts its threshold.
    const offered = new Set(cat.neurons.flatMap((n) => n.fields.map((f) => f.key)));
    for (const k of Object.keys(NEURON_FIELDS)) if (k !== 'model') expect(offered.has(k), k).toBe(true);
    expect(cat.neurons.filter((n) => n.fields.some((f) => f.key === 'adaptDecay')).map((n) => n.id)).toEqual(['alif']);
    expect(cat.neurons.find((n) => n.id === 'if')?.fields.some((f) => f.key === 'beta')).toBe(false);
    for (const s of cat.surrogates) expect(s.fields.map((f) => f.key)).toEqual(Object.keys(SURROGATE_FIELDS).filter((k) => k !== 'kind'));
    const all = [cat.layers, cat.neurons, cat.surrogates, cat.synapses, cat.encoders, cat.decoders].flat();
    for (const e of all) {
      expect(e.doc.length, e.id).toBeGreaterThan(10);
      expect(e.doc).not.toContain('\n');
      for (const f of e.fields) expect(f.doc.length, `${e.id}.${f.key}`).toBeGreaterThan(3);
    }
  });

  it('carries ranges and kinds from the rule tables', () => {
    const conv = cat.layers.find((e) => e.id === 'conv2d')!;
    expect(conv.group).toBe('synaptic');
    expect(conv.fields.find((f) => f.key === 'kernel')).toMatchObject({ kind: 'pair', min: 1, optional: false, unit: 'pixels' });
    expect(conv.fields.find((f) => f.key === 'padding')).toMatchObject({ kind: 'pair', values: ['same'], defaultText: '0' });
    expect(cat.layers.find((e) => e.id === 'dropout')!.fields.find((f) => f.key === 'rate')).toMatchObject({ kind: 'number', min: 0, exclusiveMax: 1 });
    expect(cat.layers.find((e) => e.id === 'residual')!.fields.find((f) => f.key === 'layers')).toMatchObject({ kind: 'layers', min: 1 });
    expect(cat.surrogates.find((e) => e.id === 'fastSigmoid')!.template).toEqual({ kind: 'fastSigmoid', alpha: 25 });
  });

  it('inserts only templates the validator accepts, for every layer, neuron, encoder and decoder', () => {
    const base = { format: 'spikelab.model', version: 1, name: 't', timesteps: 4, encoder: { type: 'direct' }, decoder: { type: 'spikeCount' } };
    for (const layer of cat.layers) {
      // A [4, 8, 8] input fits every layer type; dense gets a flatten in front.
      const layers = layer.id === 'dense' ? [{ type: 'flatten' }, layer.template] : [layer.template];
      const r = checkModelSpec({ ...base, input: [4, 8, 8], layers: [...layers, { type: 'flatten' }, { type: 'dense', units: 10 }] });
      expect(r.ok ? [] : r.issues, layer.id).toEqual([]);
    }
    for (const n of cat.neurons) expect(checkModelSpec({ ...base, input: [4], layers: [{ type: 'neuron', neuron: n.template }] }).ok, n.id).toBe(true);
    for (const s of cat.synapses) expect(checkModelSpec({ ...base, input: [4], layers: [{ type: 'neuron', neuron: { model: 'lif', synapse: s.template } }] }).ok, s.id).toBe(true);
    for (const e of cat.encoders) expect(checkModelSpec({ ...base, input: [4], encoder: e.template, layers: [{ type: 'dense', units: 10 }] }).ok, e.id).toBe(true);
    for (const d of cat.decoders) expect(checkModelSpec({ ...base, input: [4], decoder: d.template, layers: [{ type: 'dense', units: 10 }] }).ok, d.id).toBe(true);
  });

  it('hands out copies, so a caller cannot change the palette', () => {
    const a = layerCatalog();
    a.layers[0].fields.length = 0;
    expect(layerCatalog().layers[0].fields.length).toBeGreaterThan(0);
  });
});
