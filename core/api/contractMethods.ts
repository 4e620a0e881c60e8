/**
 * Contract, methods domain: the training methods the engine offers with their hyperparameters
 * (the method picker), and accuracy-versus-timesteps curves (the accuracy-latency view).
 */

export interface MethodOptionInfo {
  key: string;
  kind: 'number' | 'enum' | 'bool' | 'numbers';
  default: number | string | boolean | number[];
  min?: number;
  max?: number;
  integer?: boolean;
  values?: readonly string[];
  /** One-line explanation shown beside the field. */
  doc: string;
}

export interface MethodInfo {
  /** Registry name, e.g. `bptt`, `conversion`, `asf`, `stdp-pair`. */
  name: string;
  title: string;
  family: 'conversion' | 'spatial' | 'spatio-temporal' | 'temporal' | 'hybrid' | 'plasticity' | 'supervised-temporal';
  description: string;
  /** Paper(s) the method follows. */
  references: string[];
  options: MethodOptionInfo[];
  /** Presets that use this method by default. */
  presets: string[];
}

export interface CurvePoint {
  timesteps: number;
  accuracy: number;
}

/** Accuracy against the number of simulation steps for one coding/variant of a run. */
export interface AccuracyCurve {
  runId: string;
  /** e.g. `rate`, `ttfs`, `snn`. */
  name: string;
  /** The ANN's (or reference) accuracy drawn as a line, where there is one. */
  reference: number | null;
  samples: number;
  points: CurvePoint[];
  createdAt: string;
}

export interface CurveRequest {
  /** Step counts to evaluate, ascending, 1..1024. */
  timesteps: number[];
  /** Test samples per point (first N of the test set). */
  samples: number;
}

export interface MethodsApi {
  listMethods(): Promise<MethodInfo[]>;
  /** Accuracy-vs-T of a finished run's final weights; runs off the service thread; stored with the run. */
  measureCurve(runId: string, request: CurveRequest): Promise<AccuracyCurve>;
  /** Curves stored with a run (written by conversion methods and by measureCurve). */
  listCurves(runId: string): Promise<AccuracyCurve[]>;
}

export const METHODS_CHANNELS = {
  listMethods: 'methods:list',
  measureCurve: 'methods:curve',
  listCurves: 'methods:curves',
} as const satisfies Record<keyof MethodsApi, string>;

/** Streamed while a run computes a curve, and when measureCurve finishes. */
export interface CurveEvent {
  type: 'curve';
  curve: AccuracyCurve;
}

/**
 * Live state of a plasticity rule (STDP family, Diehl & Cook, Tempotron, ReSuMe, SpikeProp),
 * decimated by the worker like spike snapshots.
 */
export interface PlasticitySnapshot {
  runId: string;
  epoch: number;
  step: number;
  /** Weight maps, e.g. Diehl & Cook's 28x28 receptive fields: `count` maps of rows x cols, row-major. */
  receptiveFields?: { rows: number; cols: number; count: number; data: number[]; min: number; max: number };
  /** Histogram of one weight matrix. */
  histogram?: { layer: string; edges: number[]; counts: number[] };
  /** Output neuron voltage against its threshold, with produced and target spike times (ms). */
  trace?: { dtMs: number; voltage: number[]; threshold: number; outputSpikesMs: number[]; targetSpikesMs: number[] };
}

export interface PlasticityEvent {
  type: 'plasticity';
  snapshot: PlasticitySnapshot;
}

export interface StdpWindowRequest {
  /** Rule name, e.g. `stdp-pair`, `stdp-triplet`. */
  rule: string;
  options: Record<string, unknown>;
  /** Δt range in ms, symmetric: [-rangeMs, rangeMs]. */
  rangeMs: number;
  points: number;
}

export interface StdpWindow {
  rule: string;
  dtMs: number[];
  dw: number[];
}

export interface PlasticityApi {
  /** The STDP window (Δw against t_post − t_pre) of a rule at the given parameters, simulated. */
  stdpWindow(request: StdpWindowRequest): Promise<StdpWindow>;
  /**
   * The newest plasticity snapshot stored with a run (saved every few seconds, at each checkpoint,
   * on pause and at the end), so a finished run still shows its receptive fields; null if it has none.
   */
  lastPlasticity(runId: string): Promise<PlasticitySnapshot | null>;
}

export const PLASTICITY_CHANNELS = {
  stdpWindow: 'plasticity:window',
  lastPlasticity: 'plasticity:last',
} as const satisfies Record<keyof PlasticityApi, string>;
