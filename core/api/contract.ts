/**
 * The one API contract between the renderer and the lab service.
 *
 * Everything the renderer knows about the backend is in this file. Two transports implement it and
 * are checked against it with `satisfies SpikeLabApi`: the Electron preload (contextBridge + ipc) and
 * the web host client (WebSocket). This file must stay environment-neutral: no Node, DOM or Electron
 * imports, only types and plain constants, so the renderer, the preload and the core can all import it.
 */
import type { ModelSpec } from '../snn/spec';
import { BOARD_CHANNELS, type BoardApi, type BoardProgress } from './contractBoard';
import { DATA_CHANNELS, type DataApi } from './contractData';
import { METHODS_CHANNELS, PLASTICITY_CHANNELS, type CurveEvent, type MethodsApi, type PlasticityApi, type PlasticityEvent } from './contractMethods';
import { MODELS_CHANNELS, type ModelsApi } from './contractModels';
import { PROBE_CHANNELS, type ProbeApi } from './contractProbe';

export type * from './contractBoard';
export type * from './contractData';
export type * from './contractMethods';
export type * from './contractModels';
export type * from './contractProbe';
export { EMULATOR_PORT } from './contractBoard';

export const API_VERSION = 1;

export type BackendName = 'native' | 'reference';

export interface AppInfo {
  version: string;
  apiVersion: number;
  /** Which kernel backend the lab service loaded, and why when it fell back. */
  backend: BackendName;
  backendNote: string | null;
  workspace: string;
  host: 'electron' | 'web';
}

/** User-tunable settings of a training run; presets supply defaults. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  timesteps: number;
  seed: number;
  /** Use only the first N training samples (quick runs, tests). Null = all. */
  trainLimit: number | null;
  /** Use only the first N test samples. Null = all. */
  testLimit: number | null;
}

export interface PresetSummary {
  name: string;
  title: string;
  description: string;
  dataset: string;
  method: string;
  defaults: TrainSettings;
}

export interface TrainRequest {
  /** Name of a preset (see listPresets). */
  preset: string;
  settings?: Partial<TrainSettings>;
  /** Human label for the run; defaults to the preset name. */
  name?: string;
  /** Train on an event dataset folder instead of the preset's built-in dataset (event presets). */
  data?: EventDataRef;
  /** Training method (see listMethods); defaults to the preset's. */
  method?: string;
  /** The method's hyperparameters (validated against its option table); absent keys take defaults. */
  methodOptions?: Record<string, unknown>;
  /** A model from the builder instead of the preset's; must fit the preset's dataset (input shape, classes). */
  model?: ModelSpec;
}

/** An event dataset on disk: a folder, and a `file,label` CSV where the folder has none of its own. */
export interface EventDataRef {
  /** Absolute path of the dataset folder. */
  path: string;
  /** Absolute path of a labels CSV; null = found in the folder or implied by its layout. */
  labels: string | null;
}

/** Everything needed to (re)start a run; stored as config.json in the run folder. */
export interface RunConfig {
  preset: string;
  name: string;
  method: string;
  dataset: string;
  model: ModelSpec;
  settings: TrainSettings;
  /** Event dataset the run trains on (absent: the preset's dataset). */
  data?: EventDataRef;
  /** Method hyperparameters as given (validated by the method); absent = defaults. */
  methodOptions?: Record<string, unknown>;
}

export type RunStatus =
  | 'queued'
  | 'running'
  | 'paused'
  | 'completed'
  | 'stopped'
  | 'failed'
  /** The process died while the run was active; the last checkpoint is intact. */
  | 'interrupted';

export interface RunSummary {
  id: string;
  name: string;
  preset: string;
  method: string;
  dataset: string;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  epochsDone: number;
  epochs: number;
  bestTestAccuracy: number | null;
  /** File name of the newest checkpoint inside the run folder, if any. */
  lastCheckpoint: string | null;
  error: string | null;
}

