import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { mostActiveNeurons, SampleRecorder } from '../../../core/snn/network';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';

const BETA = 0.8;
const THRESHOLD = 0.6;

/** direct encoder, dense -> LIF (hard reset) -> dense -> integrator: every value is hand-checkable. */
const spec: ModelSpec = {
  format: MODEL_SPEC_FORMAT,
  version: MODEL_SPEC_VERSION,
  name: 'rec',
  input: [3],
  timesteps: 6,
  encoder: { type: 'direct' },
  layers: [
    { type: 'dense', name: 'fc1', units: 4 },
    { type: 'neuron', name: 'lif1', neuron: { model: 'lif', beta: BETA, threshold: THRESHOLD, reset: 'hard' } },
    { type: 'dense', name: 'fc2', units: 2 },
    { type: 'neuron', name: 'out', neuron: { model: 'integrator' } },
  ],
  decoder: { type: 'membrane', reduce: 'mean' },
};

function setWeights(net: ReturnType<typeof buildNetwork>): void {
  const p = new Map(net.params().map((q) => [q.name, q]));
  p.get('fc1.weight')?.value.set([0.5, 0.2, -0.1, 0.1, 0.3, 0.4, -0.2, 0.1, 0.9, 0.05, 0.05, 0.05]);
  p.get('fc1.bias')?.value.set([0.1, 0, 0.2, 0]);
}

describe('SampleRecorder', () => {
  it("records one sample's spikes exactly as the network's own output", () => {
    const net = buildNetwork(spec, { kernels: referenceKernels, seed: 5 });
    setWeights(net);
    const x = Float32Array.from([1, 0.5, 0.2, 0.3, 0.9, 0.7]);
    const rec = new SampleRecorder(1);
    net.setRecorder(rec);
    net.forward(x, 2, false);
    net.setRecorder(null);
    expect(rec.layers.map((l) => [l.name, l.spiking, l.shape])).toEqual([['lif1', true, [4]], ['out', false, [2]]]);
    const raster = net.recordRaster('lif1', 1);
    const events: [number, number][] = [];
    const lif = rec.layers[0];
    for (let t = 0; t < 6; t++) for (let i = 0; i < 4; i++) if (lif.output[t * 4 + i] !== 0) events.push([t, i]);
    expect(events).toEqual(raster.times.map((t, k) => [t, raster.ids[k]]));
    expect(events.length).toBeGreaterThan(0);
    // The encoder saw the second sample's values at every step (direct encoding).
    expect(Array.from(rec.input?.data.subarray(0, 3) ?? [])).toEqual([0.3, 0.9, 0.7].map(Math.fround));
  });

  it('membranes match a hand-computed LIF trace (charge before the hard reset)', () => {
    const net = buildNetwork(spec, { kernels: referenceKernels, seed: 5 });
    setWeights(net);
    const xs = [1, 0.5, 0.2];
    const rec = new SampleRecorder(0);
    net.setRecorder(rec);
    net.forward(Float32Array.from(xs), 1, false);
    const lif = rec.layers[0];
    expect(lif.threshold).toBeCloseTo(THRESHOLD, 6);
    // fc1.weight is [in, out].
    const w = [0.5, 0.2, -0.1, 0.1, 0.3, 0.4, -0.2, 0.1, 0.9, 0.05, 0.05, 0.05];
    const b = [0.1, 0, 0.2, 0];
    for (let n = 0; n < 4; n++) {
      const current = b[n] + xs.reduce((s, v, k) => s + v * w[k * 4 + n], 0);
      let v = 0;
      for (let t = 0; t < 6; t++) {
        const h = BETA * v + current;
        const s = h >= THRESHOLD ? 1 : 0;
        expect(lif.membrane?.[t * 4 + n]).toBeCloseTo(h, 5);
        expect(lif.output[t * 4 + n]).toBe(s);
        v = s ? 0 : h;
      }
    }
    // The integrator readout's membrane is its output potential.
    const out = rec.layers[1];
    expect(Array.from(out.membrane ?? [])).toEqual(Array.from(out.output));
    expect(out.threshold).toBeNull();
  });

  it('recordMembranes reads the same traces from the last forward', () => {
    const net = buildNetwork(spec, { kernels: referenceKernels, seed: 5 });
    setWeights(net);
    const rec = new SampleRecorder(0);
    net.setRecorder(rec);
    net.forward(Float32Array.from([1, 0.5, 0.2, 0, 0, 0]), 2, true);
    const m = net.recordMembranes('lif1', 0, [2, 0, 99]);
    expect(m.threshold).toBeCloseTo(THRESHOLD, 6);
    expect(m.traces.map((t) => t.neuron)).toEqual([2, 0]);
    const lif = rec.layers[0];
    for (const tr of m.traces) for (let t = 0; t < 6; t++) expect(tr.values[t]).toBe(lif.membrane?.[t * 4 + tr.neuron]);
    expect(() => net.recordMembranes('fc1', 0, [0])).toThrow(/not a neuron layer/);
  });

  it('without a recorder the forward records nothing and stays deterministic', () => {
    const net = buildNetwork(spec, { kernels: referenceKernels, seed: 5 });
    setWeights(net);
    const rec = new SampleRecorder(0);
    net.setRecorder(rec);
    const a = Array.from(net.forward(Float32Array.from([1, 0.5, 0.2]), 1, false).scores);
    net.setRecorder(null);
    const b = Array.from(net.forward(Float32Array.from([1, 0.5, 0.2]), 1, false).scores);
    expect(b).toEqual(a);
    expect(rec.layers).toHaveLength(2);
    expect(() => new SampleRecorder(-1)).toThrow(RangeError);
  });

  it('mostActiveNeurons ranks by count and fills silent layers from index 0', () => {
    expect(mostActiveNeurons([3, 3, 1, 3, 1, 7], 10, 2)).toEqual([1, 3]);
    expect(mostActiveNeurons([], 10, 3)).toEqual([0, 1, 2]);
    expect(mostActiveNeurons([1], 2, 3)).toEqual([0, 1]);
  });
});
