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

export const ENERGY_TABLES: Record<'horowitz45' | 'loihi', EnergyTable> = {
  horowitz45: {
    id: 'horowitz45',
    label: '45 nm CMOS (Horowitz)',
    source:
      'M. Horowitz, "Computing\'s energy problem", ISSCC 2014: 32-bit float add 0.9 pJ, multiply 3.7 pJ (MAC 4.6 pJ). A synaptic op is counted as one add (the usual SNN convention); a neuron update as add + multiply (leak); no interconnect figure, so hops cost 0.',
    synOpPj: 0.9,
    neuronUpdatePj: 4.6,
    hopPj: 0,
  },
  loihi: {
    id: 'loihi',
    label: 'Intel Loihi (published)',
    source:
      'M. Davies et al., "Loihi: a neuromorphic manycore processor with on-chip learning", IEEE Micro 38(1), 2018, table of energy and performance figures (14 nm): synaptic spike op 23.6 pJ (minimum); neuron update taken as 52 pJ and a tile hop as 3.5 pJ (the paper gives separate active/inactive and E-W/N-S figures; these are rounded representatives, check the paper before quoting them).',
    synOpPj: 23.6,
    neuronUpdatePj: 52,
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
  /** From the board's modelled cycles and clock. */
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
