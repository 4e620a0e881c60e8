/**
 * What a training worker does, without the thread plumbing: implements TrainHooks for one run,
 * persists checkpoints and metrics, and streams bounded-rate messages to the parent.
 *
 * Checkpoints are written here, worker-side, not by the parent: the weights never cross the thread
 * boundary (no copy of possibly hundreds of MB through postMessage), the main thread that serves the
 * UI never blocks on fsync, and hooks.checkpoint() resolves only once the files are durable, so a
 * method that continues after it knows its state is safe. The parent owns status.json alone; it
 * learns about each checkpoint from a small message, and after a crash the store rescans the folder.
 */
import type { AccuracyCurve, MetricRecord, PlasticitySnapshot, RunProgress, SpikeSnapshot } from '../api/contract';
import type { CheckpointState, TrainControl, TrainHooks, TrainMethod, TrainResult } from '../train/types';
import { Coalescer, capEvents } from './coalescer';
import { RunStore } from './runStore';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

/** How often the newest plasticity snapshot is written to the run folder while it streams. */
export const PLASTICITY_SAVE_INTERVAL_MS = 10_000;

export class TrainSession {
  readonly hooks: TrainHooks;
  private readonly store: RunStore;
  private paused = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private readonly progress: Coalescer<RunProgress>;
  private readonly batchMetric: Coalescer<MetricRecord>;
  private lastSpikesAt = Number.NEGATIVE_INFINITY;
  private lastPlasticityAt = Number.NEGATIVE_INFINITY;
  /** Newest snapshot not yet on disk, and when one was last written (see savePlasticity). */
  private unsavedPlasticity: PlasticitySnapshot | null = null;
  private plasticitySavedAt = Number.NEGATIVE_INFINITY;
  private readonly startedAt: number;
  private lastBatch: { epoch: number; step: number; stepsPerEpoch: number; samplesPerSecond: number | null } | null = null;
  private batchesSinceMetric = 0;
  private batchesStarted = 0;

  constructor(
    private readonly init: WorkerInit,
    private readonly post: (msg: FromWorker) => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.store = new RunStore(init.runsDir, init.keepCheckpoints);
    this.startedAt = now();
    this.progress = new Coalescer(init.limits.progressIntervalMs, (p) => post({ type: 'progress', progress: p }), now);
    this.batchMetric = new Coalescer(init.limits.progressIntervalMs, (m) => post({ type: 'metric', metric: m }), now);
    this.hooks = {
      metric: (r) => this.onMetric(r),
      wantSpikes: () => this.now() - this.lastSpikesAt >= this.init.limits.spikesIntervalMs,
      spikes: (s) => this.onSpikes(s),
      checkpoint: (s) => this.onCheckpoint(s),
      control: () => this.onControl(),
      log: (message) => post({ type: 'log', message: String(message) }),
      curve: (c) => this.onCurve(c),
      wantPlasticity: () => this.now() - this.lastPlasticityAt >= this.init.limits.plasticityIntervalMs,
      plasticity: (s) => this.onPlasticity(s),
    };
  }

  handle(msg: ToWorker): void {
    if (msg.type === 'pause') this.paused = true;
    else if (msg.type === 'resume') this.paused = false;
    else if (msg.type === 'stop') this.stopRequested = true;
    if (!this.paused || this.stopRequested) this.wakeUp();
  }

