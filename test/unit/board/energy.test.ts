/**
 * Energy/latency estimates (core/board/emulator/energy.ts): the arithmetic from counters, and that
 * the figures used are the published ones the tables name (Horowitz ISSCC 2014 45 nm; Davies et al.
 * IEEE Micro 2018, Table 2), with the source text shown to the user naming each one.
 */
import { describe, expect, it } from 'vitest';
import { ENERGY_TABLES, estimate } from '../../../core/board/emulator/energy';
import { zeroCounters, type Counters } from '../../../core/board/messages';

function counters(over: Partial<Counters>): Counters {
  return { ...zeroCounters(), ...over };
}

describe('energy tables', () => {
  it('use the published per-operation figures', () => {
    expect(ENERGY_TABLES.horowitz45).toMatchObject({ synOpPj: 0.9, neuronUpdatePj: 4.6, hopPj: 0 });
    // Table 2: 23.6 pJ per synaptic op (min), 81 pJ per active neuron update, tile hop 3.0 / 4.0 pJ.
    expect(ENERGY_TABLES.loihi).toMatchObject({ synOpPj: 23.6, neuronUpdatePj: 81, hopPj: (3.0 + 4.0) / 2 });
  });

  it('name every figure they use in the source shown beside the estimate', () => {
    expect(ENERGY_TABLES.horowitz45.source).toMatch(/ISSCC 2014.*45 nm.*add 0\.9 pJ, multiply 3\.7 pJ.*4\.6 pJ/);
    expect(ENERGY_TABLES.loihi.source).toMatch(/IEEE Micro 38\(1\), 2018, Table 2 .*23\.6 pJ.*81 pJ active \/ 52 pJ inactive.*3\.0 pJ east-west \/ 4\.0 pJ north-south, 3\.5 pJ used/);
  });

  it('estimate energy from the counters and latency from the modelled cycles, always as an estimate', () => {
    const c = counters({ ticks: 10, synOps: 1000, neuronUpdates: 200, hops: 50, cycles: 5000 });
    const l = estimate(c, 'loihi', 100e6);
    expect(l.estimate).toBe(true);
    expect(l.breakdownJ.synOps).toBeCloseTo(1000 * 23.6e-12, 20);
    expect(l.breakdownJ.neuronUpdates).toBeCloseTo(200 * 81e-12, 20);
    expect(l.breakdownJ.hops).toBeCloseTo(50 * 3.5e-12, 20);
    expect(l.energyJ).toBeCloseTo(23.6e-9 + 16.2e-9 + 0.175e-9, 20);
    expect(l.energyPerTickJ).toBeCloseTo(l.energyJ / 10, 20);
    expect(l.latencyS).toBeCloseTo(5000 / 100e6, 15);
    expect(l.latencyPerTickS).toBeCloseTo(5e-6, 15);
    const h = estimate(c, 'horowitz45', 100e6);
    expect(h.energyJ).toBeCloseTo(1000 * 0.9e-12 + 200 * 4.6e-12, 20);
    expect(h.latencyS).toBe(l.latencyS);
    expect(h.table).toBe('45 nm CMOS, fp32 (Horowitz)');
  });
});
