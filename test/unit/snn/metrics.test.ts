import { describe, expect, it } from 'vitest';
import { ENERGY_TABLES, MetricsError, collectActivity, spikeMetrics } from '../../../core/snn/metrics';
import { createLayer } from '../../../core/snn/layers';
import type { LayerActivity, Tensor } from '../../../core/snn/layers/layer';
import { Rng } from '../../../core/snn/rng';
import type { ModelSpec } from '../../../core/snn/spec';
import { inferShapes } from '../../../core/snn/specValidate';
import { convSpec, mlpSpec, resnetSpec } from './specExamples';
import { ctxFor, testKernels } from './synapticTestKit';

describe('spikeMetrics', () => {
  it('computes rates, SynOps and energy of the MLP by hand', () => {
    const T = 25;
    const B = 2;
    const activity = new Map<string, LayerActivity>([
      ['lif1', { spikes: 500, neuronSteps: T * B * 100 }],
      ['lif2', { spikes: 50, neuronSteps: T * B * 10 }],
    ]);
    const r = spikeMetrics(mlpSpec, activity, { batch: B, inputSpikes: 7840 });
    expect(r.estimate).toBe(true);
    expect(r.spiking).toEqual([
      { name: 'lif1', spikes: 500, neuronSteps: 5000, firingRate: 0.1, sparsity: 0.9, spikesPerSample: 250 },
      { name: 'lif2', spikes: 50, neuronSteps: 500, firingRate: 0.1, sparsity: 0.9, spikesPerSample: 25 },
    ]);
    // fc1: 3920 encoder spikes per sample x 100 targets; fc2: 0.1 * 100 inputs * 25 steps x 10 targets
    expect(r.synaptic.map((s) => [s.name, s.countedAs, s.opsPerSample])).toEqual([
      ['fc1', 'ac', 392000],
      ['fc2', 'ac', 2500],
    ]);
    expect(r.perSample.synOps).toBe(394500);
    expect(r.perSample.annMacs).toBe(78400 + 1000);
    expect(r.perSample.snnEnergyPj).toBeCloseTo(394500 * 0.9, 6);
    expect(r.perSample.annEnergyPj).toBeCloseTo(79400 * 4.6, 6);
    expect(r.perSample.energyRatio).toBeCloseTo((79400 * 4.6) / (394500 * 0.9), 9);
    expect(r.notes.at(-1)).toMatch(/^Estimate from the 45 nm, 32-bit float/);
  });

  it('counts MACs every step for analog input (direct encoding) and ACs after spiking layers', () => {
    const T = 8;
    const activity = new Map<string, LayerActivity>([
      ['sn1', { spikes: 0.2 * T * 20 * 24 * 24, neuronSteps: T * 20 * 24 * 24 }],
      ['sn2', { spikes: 0.05 * T * 50 * 8 * 8, neuronSteps: T * 50 * 8 * 8 }],
      ['sn3', { spikes: 0.1 * T * 200, neuronSteps: T * 200 }],
    ]);
    const r = spikeMetrics(convSpec, activity, { batch: 1, table: '45nm-horowitz-2014-int8' });
    const by = Object.fromEntries(r.synaptic.map((s) => [s.name, s]));
    expect(by.conv1).toMatchObject({ countedAs: 'mac', opsPerSample: 288000 * T });
    // conv2 sees sn1's rate on its pooled 20x12x12 input; fan-out = 1.6M MACs / 2880 inputs
    expect(by.conv2.countedAs).toBe('ac');
    expect(by.conv2.inputEventsPerSample).toBeCloseTo(0.2 * 2880 * T, 6);
    expect(by.conv2.opsPerSample).toBeCloseTo(0.2 * T * 1600000, 3);
    expect(by.fc1.opsPerSample).toBeCloseTo(0.05 * 800 * T * 200, 6);
    expect(by.fc2.opsPerSample).toBeCloseTo(0.1 * 200 * T * 10, 6);
    expect(r.table).toBe(ENERGY_TABLES['45nm-horowitz-2014-int8']);
    expect(r.perSample.snnEnergyPj).toBeCloseTo(r.perSample.synOps * 0.03 + 288000 * T * 0.23, 3);
  });

  it('falls back to MACs, with a note, where spike sources are unknown', () => {
    const r = spikeMetrics(mlpSpec, new Map(), { batch: 1 });
    expect(r.synaptic.every((s) => s.countedAs === 'mac')).toBe(true);
    expect(r.notes[0]).toBe('fc1: counted as MACs because encoder spike count not given (inputSpikes)');
    const res = spikeMetrics(resnetSpec, new Map(), { batch: 1 });
    const head = res.synaptic.find((s) => s.name === 'head');
    expect(head?.countedAs).toBe('mac');
  });

  it('matches a brute-force count on real layers: SynOps = input spikes x units for dense', () => {
    const spec: ModelSpec = {
      format: 'spikelab.model',
      version: 1,
      name: 'chain',
      input: [30],
      timesteps: 6,
      encoder: { type: 'direct' },
      layers: [
        { type: 'dense', name: 'fc1', units: 40 },
        { type: 'neuron', name: 'sn1', neuron: { model: 'if', threshold: 0.5 } },
        { type: 'dense', name: 'fc2', units: 7 },
        { type: 'neuron', name: 'sn2', neuron: { model: 'if', threshold: 0.5 } },
      ],
      decoder: { type: 'spikeCount' },
    };
    const B = 3;
    const rng = new Rng(4);
    const shapes = inferShapes(spec);
    const layers = shapes.layers.map((i) => createLayer(i.spec, i.inputShape, i.name, rng, { binaryInput: i.inputKind === 'binary' }));
    const x: Tensor = { data: new Float32Array(6 * B * 30).map(() => rng.next() * 2), shape: [6, B, 30] };
    let h = x;
    const outs: Tensor[] = [];
    for (const l of layers) {
      h = l.forward(h, ctxFor(testKernels, false));
      outs.push(h);
    }
    const s1 = outs[1].data.reduce((a, v) => a + v, 0);
    expect(s1).toBeGreaterThan(0);
    const r = spikeMetrics(spec, collectActivity(layers), { batch: B });
    expect(r.spiking[0].spikes).toBe(s1);
    expect(r.synaptic[1].opsPerSample).toBeCloseTo((s1 * 7) / B, 6);
    expect(r.synaptic[0]).toMatchObject({ countedAs: 'mac', opsPerSample: 30 * 40 * 6 });
  });

  it('rejects unknown tables and impossible activity', () => {
    expect(() => spikeMetrics(mlpSpec, new Map(), { batch: 1, table: '7nm' })).toThrow(MetricsError);
    expect(() => spikeMetrics(mlpSpec, new Map([['lif1', { spikes: 10, neuronSteps: 5 }]]), { batch: 1 })).toThrow(/impossible/);
  });
});
