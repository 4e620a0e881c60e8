import { describe, expect, it } from 'vitest';
import { decimateSeries, lttbIndices } from '../../../renderer/src/lib/decimate';

describe('lttbIndices', () => {
  it('returns every index when under the threshold', () => {
    expect(lttbIndices([0, 1, 2], [5, 6, 7], 10)).toEqual([0, 1, 2]);
  });

  it('keeps first and last and exactly `threshold` points, increasing', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((x) => Math.sin(x / 100));
    const idx = lttbIndices(xs, ys, 500);
    expect(idx).toHaveLength(500);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(n - 1);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
  });

  it('keeps an isolated spike that stride sampling would lose', () => {
    const n = 1000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map(() => 1);
    ys[537] = 100;
    const idx = lttbIndices(xs, ys, 50);
    expect(idx).toContain(537);
  });

  it('handles tiny thresholds', () => {
    expect(lttbIndices([0, 1, 2, 3], [0, 1, 2, 3], 2)).toEqual([0, 3]);
    expect(lttbIndices([0, 1, 2, 3], [0, 1, 2, 3], 1)).toEqual([3]);
  });
});

describe('decimateSeries', () => {
  it('skips non-finite values and pairs x with y', () => {
    expect(decimateSeries([0, 1, 2, 3], [1, Number.NaN, 3, Number.POSITIVE_INFINITY], 100)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
