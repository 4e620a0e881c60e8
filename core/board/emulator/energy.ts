/**
 * Energy and latency estimates from activity counters and a per-operation cost table. These are
 * ESTIMATES: a board's real figures depend on its logic, memory and clock; every result carries
 * `estimate: true` and the table's source so the UI can label it.
 */
import type { Counters } from '../messages';

export interface EnergyTable {
  id: string;
  label: string;
  source: string;
  /** Energy per synaptic operation (one weight added to one membrane), pJ. */
  synOpPj: number;
  /** Energy per neuron state update, pJ. */
  neuronUpdatePj: number;
  /** Energy per spike packet hop between cores, pJ (0 where the source gives no figure). */
  hopPj: number;
}

/*
 * Provenance of every figure (docs/board-protocol.md section 11 has the same table). Neither primary
 * PDF could be read from this project; each figure was checked against verbatim quotations of the
 * source table in independent secondary sources, and is marked where that failed.
 *
 * Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014, paper 1.1,
 * energy table for 45 nm at 0.9 V (the figure number, 1.1.9, is NOT verified):
 *   fp32 add 0.9 pJ, fp32 mult 3.7 pJ, int32 add 0.1 pJ, int32 mult 3.1 pJ   (verified)
 *   int8 add 0.03 pJ, int8 mult 0.2 pJ                                       (verified)
 *   64-bit read: 8 KB SRAM 10 pJ, 32 KB SRAM 20 pJ, 1 MB SRAM 100 pJ,
 *   DRAM 1.3-2.6 nJ                                                          (verified)
 * Davies et al., "Loihi: a neuromorphic manycore processor with on-chip learning", IEEE Micro
 * 38(1):82-99, 2018, Table 2 ("Loihi pre-silicon performance and energy measurements": SDF/SPICE
 * simulation, 14 nm), all verified:
 *   synaptic spike op 23.6 pJ (min), 3.5 ns (max); neuron update 81 pJ active / 52 pJ inactive,
 *   8.4 ns / 5.3 ns; within-tile spike 1.7 pJ, 2.1 ns; tile hop 3.0 pJ E-W / 4.0 pJ N-S,
 *   4.1 ns / 6.5 ns; pairwise-STDP synaptic update 120 pJ, 6.1 ns; barrier sync 113-465 ns.
 * (Table 1 of that paper lists learning-rule variables, not energies.)
 */
export const ENERGY_TABLES: Record<'horowitz45' | 'loihi', EnergyTable> = {
  horowitz45: {
    id: 'horowitz45',
    label: '45 nm CMOS, fp32 (Horowitz)',
    source:
      'M. Horowitz, "Computing\'s energy problem (and what we can do about it)", ISSCC 2014, 45 nm / 0.9 V energy table: 32-bit float add 0.9 pJ, multiply 3.7 pJ. A synaptic op is one fp32 add, a neuron update one multiply-add (4.6 pJ), the convention of the software estimate (docs/model-spec.md), so board and software figures compare like for like; the board itself adds integers (int32 add 0.1 pJ, int8 add 0.03 pJ in the same table). Memory reads and interconnect are left out (hops cost 0).',
    // Horowitz 2014, 45 nm table: fp32 add (verified).
    synOpPj: 0.9,
    // Horowitz 2014, 45 nm table: fp32 mult 3.7 + fp32 add 0.9 (both verified).
    neuronUpdatePj: 4.6,
    // The table has no on-chip network figure.
    hopPj: 0,
  },
  loihi: {
    id: 'loihi',
    label: 'Intel Loihi (published, pre-silicon)',
    source:
      'M. Davies et al., "Loihi: a neuromorphic manycore processor with on-chip learning", IEEE Micro 38(1), 2018, Table 2 (pre-silicon SDF/SPICE figures, 14 nm): energy per synaptic spike op 23.6 pJ (min); per neuron update 81 pJ active / 52 pJ inactive, 81 used because the board integrates and leaks every neuron every tick; per tile hop 3.0 pJ east-west / 4.0 pJ north-south, 3.5 pJ used as their mean because the hop counter does not split directions.',
    // Davies 2018, Table 2: "Energy per synaptic spike op (min) 23.6 pJ" (verified).
    synOpPj: 23.6,
    // Davies 2018, Table 2: "Energy per neuron update (active / inactive) 81 pJ / 52 pJ" (verified);
    // the active figure, since every board neuron leaks and integrates each tick.
    neuronUpdatePj: 81,
    // Davies 2018, Table 2: "Energy per tile hop (E-W / N-S) 3.0 pJ / 4.0 pJ" (verified); 3.5 is
    // our mean of the two, not a published figure (nor the 3.5 ns synaptic op time of that table).
    hopPj: 3.5,
  },
};
export type EnergyTableId = keyof typeof ENERGY_TABLES;

export interface Estimate {
  estimate: true;
  table: string;
  source: string;
  energyJ: number;
  energyPerTickJ: number;
  breakdownJ: { synOps: number; neuronUpdates: number; hops: number };
  /**
   * From the board's modelled cycles and its HELLO clock, the same for every table: neither source
   * gives a latency model of this board (Loihi's per-op times are listed above, unused).
   */
  latencyS: number;
  latencyPerTickS: number;
}

export function estimate(c: Counters, tableId: EnergyTableId, clockHz: number): Estimate {
  const t = ENERGY_TABLES[tableId];
  const pj = 1e-12;
  const breakdownJ = { synOps: c.synOps * t.synOpPj * pj, neuronUpdates: c.neuronUpdates * t.neuronUpdatePj * pj, hops: c.hops * t.hopPj * pj };
  const energyJ = breakdownJ.synOps + breakdownJ.neuronUpdates + breakdownJ.hops;
  const latencyS = c.cycles / clockHz;
  const ticks = Math.max(1, c.ticks);
  return { estimate: true, table: t.label, source: t.source, energyJ, energyPerTickJ: energyJ / ticks, breakdownJ, latencyS, latencyPerTickS: latencyS / ticks };
}
