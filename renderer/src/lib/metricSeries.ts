/**
 * Metric history of one run as plain arrays, ready for the charts.
 *
 * Records come from two places that overlap: getRun() (the metrics.jsonl so far) and live 'metric'
 * events (which may arrive before, during or after that fetch). Both go through add(), which
 * drops duplicates by (kind, epoch, step), so merging needs no coordination. The object is meant
 * to be markRaw'd: charts read it on animation frames, nothing watches it deeply.
 */
import type { MetricRecord } from '../../../core/api/contract';

export interface SeriesArrays {
  x: number[];
  y: number[];
}

function key(r: MetricRecord): string {
  return `${r.kind}:${r.epoch}:${r.step}`;
}

export class MetricSeries {
  private readonly records: MetricRecord[] = [];
  private readonly keys = new Set<string>();
  /** Epoch number of the first epoch (0 or 1 depending on the trainer's convention). */
  private epochBase = Number.POSITIVE_INFINITY;
  private sorted = true;
  batchLoss: SeriesArrays = { x: [], y: [] };
  batchAccuracy: SeriesArrays = { x: [], y: [] };
  epochLoss: SeriesArrays = { x: [], y: [] };
  epochTrainAccuracy: SeriesArrays = { x: [], y: [] };
  epochTestAccuracy: SeriesArrays = { x: [], y: [] };
  /** Bumped on every change; renderers compare it to skip redundant redraws. */
  revision = 0;

  get size(): number {
    return this.records.length;
  }

  get last(): MetricRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Best test accuracy seen (0..1), or null. */
  get bestTestAccuracy(): number | null {
    const ys = this.epochTestAccuracy.y;
    return ys.length ? Math.max(...ys) : null;
  }

  /** Adds records; returns how many were new. */
  add(records: readonly MetricRecord[]): number {
    let added = 0;
    let rebuild = false;
    for (const r of records) {
      const k = key(r);
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      const prev = this.records[this.records.length - 1];
      if (prev && order(prev, r) > 0) this.sorted = false;
      this.records.push(r);
      if (r.epoch < this.epochBase) {
        // A smaller epoch shifts every x; cheaper to rebuild once than to patch.
        this.epochBase = r.epoch;
        rebuild = true;
      }
      if (!rebuild && this.sorted) this.append(r);
      added++;
    }
    if (!this.sorted) {
      this.records.sort(order);
      this.sorted = true;
      rebuild = true;
    }
    if (rebuild) this.rebuild();
    if (added) this.revision++;
    return added;
  }

  clear(): void {
    this.records.length = 0;
    this.keys.clear();
    this.epochBase = Number.POSITIVE_INFINITY;
    this.sorted = true;
    this.rebuild();
    this.revision++;
  }

  /**
   * Position on the x axis in epochs of progress: a batch sits at its fraction of the epoch, an
   * epoch record at the end of its epoch, so both kinds share one axis.
   */
  xOf(r: MetricRecord): number {
    const e = r.epoch - (Number.isFinite(this.epochBase) ? this.epochBase : r.epoch);
    if (r.kind === 'epoch') return e + 1;
    const spe = Math.max(1, r.stepsPerEpoch);
    return e + Math.min(1, (r.step + 1) / spe);
  }

  private rebuild(): void {
    this.batchLoss = { x: [], y: [] };
    this.batchAccuracy = { x: [], y: [] };
    this.epochLoss = { x: [], y: [] };
    this.epochTrainAccuracy = { x: [], y: [] };
    this.epochTestAccuracy = { x: [], y: [] };
    for (const r of this.records) this.append(r);
  }

  private append(r: MetricRecord): void {
    const x = this.xOf(r);
    if (r.kind === 'batch') {
      push(this.batchLoss, x, r.loss);
      if (r.trainAccuracy !== null) push(this.batchAccuracy, x, r.trainAccuracy);
    } else {
      push(this.epochLoss, x, r.loss);
      if (r.trainAccuracy !== null) push(this.epochTrainAccuracy, x, r.trainAccuracy);
      if (r.testAccuracy !== null) push(this.epochTestAccuracy, x, r.testAccuracy);
    }
  }
}

function push(s: SeriesArrays, x: number, y: number): void {
  if (!Number.isFinite(y)) return;
  s.x.push(x);
  s.y.push(y);
}

/** Run order: by epoch, then batches before the epoch summary, then by step. */
function order(a: MetricRecord, b: MetricRecord): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  if (a.kind !== b.kind) return a.kind === 'batch' ? -1 : 1;
  return a.step - b.step;
}
