/**
 * Per-run live data (metrics and spike rasters) fed by RunEvents, outside Vue reactivity.
 *
 * Events for a run can arrive before startRun() has even returned its id, so data is kept for any
 * run that sends events, not only the selected one. The cache is bounded (least recently touched
 * run evicted) and each run's spikes live in fixed-capacity rings, so a long session cannot grow
 * memory without bound.
 */
import type { MetricRecord, RunProgress, SpikeSnapshot } from '../../../core/api/contract';
import { MetricSeries } from './metricSeries';
import { SpikeRing } from './spikeRing';

export const SPIKE_RING_CAPACITY = 262_144;

export class LiveRun {
  readonly runId: string;
  readonly series = new MetricSeries();
  readonly layers = new Map<string, SpikeRing>();
  progress: RunProgress | null = null;
  /** Set once getRun() metrics have been merged, so reselecting does not fetch again. */
  historyLoaded = false;
  private readonly ringCapacity: number;

  constructor(runId: string, ringCapacity = SPIKE_RING_CAPACITY) {
    this.runId = runId;
    this.ringCapacity = ringCapacity;
  }

  addMetrics(records: readonly MetricRecord[]): number {
    return this.series.add(records);
  }

  addSpikes(s: SpikeSnapshot): SpikeRing {
    let ring = this.layers.get(s.layer);
    if (!ring) {
      ring = new SpikeRing(this.ringCapacity);
      this.layers.set(s.layer, ring);
    }
    ring.pushSnapshot(s);
    return ring;
  }
}

export class LiveRunCache {
  private readonly runs = new Map<string, LiveRun>();
  private readonly maxRuns: number;
  private readonly ringCapacity: number;

  constructor(maxRuns = 8, ringCapacity = SPIKE_RING_CAPACITY) {
    this.maxRuns = maxRuns;
    this.ringCapacity = ringCapacity;
  }

  get size(): number {
    return this.runs.size;
  }

  peek(runId: string): LiveRun | undefined {
    return this.runs.get(runId);
  }

  /**
   * Returns the run's live data, creating it if needed, and marks it most recently used. `pinned`
   * is never evicted (the run on screen).
   */
  get(runId: string, pinned: string | null = null): LiveRun {
    let run = this.runs.get(runId);
    if (run) {
      // Map keeps insertion order: re-insert to move to the most-recent end.
      this.runs.delete(runId);
      this.runs.set(runId, run);
      return run;
    }
    run = new LiveRun(runId, this.ringCapacity);
    this.runs.set(runId, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= this.maxRuns) break;
      if (id !== runId && id !== pinned) this.runs.delete(id);
    }
    return run;
  }

  delete(runId: string): void {
    this.runs.delete(runId);
  }
}
