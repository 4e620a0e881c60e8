/**
 * Spike metrics of a forward pass: per-layer spike counts, firing rates and sparsity (from
 * Layer.activity()), synaptic operations, and an energy estimate against the equivalent ANN.
 *
 * A synaptic layer fed by spikes does one accumulate (AC) per input spike per outgoing synapse:
 * SynOps = input spikes x fan-out (Merolla et al., Science 2014; Rueckauer et al., Front. Neurosci.
 * 2017, sec. 2.6). Its fan-out is taken as the layer's connections over its inputs (MACs / input
 * elements): exact for dense, an average over border effects for conv. Layers fed analog values
 * (direct encoding, after average pooling or batch norm) do full MACs every step. Energy multiplies
 * the counts by a named per-operation table; memory traffic is left out, which favours neither side
 * much for compute-bound layers but ignores the cost of moving weights. Results are estimates and
 * labelled so.
 */
import type { LayerActivity } from './layers/layer';
import type { ModelSpec } from './spec';
import { estimateModel } from './estimates';
import { inferShapes, type LayerShapeInfo, type ValueKind } from './specValidate';

export interface EnergyTable {
  id: string;
  label: string;
  /** Where the numbers come from. */
  source: string;
  /** Energy of one accumulate (addition), picojoules. */
  acPj: number;
  /** Energy of one multiply-accumulate, picojoules. */
  macPj: number;
}

/**
 * Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014, 45 nm, 0.9 V:
 * 32-bit float add 0.9 pJ, multiply 3.7 pJ (MAC 4.6 pJ); 8-bit int add 0.03 pJ, multiply 0.2 pJ.
 */
export const ENERGY_TABLES: Readonly<Record<string, EnergyTable>> = {
  '45nm-horowitz-2014': {
    id: '45nm-horowitz-2014',
    label: '45 nm, 32-bit float (Horowitz 2014)',
    source: 'M. Horowitz, ISSCC 2014, 45 nm: fp32 add 0.9 pJ, fp32 mult 3.7 pJ',
    acPj: 0.9,
    macPj: 4.6,
  },
  '45nm-horowitz-2014-int8': {
    id: '45nm-horowitz-2014-int8',
    label: '45 nm, 8-bit integer (Horowitz 2014)',
    source: 'M. Horowitz, ISSCC 2014, 45 nm: int8 add 0.03 pJ, int8 mult 0.2 pJ',
    acPj: 0.03,
    macPj: 0.23,
  },
};

export class MetricsError extends Error {
  readonly code: 'METRICS_UNKNOWN_TABLE' | 'METRICS_BAD_INPUT';
  constructor(code: MetricsError['code'], message: string) {
    super(message);
    this.name = 'MetricsError';
    this.code = code;
  }
}

export interface SpikingLayerMetrics {
  name: string;
  spikes: number;
  neuronSteps: number;
  /** Spikes per neuron per step. */
  firingRate: number;
  /** 1 - firingRate: the fraction of silent neuron-steps. */
  sparsity: number;
  /** Spikes per sample (all steps). */
  spikesPerSample: number;
}

export interface SynapticLayerMetrics {
  name: string;
  type: 'dense' | 'conv2d';
  inputKind: ValueKind;
  /** 'ac': spike-driven accumulates; 'mac': full MACs every step (analog or unknown input). */
  countedAs: 'ac' | 'mac';
  /** Why it is counted as MACs, when it is. */
  reason?: string;
  /** Average outgoing synapses per input element. */
  fanOut: number;
  /** Input spikes per sample over all steps (ac layers). */
  inputEventsPerSample: number;
  /** Operations per sample over all steps: ACs for 'ac' layers, MACs for 'mac' layers. */
  opsPerSample: number;
  /** MACs per sample of the same layer in the equivalent ANN (one pass). */
  annMacsPerSample: number;
}

export interface SpikeMetricsReport {
  /** Always true: counts are derived from measured spikes, energy from a table. */
  estimate: true;
  table: EnergyTable;
  timesteps: number;
  batch: number;
  spiking: SpikingLayerMetrics[];
  synaptic: SynapticLayerMetrics[];
  perSample: {
    spikes: number;
    synOps: number;
    snnMacs: number;
    annMacs: number;
    snnEnergyPj: number;
    annEnergyPj: number;
    /** annEnergy / snnEnergy; above 1 means the SNN is estimated to use less energy. */
    energyRatio: number;
  };
  notes: string[];
}

export interface SpikeMetricsOptions {
  batch: number;
  timesteps?: number;
  /** Total encoder spikes over the batch; without it a spike-encoded first layer counts MACs. */
  inputSpikes?: number;
  /** ENERGY_TABLES id; default '45nm-horowitz-2014'. */
  table?: string;
}

