/**
 * Learning rate, per-layer firing rate and epoch durations of one run as plain arrays for the
 * dashboard charts, from the same MetricRecords as the loss chart (stored history and live
 * events, which overlap: records are deduplicated by kind, epoch and step). Meant to be markRaw'd
 * and read on animation frames.
 */
import type { MetricRecord } from '../../../core/api/contract';
import type { SeriesArrays } from './metricSeries';

function key(r: MetricRecord): string {
  return `${r.kind}:${r.epoch}:${r.step}`;
}

/** Position in epochs of progress: a batch at its fraction of the epoch, an epoch record at its end. */
function xOf(r: MetricRecord, base: number): number {
  const e = r.epoch - base;
  return r.kind === 'epoch' ? e + 1 : e + Math.min(1, (r.step + 1) / Math.max(1, r.stepsPerEpoch));
}

export class RunDynamics {
  private readonly records: MetricRecord[] = [];
  private readonly keys = new Set<string>();
  learningRate: SeriesArrays = { x: [], y: [] };
  /** Firing rate (spikes per neuron per step) by layer, in the order layers first appear. */
  firingRates = new Map<string, SeriesArrays>();
  /** Wall-clock seconds of each finished epoch, from the elapsedMs of consecutive epoch records. */
  epochSeconds: number[] = [];
  revision = 0;

  add(records: readonly MetricRecord[]): number {
    let added = 0;
    let inOrder = true;
    for (const r of records) {
      const k = key(r);
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      const prev = this.records[this.records.length - 1];
      if (prev && order(prev, r) > 0) inOrder = false;
      this.records.push(r);
      added++;
    }
    if (!added) return 0;
    // A live event after the last record (the common case) costs one rebuild of the tail only.
    if (inOrder && this.records.length > added) this.rebuild(this.records.length - added);
    else this.rebuild(0);
    this.revision++;
    return added;
  }

  /** Seconds the latest finished epoch took, or null before the first ends. */
  get lastEpochSeconds(): number | null {
    return this.epochSeconds.length ? this.epochSeconds[this.epochSeconds.length - 1] : null;
  }

  private base = 0;
  private prevEpochMs = 0;
  private sawBatch = false;

  /** Recomputes the arrays from record `from` on (0 = everything, after sorting). */
  private rebuild(from: number): void {
    if (from === 0) {
      this.records.sort(order);
      this.base = this.records.length ? Math.min(...this.records.map((r) => r.epoch)) : 0;
      this.learningRate = { x: [], y: [] };
      this.firingRates = new Map();
      this.epochSeconds = [];
      this.prevEpochMs = 0;
      this.sawBatch = false;
    }
    for (let i = from; i < this.records.length; i++) this.append(this.records[i]);
  }

  private append(r: MetricRecord): void {
    if (r.kind === 'epoch') {
      this.epochSeconds.push(Math.max(0, (r.elapsedMs - this.prevEpochMs) / 1000));
      this.prevEpochMs = r.elapsedMs;
      // Epoch records repeat the last batch's rate and learning rate; batches draw the curve.
      if (this.sawBatch) return;
    } else this.sawBatch = true;
    const x = xOf(r, this.base);
    if (Number.isFinite(r.learningRate)) {
      this.learningRate.x.push(x);
      this.learningRate.y.push(r.learningRate);
    }
    for (const [layer, v] of Object.entries(r.firingRates)) {
      if (!Number.isFinite(v)) continue;
      let s = this.firingRates.get(layer);
      if (!s) this.firingRates.set(layer, (s = { x: [], y: [] }));
      s.x.push(x);
      s.y.push(v);
    }
  }
}

/** Run order: by epoch, then batches before the epoch summary, then by step. */
function order(a: MetricRecord, b: MetricRecord): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  if (a.kind !== b.kind) return a.kind === 'batch' ? -1 : 1;
  return a.step - b.step;
}
