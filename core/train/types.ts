/**
 * The boundary between a training method and the lab service that hosts it in a worker thread.
 * A method never touches files or threads itself: it reports through hooks, and the lab decides
 * what to persist, what to stream and at what rate.
 */
import type { AccuracyCurve, MetricRecord, PlasticitySnapshot, RunConfig, SpikeSnapshot } from '../api/contract';

/** Serialisable training state; the lab writes it atomically as a checkpoint. */
export interface CheckpointState {
  /** Epochs fully completed. */
  epoch: number;
  /** Batches completed within the current epoch (0 at an epoch boundary). */
  step: number;
  /** Model weights in safetensors layout. */
  weights: Uint8Array;
  /** Optimizer state (moments, step counters) in safetensors layout. */
  optimizer: Uint8Array;
  /** RNG state and anything else the method needs to continue deterministically. */
  extra: Record<string, number | string | boolean | null>;
  bestTestAccuracy: number | null;
}

export type TrainControl = 'continue' | 'stop';

export interface TrainHooks {
  /** One record per reported batch and one per epoch; the lab appends them to metrics.jsonl. */
  metric(record: MetricRecord): void;
  /** Asked once per batch; when true the method records one sample's hidden raster and calls spikes(). */
  wantSpikes(): boolean;
  spikes(snapshot: Omit<SpikeSnapshot, 'runId'>): void;
  /** Called at least at the end of every epoch and when stopping. Awaited before going on. */
  checkpoint(state: CheckpointState): Promise<void>;
  /**
   * Awaited between batches. Resolves 'continue' (after any pause has been lifted) or 'stop'; on
   * 'stop' the method checkpoints and returns.
   */
  control(): Promise<TrainControl>;
  /** Free-form log line (data loading, backend choice). */
  log(message: string): void;
  /** An accuracy-vs-timesteps curve the method computed (conversion); the lab stores it with the run. */
  curve(curve: Omit<AccuracyCurve, 'runId' | 'createdAt'>): void;
  /** Asked before building a plasticity snapshot (receptive fields are costly); true at most ~2/s. */
  wantPlasticity(): boolean;
  plasticity(snapshot: Omit<PlasticitySnapshot, 'runId'>): void;
}

export interface TrainResult {
  stopped: boolean;
  epochsDone: number;
  finalTestAccuracy: number | null;
  bestTestAccuracy: number | null;
  /** Final weights in safetensors layout. */
  weights: Uint8Array;
}

export type TrainMethod = (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null) => Promise<TrainResult>;
