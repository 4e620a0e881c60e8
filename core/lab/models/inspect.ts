/**
 * Live inspection of a spec being edited: validator issues located by layer and field, and for a
 * valid spec per-layer shapes, parameters, MACs, SynOps at an assumed firing rate, energy and BPTT
 * memory. Pure and fast (tens of microseconds per layer), so the service runs it on its own thread.
 *
 * SynOps follow the counting of core/snn/metrics.ts (Rueckauer et al., 2017, sec. 2.6): a synaptic
 * layer fed spikes does one accumulate per input spike per outgoing synapse, i.e. rate x MACs per
 * step x T; one fed analog values (direct encoding, after BN or average pooling) does MACs every step.
 */
import { ApiError } from '../../api/contract';
import type { InspectOptions, LayerInspection, ModelInspection, ModelIssue } from '../../api/contractModels';
import { defaultKernelThreads } from '../../native/loader';
import { estimateModel } from '../../snn/estimates';
import { ENERGY_TABLES } from '../../snn/metrics';
import { checkModelSpec, type LayerShapeInfo, type SpecIssue } from '../../snn/specValidate';

export const DEFAULT_FIRING_RATE = 0.1;
export const ENERGY_TABLE_ID = '45nm-horowitz-2014';
const MAX_BATCH = 65536;

/** Validated options with defaults applied; BAD_REQUEST names the option at fault. */
export function inspectOptions(raw: InspectOptions, specTimesteps: number | null): { batchSize: number; timesteps: number | null; firingRate: number } {
  const o = raw as unknown as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['batchSize', 'timesteps', 'firingRate'].includes(k)) throw new ApiError('BAD_REQUEST', `inspectModel: unknown option "${k}"; allowed: batchSize, timesteps, firingRate`);
  const int = (k: string, v: unknown, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new ApiError('BAD_REQUEST', `inspectModel: ${k} must be an integer in [1, ${max}], got ${JSON.stringify(v)}`);
    return v;
  };
  const batchSize = int('batchSize', o.batchSize, MAX_BATCH);
  const timesteps = o.timesteps === undefined ? specTimesteps : int('timesteps', o.timesteps, 100000);
  const fr = o.firingRate ?? DEFAULT_FIRING_RATE;
  if (typeof fr !== 'number' || !Number.isFinite(fr) || fr < 0 || fr > 1) throw new ApiError('BAD_REQUEST', `inspectModel: firingRate must be a number in [0, 1], got ${JSON.stringify(fr)}`);
  return { batchSize, timesteps, firingRate: fr };
}

/**
 * `layers[3] (conv2d "conv2").neuron.beta` -> layer 3, field `neuron.beta`; nested layers keep their
 * relative path (`layers[0].kernel` inside a residual block); `decoder (voting).classes` -> field
 * `decoder.classes`. The labels in parentheses are dropped: layer names cannot contain them.
 */
export function locateIssue(issue: SpecIssue): ModelIssue {
  const plain = issue.path.replace(/ \([^)]*\)/g, '');
  const m = /^layers\[(\d+)\](?:\.(.+))?$/.exec(plain);
  if (m) return { path: issue.path, layerIndex: Number(m[1]), field: m[2] ?? null, message: issue.message };
  return { path: issue.path, layerIndex: null, field: plain === '(root)' ? null : plain, message: issue.message };
}

const EMPTY_TOTALS = (table: (typeof ENERGY_TABLES)[string]): ModelInspection['totals'] => ({
  params: 0,
  annMacsPerSample: 0,
  synOpsPerSample: 0,
  snnMacsPerSample: 0,
  energyTable: table.label,
  acPj: table.acPj,
  macPj: table.macPj,
  annEnergyPj: 0,
  snnEnergyPj: 0,
  parameterBytes: 0,
  bpttBytes: 0,
  trainingBytes: 0,
});

export function inspectModelSpec(raw: unknown, options: InspectOptions): ModelInspection {
  const specT = typeof raw === 'object' && raw !== null && typeof (raw as { timesteps?: unknown }).timesteps === 'number' ? (raw as { timesteps: number }).timesteps : null;
  const opts = inspectOptions(options, specT);
  const table = ENERGY_TABLES[ENERGY_TABLE_ID];
  const checked = checkModelSpec(raw);
  if (!checked.ok) {
    return {
      ok: false,
      issues: checked.issues.map(locateIssue),
      spec: null,
      layers: [],
      totals: EMPTY_TOTALS(table),
      assumptions: { batchSize: opts.batchSize, timesteps: opts.timesteps ?? 0, firingRate: opts.firingRate },
    };
  }
  const spec = checked.spec;
  const T = opts.timesteps ?? spec.timesteps;
  // Native convolution keeps one column block per kernel thread: part of what training allocates.
  const est = estimateModel(spec, { batch: opts.batchSize, timesteps: T, threads: defaultKernelThreads() });
  const shapeOf = new Map<string, LayerShapeInfo>(checked.shapes.layers.map((l) => [l.path, l]));
  let synOps = 0;
  let snnMacs = 0;
  const layers: LayerInspection[] = est.layers.map((l) => {
    const synaptic = l.type === 'dense' || l.type === 'conv2d';
    const info = shapeOf.get(l.path);
    let countedAs: LayerInspection['countedAs'] = null;
    let ops = 0;
    let energyPj = 0;
    if (synaptic) {
      countedAs = info && info.inputKind !== 'analog' ? 'ac' : 'mac';
      if (countedAs === 'ac') {
        ops = opts.firingRate * l.macsPerStep * T;
        synOps += ops;
        energyPj = ops * table.acPj;
      } else {
        snnMacs += l.macsPerStep * T;
        energyPj = l.macsPerStep * T * table.macPj;
      }
    }
    return {
      name: l.name,
      type: l.type,
      path: l.path,
      depth: l.depth,
      inputShape: l.inputShape,
      outputShape: l.outputShape,
      params: l.params,
      macsPerStep: l.macsPerStep,
      synOps: ops,
      countedAs,
      energyPj,
    };
  });
  return {
    ok: true,
    issues: [],
    spec,
    layers,
    totals: {
      params: est.totalParams,
      annMacsPerSample: est.annMacsPerSample,
      synOpsPerSample: synOps,
      snnMacsPerSample: snnMacs,
      energyTable: table.label,
      acPj: table.acPj,
      macPj: table.macPj,
      annEnergyPj: est.annMacsPerSample * table.macPj,
      snnEnergyPj: synOps * table.acPj + snnMacs * table.macPj,
      parameterBytes: est.bytes.parameters,
      bpttBytes: est.bytes.bptt,
      trainingBytes: est.bytes.trainingTotal,
    },
    assumptions: { batchSize: opts.batchSize, timesteps: T, firingRate: opts.firingRate },
  };
}
