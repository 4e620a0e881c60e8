import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from '../../../core/board/emulator/boardEmulator';
import { MeshEngine } from '../../../core/board/emulator/meshEngine';
import { estimate } from '../../../core/board/emulator/energy';
import { buildImage } from '../../../core/board/image';
import { zeroCounters, type Capabilities } from '../../../core/board/messages';
import { checkCapabilities, extractFloatLayers, networkConfig, quantiseNetwork, QuantiseError, type QuantNetwork } from '../../../core/board/quantise';
import { applyLeak, QuantReference, runFloatChain } from '../../../core/board/referenceSim';
import { Rng } from '../../../core/snn/rng';
import type { NeuronSpec } from '../../../core/snn/spec';
import { makeNetwork, mlpSpec, poissonInput } from './helpers';

const caps: Capabilities = { ...DEFAULT_CAPABILITIES, meshX: 4, meshY: 4, neuronsPerCore: 16 };

function engineFor(q: QuantNetwork, c: Capabilities, fifoDepth = c.fifoDepth): MeshEngine {
  const img = buildImage(q, c);
  return new MeshEngine(networkConfig(q), img.neuron, img.weight, img.routes, { meshX: c.meshX, meshY: c.meshY, fifoDepth, lanes: 16, cyclesPerHop: 2 }, zeroCounters());
}

describe('quantiser and emulator', () => {
  const variants: [string, NeuronSpec, 8 | 16, 'shift' | 'subtract'][] = [
    ['LIF hard reset, int8, shift leak', { model: 'lif', beta: 0.875, threshold: 1 }, 8, 'shift'],
    ['LIF soft reset, int16, shift leak', { model: 'lif', beta: 0.9, threshold: 0.8, reset: 'soft' }, 16, 'shift'],
    ['IF hard reset, int8', { model: 'if', threshold: 1 }, 8, 'shift'],
    ['LIF tau form, subtract leak', { model: 'lif', form: 'tau', tau: 2, threshold: 0.5 }, 8, 'subtract'],
  ];
  it.each(variants)('%s: emulator spikes are bit-exact with the integer reference on every layer', (_name, neuron, weightBits, leak) => {
    const net = makeNetwork(mlpSpec([64, 40, 10], neuron), 7);
    const q = quantiseNetwork(net, { weightBits, leak });
    expect(checkCapabilities(q, caps)).toEqual([]);
    const ref = new QuantReference(q);
    const eng = engineFor(q, caps);
    let spikes = 0;
    for (let sample = 0; sample < 60; sample++) {
      const x = poissonInput(64, 16, 1000 + sample);
      ref.reset();
      eng.resetState();
      for (const ids of x) {
        const want = ref.step(ids);
        const got: Uint16Array[] = [];
        eng.tick(ids, (layer, out) => (got[layer] = out.slice()));
        expect([...got[1]]).toEqual([...want[1]]);
        spikes += want[0].length + want[1].length;
      }
      for (let l = 0; l < 2; l++) expect([...eng.membranes(l)]).toEqual([...ref.v[l]]);
    }
    expect(spikes).toBeGreaterThan(100);
    expect(eng.counters.fifoDrops).toBe(0);
    expect(eng.counters.synOps).toBeGreaterThan(0);
    expect(eng.counters.hops).toBeGreaterThan(0);
  });

  it.each([[8, 600, 514], [16, 1100, 1024]] as const)('int%i, %i inputs almost all firing (more events than one packed batch of %i) stays bit-exact', (wb, inputs, batch) => {
    const net = makeNetwork(mlpSpec([inputs, 30, 6]), 9, 1);
    const q = quantiseNetwork(net, { weightBits: wb });
    const ref = new QuantReference(q);
    const eng = engineFor(q, { ...caps, maxFanIn: 2048, fifoDepth: 2048 });
    const rng = new Rng(77);
    for (let t = 0; t < 20; t++) {
      const ids = Uint16Array.from(Array.from({ length: inputs }, (_, i) => i).filter(() => rng.next() < 0.97));
      expect(ids.length).toBeGreaterThan(batch);
      ref.step(ids);
      eng.tick(ids, () => {});
      expect([...eng.membranes(0)]).toEqual([...ref.v[0]]);
      expect([...eng.membranes(1)]).toEqual([...ref.v[1]]);
    }
  });

  it('int16 quantisation tracks the float network (output spike counts)', () => {
    const net = makeNetwork(mlpSpec([64, 40, 10]), 3);
    const layers = extractFloatLayers(net);
    const q = quantiseNetwork(net, { weightBits: 16 });
    const ref = new QuantReference(q);
    let agree = 0;
    let total = 0;
    let diff = 0;
    for (let s = 0; s < 40; s++) {
      const x = poissonInput(64, 16, s);
      const f = runFloatChain(layers, x).outputCounts;
      const r = ref.run(x).outputCounts;
      for (let j = 0; j < 10; j++) {
        diff += Math.abs(f[j] - r[j]);
        total += f[j];
      }
      const am = (a: ArrayLike<number>): number => Array.prototype.indexOf.call(a, Math.max(...Array.from(a)));
      if (am(f) === am(r)) agree++;
    }
    expect(total).toBeGreaterThan(50);
    expect(diff / total).toBeLessThan(0.1);
    expect(agree).toBeGreaterThanOrEqual(34);
  });

  it('leak shift is floor division and subtract leak stops at zero', () => {
    expect(applyLeak(100, 'shift', 3)).toBe(100 - 12);
    expect(applyLeak(-5, 'shift', 1)).toBe(-2);
    expect(applyLeak(5, 'subtract', 7)).toBe(0);
    expect(applyLeak(-5, 'subtract', 2)).toBe(-3);
  });

  it('finite FIFOs drop and count overflow; high-water never exceeds the depth', () => {
    const net = makeNetwork(mlpSpec([64, 40, 10]), 7);
    const q = quantiseNetwork(net);
    const eng = engineFor(q, caps, 4);
    for (const ids of poissonInput(64, 16, 5, 0.5)) eng.tick(ids, () => {});
    expect(eng.counters.fifoDrops).toBeGreaterThan(0);
    expect(eng.counters.fifoHighWater).toBe(4);
    const e = estimate(eng.counters, 'loihi', caps.clockHz);
    expect(e.estimate).toBe(true);
    expect(e.energyJ).toBeGreaterThan(0);
    expect(e.latencyS).toBeGreaterThan(0);
    expect(estimate(eng.counters, 'horowitz45', caps.clockHz).energyJ).toBeLessThan(e.energyJ);
  });

  it('reports one clear message per capability violation', () => {
    const net = makeNetwork(mlpSpec([784, 400, 10]), 1);
    const q = quantiseNetwork(net, { weightBits: 16 });
    const small: Capabilities = { ...caps, meshX: 2, meshY: 2, neuronsPerCore: 64, maxFanIn: 256, weightBits: [8], leakModes: ['none', 'subtract'] };
    const v = checkCapabilities(q, small);
    const codes = v.map((x) => x.code);
    expect(codes).toContain('LAYER_TOO_WIDE');
    expect(codes).toContain('FAN_IN_TOO_LARGE');
    expect(codes).toContain('WEIGHT_BITS');
    expect(codes).toContain('LEAK_MODE');
    const wide = v.find((x) => x.code === 'LAYER_TOO_WIDE');
    expect(wide?.message).toMatch(/400 neurons: at 64 per core it needs 7 cores, the board has 4/);
    expect(v.find((x) => x.code === 'FAN_IN_TOO_LARGE')?.message).toMatch(/fan-in 784.*at most 256/);
  });

  it('rejects unsupported neurons and layers, listing all of them', () => {
    const spec = mlpSpec([16, 8, 4], { model: 'alif', beta: 0.9 });
    spec.layers.push({ type: 'neuron', neuron: { model: 'lif', refractory: 2 } });
    let err: unknown;
    try {
      quantiseNetwork(makeNetwork(spec));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantiseError);
    const v = (err as QuantiseError).violations;
    expect(v.filter((x) => x.code === 'UNSUPPORTED_NEURON').length).toBe(2);
    expect(v.some((x) => x.code === 'UNSUPPORTED_LAYER')).toBe(true);
    expect((err as QuantiseError).code).toBe('BOARD_QUANTISE');
  });
});

