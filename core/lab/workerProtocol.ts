/** Messages between the lab service (parent thread) and a training worker. Plain, structured-cloneable data. */
import type { AccuracyCurve, MetricRecord, PlasticitySnapshot, RunConfig, RunProgress, SpikeSnapshot } from '../api/contract';

/** Rate and size bounds for what a worker streams to the parent. */
export interface StreamLimits {
  /** Minimum milliseconds between progress messages and between coalesced batch metrics (100 = 10/s). */
  progressIntervalMs: number;
  /** Minimum milliseconds between spike snapshots (250 = 4/s). */
  spikesIntervalMs: number;
  /** Minimum milliseconds between plasticity snapshots (500 = 2/s). */
  plasticityIntervalMs: number;
  /** Spike events per snapshot; longer rasters are cut and flagged `truncated`. */
  maxSpikeEvents: number;
  /** Batch records kept in metrics.jsonl per epoch (every ceil(stepsPerEpoch / N)-th batch plus the last). */
  batchRecordsPerEpoch: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  progressIntervalMs: 100,
  spikesIntervalMs: 250,
  plasticityIntervalMs: 500,
  maxSpikeEvents: 20_000,
  batchRecordsPerEpoch: 100,
};

export interface WorkerInit {
  runId: string;
  runsDir: string;
  config: RunConfig;
  /** Checkpoint name (ckpt-<epoch>-<step>) to continue from, or null for a fresh start. */
  resumeFrom: string | null;
  /** Module exporting getTrainMethod(name); null = the built-in registry core/train/index. */
  methodModule: string | null;
  keepCheckpoints: number;
  limits: StreamLimits;
}

export type ToWorker = { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export interface WorkerResult {
  stopped: boolean;
  epochsDone: number;
  finalTestAccuracy: number | null;
  bestTestAccuracy: number | null;
}

export type FromWorker =
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metric'; metric: MetricRecord }
  | { type: 'spikes'; snapshot: SpikeSnapshot }
  | { type: 'curve'; curve: AccuracyCurve }
  | { type: 'plasticity'; snapshot: PlasticitySnapshot }
  | { type: 'checkpoint'; file: string; epoch: number; step: number; bestTestAccuracy: number | null }
  | { type: 'log'; message: string }
  | { type: 'done'; result: WorkerResult }
  | { type: 'error'; message: string };