/** One line of metrics.jsonl. */
export interface MetricRecord {
  kind: 'batch' | 'epoch';
  epoch: number;
  /** Batch records: 0-based index of the batch just completed. Epoch records: stepsPerEpoch. */
  step: number;
  stepsPerEpoch: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  loss: number;
  trainAccuracy: number | null;
  testAccuracy: number | null;
  learningRate: number;
  samplesPerSecond: number | null;
  /** Mean firing rate (spikes per neuron per step) by layer name. */
  firingRates: Record<string, number>;
}

export interface RunDetail {
  summary: RunSummary;
  config: RunConfig;
  metrics: MetricRecord[];
}

/**
 * A sampled spike raster of one layer for one sample: address-event pairs (times[i], ids[i]).
 * The service decimates these to a bounded rate and size before they reach a subscriber.
 */
export interface SpikeSnapshot {
  runId: string;
  layer: string;
  epoch: number;
  step: number;
  timesteps: number;
  neurons: number;
  times: number[];
  ids: number[];
  /** True when the raster was cut to fit the event budget. */
  truncated: boolean;
  /** Membrane traces of a few neurons of this layer over the T steps, where the method records them. */
  membrane?: { neuron: number; values: number[] }[];
  threshold?: number | null;
}

export interface RunProgress {
  runId: string;
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  samplesPerSecond: number;
  etaSeconds: number | null;
}

export type RunEvent =
  | { type: 'status'; run: RunSummary }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metric'; runId: string; metric: MetricRecord }
  | { type: 'spikes'; snapshot: SpikeSnapshot }
  | CurveEvent
  | PlasticityEvent
  | BoardProgress;

export type Unsubscribe = () => void;

/** The core run API plus one interface per domain (contract*.ts files beside this one). */
export interface SpikeLabApi extends ModelsApi, MethodsApi, PlasticityApi, DataApi, BoardApi, ProbeApi {
  getAppInfo(): Promise<AppInfo>;
  listPresets(): Promise<PresetSummary[]>;
  listRuns(): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunDetail>;
  startRun(request: TrainRequest): Promise<RunSummary>;
  pauseRun(runId: string): Promise<RunSummary>;
  resumeRun(runId: string): Promise<RunSummary>;
  stopRun(runId: string): Promise<RunSummary>;
  /** Removes a run's folder (config, metrics, checkpoints). Refuses an active run with CONFLICT: stop it first.
   * Resolves with the run's last summary (a reply always carries a result, so the WebSocket frame is never empty). */
  deleteRun(runId: string): Promise<RunSummary>;
  /** Subscribe to status, progress, metric and spike events of all runs. */
  onRunEvent(listener: (event: RunEvent) => void): Unsubscribe;
}

/** Channel names (`domain:verb`), shared by the ipc and WebSocket transports. */
export const API_CHANNELS = {
  getAppInfo: 'app:info',
  listPresets: 'presets:list',
  listRuns: 'runs:list',
  getRun: 'runs:get',
  startRun: 'runs:start',
  pauseRun: 'runs:pause',
  resumeRun: 'runs:resume',
  stopRun: 'runs:stop',
  deleteRun: 'runs:delete',
  runEvent: 'runs:event',
  ...MODELS_CHANNELS,
  ...METHODS_CHANNELS,
  ...PLASTICITY_CHANNELS,
  ...DATA_CHANNELS,
  ...BOARD_CHANNELS,
  ...PROBE_CHANNELS,
} as const satisfies Record<Exclude<keyof SpikeLabApi, 'onRunEvent'> | 'runEvent', string>;

export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'UNKNOWN_PRESET'
  | 'CONFLICT'
  | 'WORKSPACE_UNWRITABLE'
  | 'DATASET_INVALID'
  | 'TRANSPORT'
  | 'INTERNAL';

/** Errors cross both transports as `{ code, message }` and are rebuilt as ApiError on the other side. */
export interface ApiErrorPayload {
  code: ApiErrorCode;
  message: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
  toPayload(): ApiErrorPayload {
    return { code: this.code, message: this.message };
  }
  static fromPayload(p: ApiErrorPayload): ApiError {
    return new ApiError(p.code, p.message);
  }
}
