/**
 * Contract, model domain: the layer palette, live inspection of a spec being edited (issues per
 * field, shapes, parameter/SynOp/memory estimates) and the workspace's saved specs.
 * Environment-neutral like contract.ts: types and plain constants only.
 */
import type { ModelSpec } from '../snn/spec';

/** One editable field of a palette entry, enough for the builder to render and pre-check a form. */
export interface CatalogField {
  key: string;
  /**
   * number/integer: one value; pair: an integer or [h, w] (`values` lists words also accepted, e.g.
   * "same"); string: a layer name; object: a nested record (neuron, surrogate, synapse); layers: a
   * nested layer list (residual branches).
   */
  kind: 'number' | 'integer' | 'enum' | 'bool' | 'pair' | 'string' | 'object' | 'layers';
  /** Value used when the field is added to a new layer; undefined = optional and absent. */
  default?: unknown;
  /** What an absent optional field means, as shown in the form (e.g. "0.1", "size", "identity"). */
  defaultText?: string;
  min?: number;
  max?: number;
  exclusiveMin?: number;
  exclusiveMax?: number;
  unit?: string;
  values?: readonly string[];
  optional: boolean;
  /** One line shown beside the field. */
  doc: string;
}

export interface CatalogEntry {
  /** Layer `type`, neuron `model`, encoder/decoder `type`, or surrogate/synapse `kind`. */
  id: string;
  title: string;
  group: 'synaptic' | 'neuron' | 'structure' | 'regularise' | 'encoder' | 'decoder' | 'surrogate' | 'synapse';
  doc: string;
  fields: CatalogField[];
  /** A complete, valid object of this entry with its defaults (what the palette inserts). */
  template: Record<string, unknown>;
}

export interface LayerCatalog {
  specFormat: string;
  specVersion: number;
  layers: CatalogEntry[];
  neurons: CatalogEntry[];
  surrogates: CatalogEntry[];
  synapses: CatalogEntry[];
  encoders: CatalogEntry[];
  decoders: CatalogEntry[];
}

/** A validation problem, located so the builder can put the message beside the field. */
export interface ModelIssue {
  /** e.g. `layers[3] (conv2d "conv2").kernel`; `(root)` for the whole document. */
  path: string;
  /** Index in spec.layers of the top-level layer concerned, or null. */
  layerIndex: number | null;
  /** Field name within that layer (or the root field), or null. */
  field: string | null;
  message: string;
}

export interface InspectOptions {
  batchSize: number;
  /** Defaults to spec.timesteps. */
  timesteps?: number;
  /** Assumed mean firing rate for SynOp/energy estimates (0..1); default 0.1. */
  firingRate?: number;
}

export interface LayerInspection {
  name: string;
  type: string;
  path: string;
  depth: number;
  inputShape: number[];
  outputShape: number[];
  params: number;
  /** Equivalent ANN MACs per sample and time step. */
  macsPerStep: number;
  /** Estimated accumulates per sample over all T at the assumed firing rate (synaptic layers fed by spikes). */
  synOps: number;
  /** Synaptic layers: 'ac' when fed spikes (SynOps), 'mac' when fed analog values (MACs every step); else null. */
  countedAs: 'ac' | 'mac' | null;
  /** Estimated compute energy per sample over all T (SynOps x AC or MACs x T x MAC of the totals' table), pJ. */
  energyPj: number;
}

export interface ModelInspection {
  ok: boolean;
  issues: ModelIssue[];
  /** The migrated, validated spec; null when invalid. */
  spec: ModelSpec | null;
  layers: LayerInspection[];
  totals: {
    params: number;
    annMacsPerSample: number;
    synOpsPerSample: number;
    /** MACs per sample over all T of synaptic layers fed analog values (direct encoding, after BN/avgpool). */
    snnMacsPerSample: number;
    /** Energy estimates per sample from a named table (always labelled as estimates). */
    energyTable: string;
    /** Per-operation energies of that table, picojoules. */
    acPj: number;
    macPj: number;
    annEnergyPj: number;
    snnEnergyPj: number;
    parameterBytes: number;
    bpttBytes: number;
    trainingBytes: number;
  };
  /** The batch size, T and firing rate the estimates are for. */
  assumptions: { batchSize: number; timesteps: number; firingRate: number };
}

export interface SavedModelSummary {
  name: string;
  /** Built-in seed network (read-only) or a spec saved in the workspace's models/ folder. */
  builtin: boolean;
  title: string;
  input: number[];
  layers: number;
  params: number;
  savedAt: string | null;
  /** Why a saved file cannot be used (unreadable, not JSON, invalid spec); null when it loads. */
  error: string | null;
}

export interface ModelsApi {
  getLayerCatalog(): Promise<LayerCatalog>;
  /** Never rejects for an invalid spec: returns ok=false with issues. Rejects only for bad options. */
  inspectModel(spec: unknown, options: InspectOptions): Promise<ModelInspection>;
  /** Built-in seed networks first, then the workspace's saved specs. */
  listModels(): Promise<SavedModelSummary[]>;
  /** Validates and writes models/<name>.json atomically; the name comes from spec.name. */
  saveModel(spec: ModelSpec): Promise<SavedModelSummary>;
  loadModel(name: string): Promise<ModelSpec>;
}

export const MODELS_CHANNELS = {
  getLayerCatalog: 'models:catalog',
  inspectModel: 'models:inspect',
  listModels: 'models:list',
  saveModel: 'models:save',
  loadModel: 'models:load',
} as const satisfies Record<keyof ModelsApi, string>;