  /** Runs the method to its end and reports the outcome; never throws. */
  async run(method: TrainMethod): Promise<void> {
    try {
      this.store.repairMetrics(this.init.runId);
      let resume: CheckpointState | null = null;
      if (this.init.resumeFrom) {
        const meta = this.store.listCheckpoints(this.init.runId).find((m) => m.name === this.init.resumeFrom);
        if (!meta) throw new Error(`checkpoint ${this.init.resumeFrom} of run ${this.init.runId} is missing or incomplete`);
        resume = this.store.loadCheckpoint(this.init.runId, meta);
        this.store.truncateMetricsAfter(this.init.runId, meta.epoch, meta.step);
        this.post({ type: 'log', message: `resuming from ${meta.name} (epoch ${meta.epoch}, step ${meta.step})` });
      }
      const result: TrainResult = await method(this.init.config, this.hooks, resume);
      this.savePlasticity();
      this.progress.flush();
      this.batchMetric.flush();
      if (!result.stopped) this.store.writeFinalWeights(this.init.runId, result.weights);
      this.post({
        type: 'done',
        result: {
          stopped: result.stopped,
          epochsDone: result.epochsDone,
          finalTestAccuracy: result.finalTestAccuracy,
          bestTestAccuracy: result.bestTestAccuracy,
        },
      });
    } catch (err) {
      this.savePlasticity();
      this.progress.cancel();
      this.batchMetric.cancel();
      this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private onMetric(r: MetricRecord): void {
    if (r.kind === 'epoch') {
      // Epoch records are rare and must never be dropped: flush the coalesced batch first to keep order.
      this.batchMetric.flush();
      this.store.appendMetrics(this.init.runId, [r]);
      this.post({ type: 'metric', metric: r });
      return;
    }
    const every = Math.max(1, Math.ceil(r.stepsPerEpoch / this.init.limits.batchRecordsPerEpoch));
    if (r.step % every === 0 || r.step === r.stepsPerEpoch - 1) this.store.appendMetrics(this.init.runId, [r]);
    this.batchMetric.push(r);
    this.progress.push(this.progressOf(r));
  }

  private progressOf(r: MetricRecord): RunProgress {
    this.lastBatch = { epoch: r.epoch, step: r.step, stepsPerEpoch: r.stepsPerEpoch, samplesPerSecond: r.samplesPerSecond };
    this.batchesSinceMetric = 0;
    return this.progressAt(r.epoch, r.step, r.stepsPerEpoch, r.samplesPerSecond);
  }

  /**
   * Methods report batch metrics every few batches (bptt: every 10), which would make a progress
   * bar jump. control() runs once per batch, so between reports the position is extrapolated from
   * the last reported step; the coalescer keeps the rate at 10/s whatever the batch rate.
   */
  private heartbeat(): void {
    this.batchesStarted++;
    const b = this.lastBatch;
    if (!b) return;
    this.batchesSinceMetric++;
    if (this.batchesSinceMetric < 2) return;
    let epoch = b.epoch;
    let step = b.step + this.batchesSinceMetric - 1;
    if (step >= b.stepsPerEpoch) {
      epoch += Math.floor(step / b.stepsPerEpoch);
      step %= b.stepsPerEpoch;
    }
    if (epoch >= this.init.config.settings.epochs) return;
    this.progress.push(this.progressAt(epoch, step, b.stepsPerEpoch, b.samplesPerSecond));
  }

  private progressAt(epoch: number, step: number, stepsPerEpoch: number, reportedSps: number | null): RunProgress {
    const global = epoch * stepsPerEpoch + step + 1;
    const seconds = (this.now() - this.startedAt) / 1000;
    // Rate from batches actually started in this session (resume-safe), not from absolute positions.
    const stepsPerSecond = seconds > 0 ? Math.max(1, this.batchesStarted) / seconds : 0;
    const total = this.init.config.settings.epochs * stepsPerEpoch;
    return {
      runId: this.init.runId,
      epoch,
      step,
      stepsPerEpoch,
      samplesPerSecond: reportedSps ?? stepsPerSecond * this.init.config.settings.batchSize,
      etaSeconds: stepsPerSecond > 0 ? Math.max(0, (total - global) / stepsPerSecond) : null,
    };
  }

  private onSpikes(s: Omit<SpikeSnapshot, 'runId'>): void {
    const t = this.now();
    if (t - this.lastSpikesAt < this.init.limits.spikesIntervalMs) return;
    this.lastSpikesAt = t;
    const capped = capEvents(s.times, s.ids, this.init.limits.maxSpikeEvents);
    this.post({
      type: 'spikes',
      snapshot: { ...s, runId: this.init.runId, times: capped.times, ids: capped.ids, truncated: s.truncated || capped.truncated },
    });
  }

  private onCurve(c: Omit<AccuracyCurve, 'runId' | 'createdAt'>): void {
    const curve: AccuracyCurve = { ...c, runId: this.init.runId, createdAt: new Date(this.now()).toISOString() };
    this.store.writeCurve(this.init.runId, curve);
    this.post({ type: 'curve', curve });
  }

  private onPlasticity(s: Omit<PlasticitySnapshot, 'runId'>): void {
    const t = this.now();
    if (t - this.lastPlasticityAt < this.init.limits.plasticityIntervalMs) return;
    this.lastPlasticityAt = t;
    const snapshot = { ...s, runId: this.init.runId };
    this.post({ type: 'plasticity', snapshot });
    this.unsavedPlasticity = snapshot;
    if (t - this.plasticitySavedAt >= PLASTICITY_SAVE_INTERVAL_MS) this.savePlasticity();
  }

  /**
   * Stores the newest snapshot with the run, so the panel can show a finished or reopened run. Not
   * every streamed one: Diehl & Cook's receptive fields are ~0.5 MB of JSON at 2 per second.
   */
  private savePlasticity(): void {
    const s = this.unsavedPlasticity;
    if (!s) return;
    this.unsavedPlasticity = null;
    this.plasticitySavedAt = this.now();
    try {
      this.store.writePlasticity(this.init.runId, s);
    } catch (err) {
      // A full disk costs the stored picture, not the run.
      this.post({ type: 'log', message: `could not store the plasticity snapshot: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private async onCheckpoint(state: CheckpointState): Promise<void> {
    this.savePlasticity();
    const meta = this.store.writeCheckpoint(this.init.runId, state);
    this.post({ type: 'checkpoint', file: meta.weights.file, epoch: meta.epoch, step: meta.step, bestTestAccuracy: meta.bestTestAccuracy });
  }

  private async onControl(): Promise<TrainControl> {
    // A CPU-bound method awaits only already-settled promises, which never lets the event loop run:
    // pause/stop messages and coalescer timers would wait until the run ends. One macrotask turn per
    // batch (microseconds against milliseconds of training) lets them in.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.heartbeat();
    while (this.paused && !this.stopRequested) {
      this.savePlasticity();
      this.progress.flush();
      this.batchMetric.flush();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.stopRequested ? 'stop' : 'continue';
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/** The method registry a worker loads: the built-in core/train, or a module named in WorkerInit (tests, plugins). */
export function loadTrainMethod(methodModule: string | null, name: string, load: (id: string) => unknown): TrainMethod {
  const id = methodModule ?? '../train/index';
  const mod = load(id);
  const get = typeof mod === 'object' && mod !== null ? (mod as { getTrainMethod?: unknown }).getTrainMethod : undefined;
  if (typeof get !== 'function') throw new Error(`method registry ${id} does not export getTrainMethod(name)`);
  const method: unknown = get(name);
  if (typeof method !== 'function') throw new Error(`method registry ${id} returned no training method for ${JSON.stringify(name)}`);
  return method as TrainMethod;
}
