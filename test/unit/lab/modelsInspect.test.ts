import { describe, expect, it } from 'vitest';
import { inspectModelSpec, locateIssue } from '../../../core/lab/models/inspect';
import { SEED_NETS } from '../../../core/snn/seedNets';
import type { LayerSpec, ModelSpec } from '../../../core/snn/spec';

/** 50 top-level layers: a conv stem and 15 residual blocks of conv-tdBN-LIF (97 layers counting block contents). */
function deepSpec(): ModelSpec {
  const block = (i: number): LayerSpec => ({
    type: 'residual',
    name: `b${i}`,
    layers: [
      { type: 'conv2d', name: 'c', filters: 16, kernel: 3, padding: 'same', bias: false },
      { type: 'tdbn', name: 'bn' },
      { type: 'neuron', name: 'sn', neuron: { model: 'lif' } },
    ],
  });
  const layers: LayerSpec[] = [{ type: 'conv2d', name: 'stem', filters: 16, kernel: 3, padding: 'same' }, { type: 'neuron', name: 'stemSn', neuron: { model: 'lif' } }];
  for (let i = 0; layers.length < 47; i++) layers.push(block(i), { type: 'neuron', name: `post${i}`, neuron: { model: 'if' } });
  layers.push({ type: 'avgpool', name: 'gap', size: 16 }, { type: 'flatten', name: 'flat' }, { type: 'dense', name: 'fc', units: 10 });
  return { format: 'spikelab.model', version: 1, name: 'deep', input: [3, 16, 16], timesteps: 4, encoder: { type: 'direct' }, layers: layers.slice(0, 50), decoder: { type: 'rate' } };
}

describe('inspectModel', () => {
  it('inspects a 50-layer spec (time logged, not asserted)', () => {
    const spec = deepSpec();
    expect(spec.layers).toHaveLength(50);
    inspectModelSpec(spec, { batchSize: 32 });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = inspectModelSpec(spec, { batchSize: 32 });
      times.push(performance.now() - t0);
      expect(r.ok).toBe(true);
    }
    times.sort((a, b) => a - b);
    console.log(`[modelsInspect] 50-layer spec: median ${times[2].toFixed(2)} ms`);
  });

  it('counts analog-fed layers as MACs and spike-fed ones as SynOps', () => {
    // Direct encoding (the "encoding layer"): the first conv sees analog pixels.
    const conv = { ...SEED_NETS.find((s) => s.spec.name === 'mnist-conv-lif')!.spec, encoder: { type: 'direct' as const } };
    const r = inspectModelSpec(conv, { batchSize: 1, firingRate: 0.5 });
    const byName = new Map(r.layers.map((l) => [l.name, l]));
    // Direct encoding feeds conv1 analog values; average pooling makes spikes graded, so conv2 and
    // fc1 do MACs too; only fc2, fed by lif3's spikes directly, accumulates.
    expect(byName.get('conv1')).toMatchObject({ countedAs: 'mac', synOps: 0 });
    expect(byName.get('conv2')?.countedAs).toBe('mac');
    expect(byName.get('fc1')?.countedAs).toBe('mac');
    expect(byName.get('fc2')?.countedAs).toBe('ac');
    expect(byName.get('fc2')?.synOps).toBeCloseTo(0.5 * byName.get('fc2')!.macsPerStep * 8);
    const macs = ['conv1', 'conv2', 'fc1'].reduce((a, n) => a + byName.get(n)!.macsPerStep * 8, 0);
    expect(r.totals.snnMacsPerSample).toBe(macs);
    expect(byName.get('lif1')?.countedAs).toBeNull();
  });

  it('maps validator paths to layer and field', () => {
    const at = (path: string) => locateIssue({ code: 'SPEC_TYPE', path, message: 'm' });
    expect(at('layers[3] (conv2d "conv2").kernel')).toMatchObject({ layerIndex: 3, field: 'kernel' });
    expect(at('layers[12] (neuron "lif1").neuron.surrogate.alpha')).toMatchObject({ layerIndex: 12, field: 'neuron.surrogate.alpha' });
    expect(at('layers[2] (residual "b").shortcut[1] (conv2d "b.shortcut.x").stride')).toMatchObject({ layerIndex: 2, field: 'shortcut[1].stride' });
    expect(at('layers[4].type')).toMatchObject({ layerIndex: 4, field: 'type' });
    expect(at('layers[4]')).toMatchObject({ layerIndex: 4, field: null });
    expect(at('encoder (latency).mode')).toMatchObject({ layerIndex: null, field: 'encoder.mode' });
    expect(at('timesteps')).toMatchObject({ layerIndex: null, field: 'timesteps' });
    expect(at('(root)')).toMatchObject({ layerIndex: null, field: null });
  });
});