/** Activity of every spiking layer of a network, keyed by layer name. */
export function collectActivity(layers: Iterable<{ name: string; activity(): LayerActivity | null }>): Map<string, LayerActivity> {
  const m = new Map<string, LayerActivity>();
  for (const l of layers) {
    const a = l.activity();
    if (a) m.set(l.name, a);
  }
  return m;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * Spike counts, SynOps and energy for one forward of `batch` samples over `timesteps` steps, from
 * the activity the layers reported.
 */
export function spikeMetrics(spec: ModelSpec, activity: ReadonlyMap<string, LayerActivity>, opts: SpikeMetricsOptions): SpikeMetricsReport {
  const tableId = opts.table ?? '45nm-horowitz-2014';
  const table = ENERGY_TABLES[tableId];
  if (!table) throw new MetricsError('METRICS_UNKNOWN_TABLE', `unknown energy table "${tableId}"; known: ${Object.keys(ENERGY_TABLES).join(', ')}`);
  const B = opts.batch;
  const T = opts.timesteps ?? spec.timesteps;
  if (!(Number.isInteger(B) && B > 0)) throw new MetricsError('METRICS_BAD_INPUT', `batch must be a positive integer, got ${B}`);
  const shapes = inferShapes(spec);
  const est = estimateModel(spec, { batch: B, timesteps: T });
  const macsOf = new Map(est.layers.map((l) => [l.name, l.macsPerStep]));
  const notes: string[] = [];

  const spiking: SpikingLayerMetrics[] = [];
  for (const info of shapes.layers) {
    const a = activity.get(info.name);
    if (!a) continue;
    if (a.neuronSteps <= 0 || a.spikes < 0 || a.spikes > a.neuronSteps)
      throw new MetricsError('METRICS_BAD_INPUT', `${info.name}: activity ${a.spikes} spikes over ${a.neuronSteps} neuron-steps is impossible`);
    const rate = a.spikes / a.neuronSteps;
    spiking.push({ name: info.name, spikes: a.spikes, neuronSteps: a.neuronSteps, firingRate: rate, sparsity: 1 - rate, spikesPerSample: a.spikes / B });
  }

  /** Spikes per sample arriving at `info` and whether that is exact (shape-only path). */
  const eventsFor = (info: LayerShapeInfo): { events: number; reason?: string } => {
    const src = info.eventSource;
    const inN = prod(info.inputShape);
    if (src === null) return { events: 0, reason: 'input events have no single spiking source (e.g. a residual sum)' };
    if (src === 'encoder') {
      if (opts.inputSpikes === undefined) return { events: 0, reason: 'encoder spike count not given (inputSpikes)' };
      return { events: opts.inputSpikes / B };
    }
    const a = activity.get(src);
    if (!a) return { events: 0, reason: `no activity reported for "${src}"` };
    // Rate at the source times this layer's inputs: exact through flatten/delay, an
    // approximation through max pooling (an OR of spikes fires at least as often as each input).
    return { events: (a.spikes / a.neuronSteps) * inN * T };
  };

  const synaptic: SynapticLayerMetrics[] = [];
  let synOps = 0;
  let snnMacs = 0;
  let annMacs = 0;
  for (const info of shapes.layers) {
    if (info.type !== 'dense' && info.type !== 'conv2d') continue;
    const macs = macsOf.get(info.name) ?? 0;
    const fanOut = macs / prod(info.inputShape);
    annMacs += macs;
    const base = { name: info.name, type: info.type, inputKind: info.inputKind, fanOut, annMacsPerSample: macs };
    let reason: string | undefined;
    if (info.inputKind !== 'analog') {
      const ev = eventsFor(info);
      if (ev.reason === undefined) {
        const ops = ev.events * fanOut;
        synOps += ops;
        synaptic.push({ ...base, countedAs: 'ac', inputEventsPerSample: ev.events, opsPerSample: ops });
        continue;
      }
      reason = ev.reason;
    } else reason = 'analog input: a full MAC per synapse every step';
    const ops = macs * T;
    snnMacs += ops;
    synaptic.push({ ...base, countedAs: 'mac', reason, inputEventsPerSample: 0, opsPerSample: ops });
    if (info.inputKind !== 'analog') notes.push(`${info.name}: counted as MACs because ${reason}`);
  }

  const snnEnergyPj = synOps * table.acPj + snnMacs * table.macPj;
  const annEnergyPj = annMacs * table.macPj;
  notes.push(
    `Estimate from the ${table.label} table: compute only (no memory access, no neuron updates); SynOps = input spikes x average fan-out.`,
  );
  return {
    estimate: true,
    table,
    timesteps: T,
    batch: B,
    spiking,
    synaptic,
    perSample: {
      spikes: spiking.reduce((a, s) => a + s.spikesPerSample, 0),
      synOps,
      snnMacs,
      annMacs,
      snnEnergyPj,
      annEnergyPj,
      energyRatio: snnEnergyPj > 0 ? annEnergyPj / snnEnergyPj : Infinity,
    },
    notes,
  };
}