describe('float vs quantised report', () => {
  it('a hand-set classifier keeps its accuracy after int8 quantisation', async () => {
    const { evaluateQuantisation } = await import('../../../core/board/evaluate');
    const net = makeNetwork(mlpSpec([20, 2], { model: 'lif', beta: 0.9, threshold: 1 }, 20), 1, 1);
    const w = net.params().find((p) => p.name.endsWith('.weight'));
    const b = net.params().find((p) => p.name.endsWith('.bias'));
    if (!w || !b) throw new Error('dense params missing');
    // Shape [20, 2]: output 0 listens to features 0..9, output 1 to 10..19.
    for (let i = 0; i < 20; i++) {
      w.value[i * 2] = i < 10 ? 0.3 : -0.1;
      w.value[i * 2 + 1] = i < 10 ? -0.1 : 0.3;
    }
    b.value.fill(0);
    const samples = Array.from({ length: 40 }, (_, s) => {
      const label = s % 2;
      const x = new Float32Array(20);
      for (let i = 0; i < 20; i++) x[i] = (i < 10) === (label === 0) ? 0.8 : 0.1;
      return { x, label };
    });
    const layers = extractFloatLayers(net);
    const q = quantiseNetwork(net, { weightBits: 8 });
    const r = evaluateQuantisation(net, layers, q, samples, 3);
    expect(r.samples).toBe(40);
    expect(r.floatAccuracy).toBe(1);
    expect(r.quantAccuracy).toBe(1);
    expect(r.agreement).toBe(1);
    expect(r.meanAbsCountError).toBeLessThan(1);
  });
});
