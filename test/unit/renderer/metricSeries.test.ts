import { describe, expect, it } from 'vitest';
import { MetricSeries } from '../../../renderer/src/lib/metricSeries';
import { metric } from './fixtures';

describe('MetricSeries', () => {
  it('places batches at their fraction of the epoch and epochs at the end', () => {
    const s = new MetricSeries();
    s.add([metric('batch', 0, 0, 2), metric('batch', 0, 3, 1.5), metric('epoch', 0, 4, 1.6, { testAccuracy: 0.8, trainAccuracy: 0.7 })]);
    expect(s.batchLoss).toEqual({ x: [0.25, 1], y: [2, 1.5] });
    expect(s.epochLoss).toEqual({ x: [1], y: [1.6] });
    expect(s.epochTestAccuracy.y).toEqual([0.8]);
    expect(s.epochTrainAccuracy.y).toEqual([0.7]);
    expect(s.bestTestAccuracy).toBe(0.8);
  });

  it('uses the first epoch number as origin (1-based trainers start at 0 too)', () => {
    const s = new MetricSeries();
    s.add([metric('batch', 1, 1, 2), metric('epoch', 1, 4, 1)]);
    expect(s.batchLoss.x).toEqual([0.5]);
    expect(s.epochLoss.x).toEqual([1]);
  });

  it('drops duplicates so history and live events can overlap', () => {
    const s = new MetricSeries();
    const live = [metric('batch', 0, 2, 1.2), metric('batch', 0, 3, 1.1)];
    expect(s.add(live)).toBe(2);
    const stored = [metric('batch', 0, 0, 2), metric('batch', 0, 1, 1.5), metric('batch', 0, 2, 1.2)];
    expect(s.add(stored)).toBe(2);
    expect(s.size).toBe(4);
    // Out-of-order arrival is re-sorted into run order.
    expect(s.batchLoss.y).toEqual([2, 1.5, 1.2, 1.1]);
    expect(s.last?.step).toBe(3);
  });

  it('rebuilds x when an earlier epoch arrives later', () => {
    const s = new MetricSeries();
    s.add([metric('batch', 1, 0, 1)]);
    expect(s.batchLoss.x).toEqual([0.25]);
    s.add([metric('batch', 0, 0, 2)]);
    expect(s.batchLoss.x).toEqual([0.25, 1.25]);
  });

  it('skips non-finite losses and bumps revision only on change', () => {
    const s = new MetricSeries();
    s.add([metric('batch', 0, 0, Number.NaN)]);
    expect(s.batchLoss.x).toEqual([]);
    const r = s.revision;
    s.add([metric('batch', 0, 0, Number.NaN)]);
    expect(s.revision).toBe(r);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.bestTestAccuracy).toBeNull();
  });
});
