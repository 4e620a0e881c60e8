import { describe, expect, it } from 'vitest';
import { SpikeRing } from '../../../renderer/src/lib/spikeRing';

function snap(times: number[], ids: number[], extra: Partial<{ timesteps: number; neurons: number; epoch: number; step: number }> = {}) {
  return { times, ids, timesteps: 10, neurons: 8, epoch: 0, step: 0, truncated: false, ...extra };
}

function collect(ring: SpikeRing, colStart = 0, colEnd = Number.MAX_SAFE_INTEGER): [number, number][] {
  const out: [number, number][] = [];
  ring.forEachInWindow({ colStart, colEnd }, (c, id) => out.push([c, id]));
  return out;
}

describe('SpikeRing', () => {
  it('lays snapshots side by side on one column axis', () => {
    const ring = new SpikeRing(16);
    ring.pushSnapshot(snap([0, 9], [1, 2]));
    ring.pushSnapshot(snap([0, 3], [7, 0], { step: 1 }));
    expect(collect(ring)).toEqual([
      [0, 1],
      [9, 2],
      [10, 7],
      [13, 0],
    ]);
    expect(ring.endCol).toBe(20);
    expect(ring.snapshotMarks.map((m) => m.col)).toEqual([0, 10]);
    expect(ring.neurons).toBe(8);
  });

  it('overwrites the oldest spikes once full', () => {
    const ring = new SpikeRing(3);
    ring.pushSnapshot(snap([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]));
    expect(ring.size).toBe(3);
    expect(ring.totalSpikes).toBe(5);
    expect(collect(ring)).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('drops events outside [0, timesteps) x [0, neurons)', () => {
    const ring = new SpikeRing(8);
    ring.pushSnapshot(snap([-1, 10, 5, 5, Number.NaN], [0, 0, 8, 3, 1]));
    expect(collect(ring)).toEqual([[5, 3]]);
  });

  it('filters by window and reports the latest window', () => {
    const ring = new SpikeRing(64);
    for (let s = 0; s < 5; s++) ring.pushSnapshot(snap([0, 5], [s, s], { step: s }));
    const win = ring.latestWindow(20);
    expect(win).toEqual({ colStart: 30, colEnd: 50 });
    expect(collect(ring, win.colStart, win.colEnd)).toEqual([
      [30, 3],
      [35, 3],
      [40, 4],
      [45, 4],
    ]);
    expect(ring.latestWindow(1000)).toEqual({ colStart: 0, colEnd: 1000 });
  });

  it('bumps revision on change and clears fully', () => {
    const ring = new SpikeRing(4);
    const r0 = ring.revision;
    ring.pushSnapshot(snap([1], [1]));
    expect(ring.revision).toBe(r0 + 1);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.endCol).toBe(0);
    expect(ring.snapshotMarks).toHaveLength(0);
    expect(ring.revision).toBe(r0 + 2);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new SpikeRing(0)).toThrow(RangeError);
  });
});
