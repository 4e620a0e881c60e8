/**
 * The native tick loop (native/src/emulator.cc) against the TypeScript MeshEngine, its oracle:
 * every output spike of every tick, the final membranes and spike counts of every layer, and
 * every counter must be identical, over many samples, for int8 and int16 weights, every leak and
 * reset mode, several core placements and FIFOs small enough to drop events.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from '../../../core/board/emulator/boardEmulator';
import { MeshEngine, type MeshBackend } from '../../../core/board/emulator/meshEngine';
import { nativeMeshConstructor } from '../../../core/board/emulator/nativeMesh';
import { buildImage } from '../../../core/board/image';
import { zeroCounters, type Capabilities, type LeakMode, type ResetMode } from '../../../core/board/messages';
import { networkConfig, quantiseNetwork, type QuantNetwork } from '../../../core/board/quantise';
import { makeNetwork, mlpSpec, poissonInput } from './helpers';

const native = nativeMeshConstructor();

function engine(q: QuantNetwork, caps: Capabilities, backend: MeshBackend): MeshEngine {
  const img = buildImage(q, caps);
  return new MeshEngine(networkConfig(q), img.neuron, img.weight, img.routes, { meshX: caps.meshX, meshY: caps.meshY, fifoDepth: caps.fifoDepth, lanes: 16, cyclesPerHop: 2, backend }, zeroCounters());
}

function trace(e: MeshEngine, samples: Uint16Array[][]): { spikes: string[]; state: number[][] } {
  const spikes: string[] = [];
  const state: number[][] = [];
  for (const [s, ticks] of samples.entries()) {
    e.resetState();
    for (const [t, ids] of ticks.entries()) e.tick(ids, (layer, out) => spikes.push(`${s}:${t}:${layer}:${out.join(',')}`));
    for (let l = 0; l < e.layerCount; l++) state.push([...e.membranes(l)], [...e.spikeCounts(l)]);
  }
  return { spikes, state };
}

interface Case {
  name: string;
  sizes: number[];
  weightBits: 8 | 16;
  leak: 'shift' | 'subtract';
  reset?: ResetMode;
  caps: Partial<Capabilities>;
  membraneBits?: number;
}

const CASES: Case[] = [
  { name: 'int8 shift, 3 layers over several cores', sizes: [64, 48, 40, 10], weightBits: 8, leak: 'shift', caps: { neuronsPerCore: 16 } },
  { name: 'int16 subtract leak', sizes: [50, 30, 10], weightBits: 16, leak: 'subtract', caps: { neuronsPerCore: 8 } },
  { name: 'int8 with FIFO overflow (drops)', sizes: [120, 40, 10], weightBits: 8, leak: 'shift', caps: { neuronsPerCore: 12, fifoDepth: 9 } },
  { name: 'reset subtract, narrow membrane (saturation)', sizes: [40, 20, 6], weightBits: 16, leak: 'shift', reset: 'subtract', caps: { neuronsPerCore: 32 }, membraneBits: 12 },
  { name: 'no reset (integrating readout)', sizes: [30, 12], weightBits: 8, leak: 'shift', reset: 'none', caps: { neuronsPerCore: 5 } },
];

describe.skipIf(!native)('native board emulator tick loop', () => {
  for (const c of CASES)
    it(`matches the TypeScript MeshEngine spike for spike: ${c.name}`, () => {
      const caps = { ...DEFAULT_CAPABILITIES, ...c.caps };
      const net = makeNetwork(mlpSpec(c.sizes), 3, 4);
      const q = quantiseNetwork(net, { weightBits: c.weightBits, leak: c.leak, membraneBits: c.membraneBits ?? 24 });
      if (c.reset) for (const l of q.layers) l.resetMode = c.reset;
      const samples = Array.from({ length: 25 }, (_, s) => poissonInput(c.sizes[0], 20, 100 + s, 0.5));
      const ts = engine(q, caps, 'typescript');
      const nat = engine(q, caps, 'native');
      expect(ts.backend).toBe('typescript');
      expect(nat.backend).toBe('native');
      const a = trace(ts, samples);
      const b = trace(nat, samples);
      // The cases must exercise the model: output spikes exist and counters are non-trivial.
      expect(a.spikes.some((s) => !s.endsWith(':'))).toBe(true);
      expect(b.spikes).toEqual(a.spikes);
      expect(b.state).toEqual(a.state);
      expect(nat.counters).toEqual(ts.counters);
      if (c.caps.fifoDepth) expect(ts.counters.fifoDrops).toBeGreaterThan(0);
    });

  it('rejects an input id beyond the model inputs instead of reading outside the weights', () => {
    const q = quantiseNetwork(makeNetwork(mlpSpec([8, 4])));
    const nat = engine(q, DEFAULT_CAPABILITIES, 'native');
    expect(() => nat.tick(Uint16Array.of(8), () => {})).toThrow(/input id 8 >= 8/);
  });

  it('every leak mode agrees, including leak shift 0 and a large subtract', () => {
    const caps = { ...DEFAULT_CAPABILITIES, neuronsPerCore: 7 };
    const q = quantiseNetwork(makeNetwork(mlpSpec([20, 15, 5]), 9, 5));
    const samples = Array.from({ length: 10 }, (_, s) => poissonInput(20, 15, s, 0.6));
    for (const [mode, leak] of [['none', 0], ['shift', 0], ['shift', 31], ['subtract', 1 << 20]] as [LeakMode, number][]) {
      for (const l of q.layers) {
        l.leakMode = mode;
        l.leak = leak;
      }
      const a = engine(q, caps, 'typescript');
      const b = engine(q, caps, 'native');
      expect(trace(b, samples)).toEqual(trace(a, samples));
      expect(b.counters).toEqual(a.counters);
    }
  });
});

describe('backend selection', () => {
  it("'typescript' never uses the addon, 'auto' uses it when present", () => {
    const q = quantiseNetwork(makeNetwork(mlpSpec([8, 4])));
    expect(engine(q, DEFAULT_CAPABILITIES, 'typescript').backend).toBe('typescript');
    const img = buildImage(q, DEFAULT_CAPABILITIES);
    const auto = new MeshEngine(networkConfig(q), img.neuron, img.weight, img.routes, { meshX: 4, meshY: 4, fifoDepth: 1024, lanes: 16, cyclesPerHop: 2 }, zeroCounters());
    expect(auto.backend).toBe(native ? 'native' : 'typescript');
  });
});
