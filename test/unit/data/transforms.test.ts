import { describe, expect, it } from 'vitest';
import { type EventStream } from '../../../core/data/events/types';
import { centerCrop, crop, denoise, dropEvents, refractory } from '../../../core/data/transforms/filters';
import { downsample, flip, timeJitter } from '../../../core/data/transforms/geometry';
import { imageToEvents } from '../../../core/data/transforms/imageToSpikes';
import { applyPipeline, compose, makeTransform } from '../../../core/data/transforms/pipeline';
import { timeSurfaces, voxelGrid } from '../../../core/data/transforms/surfaces';
import { sliceIndices, toFrames, TransformError } from '../../../core/data/transforms/toFrame';
import { latencyEncoder, rateEncoder } from '../../../core/snn/encoders';
import { Rng } from '../../../core/snn/rng';

function events(list: Array<[number, number, number, number]>, width = 4, height = 3): EventStream {
  return {
    x: Uint16Array.from(list, (e) => e[0]),
    y: Uint16Array.from(list, (e) => e[1]),
    p: Uint8Array.from(list, (e) => e[2]),
    t: Float64Array.from(list, (e) => e[3]),
    width,
    height,
  };
}
const rows = (ev: EventStream) => Array.from(ev.t, (t, i) => [ev.x[i], ev.y[i], ev.p[i], t]);

// Ten events at t = 0, 10, ..., 80, 99 on a 3x1 sensor: x = i % 3, p = i % 2.
const TEN = events(Array.from({ length: 10 }, (_, i) => [i % 3, 0, i % 2, i === 9 ? 99 : i * 10] as [number, number, number, number]), 3, 1);

describe('toFrames: Tonic slicing rules', () => {
  it('time bins: window = (t_last - t0) // n, events past n windows dropped', () => {
    expect(sliceIndices(TEN, { timeBins: 3 })).toEqual([[0, 4], [4, 7], [7, 9]]);
    // overlap 0.5: window = 49 * 1.5 = 73.5, stride 36.75
    expect(sliceIndices(TEN, { timeBins: 2, overlap: 0.5 })).toEqual([[0, 8], [4, 10]]);
  });
  it('event count: partial last slice dropped; overlap in events', () => {
    expect(sliceIndices(TEN, { eventCount: 4 })).toEqual([[0, 4], [4, 8]]);
    expect(sliceIndices(TEN, { eventCount: 4, overlap: 2 })).toEqual([[0, 4], [2, 6], [4, 8], [6, 10]]);
    expect(sliceIndices(TEN, { eventCount: 4, includeIncomplete: true })).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(sliceIndices(TEN, { eventBins: 3 })).toEqual([[0, 3], [3, 6], [6, 9]]);
  });
  it('time window: floor((span - window) / stride) + 1 slices; incomplete on request; overlap in us', () => {
    expect(sliceIndices(TEN, { timeWindow: 30 })).toEqual([[0, 3], [3, 6], [6, 9]]);
    expect(sliceIndices(TEN, { timeWindow: 30, includeIncomplete: true })).toEqual([[0, 3], [3, 6], [6, 9], [9, 10]]);
    expect(sliceIndices(TEN, { timeWindow: 30, overlap: 10 })).toEqual([[0, 3], [2, 5], [4, 7], [6, 9]]);
    expect(sliceIndices(TEN, { timeWindow: 1000 })).toEqual([[0, 10]]);
  });
  it('frames are int16 [T, P, H, W], OFF in channel 0, ON in channel 1', () => {
    const f = toFrames(TEN, { timeBins: 3 });
    expect(f.shape).toEqual([3, 2, 1, 3]);
    expect(f.data).toBeInstanceOf(Int16Array);
    // slice 0 = events 0..3: (x0,p0) (x1,p1) (x2,p0) (x0,p1)
    expect(Array.from(f.data.subarray(0, 6))).toEqual([1, 0, 1, 1, 1, 0]);
    const merged = toFrames(TEN, { eventCount: 5, polarities: 1 });
    expect(merged.shape).toEqual([2, 1, 1, 3]);
    expect(Array.from(merged.data)).toEqual([2, 2, 1, 2, 1, 2]);
  });
  it('wraps on int16 overflow like numpy', () => {
    const n = 40000;
    const ev = events([], 1, 1);
    const many = { ...ev, x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n), t: Float64Array.from({ length: n }, (_, i) => i) };
    expect(toFrames(many, { eventCount: n, polarities: 1 }).data[0]).toBe(n - 65536);
  });
  it('rejects impossible slicings', () => {
    expect(() => toFrames(TEN, { timeWindow: 10, overlap: 10 })).toThrow(TransformError);
    expect(() => toFrames(TEN, { timeBins: 0 })).toThrow(TransformError);
    expect(() => toFrames(TEN, { eventCount: 3, overlap: 3 })).toThrow(TransformError);
  });
});

describe('event transforms on hand-made lists', () => {
  it('denoise keeps events with an active 4-neighbour within the filter time', () => {
    const ev = events([[1, 1, 1, 0], [2, 1, 1, 5], [0, 0, 1, 8], [3, 2, 0, 100], [2, 1, 0, 200], [1, 1, 0, 230]]);
    // (2,1)@5 has (1,1)@0 beside it; (1,1)@230 has (2,1)@200 beside it; the others are isolated.
    expect(rows(denoise(ev, 50))).toEqual([[2, 1, 1, 5], [1, 1, 0, 230]]);
  });
  it('refractory drops events at a pixel within the period after its last kept event', () => {
    const ev = events([[1, 1, 1, 0], [1, 1, 0, 5], [1, 1, 1, 11], [2, 2, 1, 12], [1, 1, 1, 15]]);
    expect(rows(refractory(ev, 10))).toEqual([[1, 1, 1, 0], [1, 1, 1, 11], [2, 2, 1, 12]]);
  });
  it('crop and centre crop shift coordinates and shrink the sensor', () => {
    const ev = events([[0, 0, 1, 1], [1, 1, 0, 2], [3, 2, 1, 3], [2, 1, 1, 4]]);
    const c = crop(ev, { x0: 1, y0: 1, width: 2, height: 2 });
    expect([c.width, c.height]).toEqual([2, 2]);
    expect(rows(c)).toEqual([[0, 0, 0, 2], [1, 0, 1, 4]]);
    expect(rows(centerCrop(ev, 2, 1))).toEqual([[0, 0, 0, 2], [1, 0, 1, 4]]);
    expect(() => crop(ev, { x0: 3, y0: 0, width: 2, height: 1 })).toThrow(TransformError);
  });
  it('flip mirrors axes and swaps polarity', () => {
    const ev = events([[0, 0, 1, 1], [3, 1, 0, 2]]);
    expect(rows(flip(ev, { lr: true }))).toEqual([[3, 0, 1, 1], [0, 1, 0, 2]]);
    expect(rows(flip(ev, { ud: true, polarity: true }))).toEqual([[0, 2, 0, 1], [3, 1, 1, 2]]);
  });
  it('downsample scales space (sensor to ceil) and time', () => {
    const ev = events([[3, 2, 1, 10], [1, 1, 0, 20]]);
    const d = downsample(ev, { spatialFactor: 0.5, timeFactor: 0.1 });
    expect([d.width, d.height]).toEqual([2, 2]);
    expect(rows(d)).toEqual([[1, 1, 1, 1], [0, 0, 0, 2]]);
  });
  it('random drop and time jitter are seeded and keep order', () => {
    const ev = events(Array.from({ length: 1000 }, (_, i) => [i % 4, i % 3, i % 2, i * 10] as [number, number, number, number]));
    const a = dropEvents(ev, 0.3, new Rng(1));
    expect(rows(a)).toEqual(rows(dropEvents(ev, 0.3, new Rng(1))));
    expect(a.t.length).toBeGreaterThan(620);
    expect(a.t.length).toBeLessThan(780);
    expect(dropEvents(ev, 0, new Rng(2)).t.length).toBe(1000);
    const j = timeJitter(ev, 20, new Rng(3));
    expect(rows(j)).toEqual(rows(timeJitter(ev, 20, new Rng(3))));
    for (let i = 1; i < j.t.length; i++) expect(j.t[i]).toBeGreaterThanOrEqual(j.t[i - 1]);
    expect(j.t[0]).toBeGreaterThanOrEqual(0);
    expect(j.t.length).toBeGreaterThan(990);
  });
  it('pipelines compose left to right, are JSON-described and seeded', () => {
    const ev = events([[0, 0, 1, 1], [3, 2, 0, 2], [2, 1, 1, 3]]);
    const specs = [{ kind: 'flip', lr: true } as const, { kind: 'crop', x0: 0, y0: 0, width: 2, height: 3 } as const];
    expect(rows(applyPipeline(ev, specs))).toEqual([[0, 2, 0, 2], [1, 1, 1, 3]]);
    const manual = compose(makeTransform(specs[0]), makeTransform(specs[1]));
    expect(rows(manual(ev, new Rng(0)))).toEqual(rows(applyPipeline(ev, JSON.parse(JSON.stringify(specs)))));
  });
});

describe('dense representations', () => {
  it('time surfaces decay exponentially from each pixel/polarity latest event', () => {
    const ev = events([[0, 0, 1, 0], [1, 0, 0, 50], [0, 0, 1, 100]], 2, 1);
    const s = timeSurfaces(ev, { dtUs: 50, tauUs: 100 });
    // windows [0,50) [50,100): 2 slices; ends at 50 and 100.
    expect(s.shape).toEqual([2, 2, 1, 2]);
    const at = (w: number, p: number, x: number) => s.data[((w * 2 + p) * 1 + 0) * 2 + x];
    expect(at(0, 1, 0)).toBeCloseTo(Math.exp(-50 / 100), 6);
    expect(at(0, 0, 1)).toBe(0);
    expect(at(1, 0, 1)).toBeCloseTo(Math.exp(-50 / 100), 6);
    expect(at(1, 1, 0)).toBeCloseTo(Math.exp(-100 / 100), 6);
  });
  it('voxel grid splits each event bilinearly between the two nearest bins, signed by polarity', () => {
    const ev = events([[0, 0, 1, 0], [1, 0, 0, 25], [0, 0, 1, 100]], 2, 1);
    const v = voxelGrid(ev, 3); // t* = 0, 0.5, 2
    expect(v.shape).toEqual([3, 1, 2]);
    expect(Array.from(v.data)).toEqual([1, -0.5, 0, -0.5, 1, 0]);
  });
});

describe('static images to spikes through the engine encoders', () => {
  it('rate and latency codes become events', () => {
    const img = Float32Array.from([0, 0.5, 1, 0.25]);
    const r = imageToEvents(img, 2, 2, rateEncoder(), 4, new Rng(0), 1000);
    // rate: pixel value v spikes floor(v * 4) times in 4 steps
    const perPixel = [0, 0, 0, 0];
    for (let i = 0; i < r.t.length; i++) perPixel[r.y[i] * 2 + r.x[i]]++;
    expect(perPixel).toEqual([0, 2, 4, 1]);
    const l = imageToEvents(img, 2, 2, latencyEncoder('linear'), 5, new Rng(0), 10);
    expect(rows(l)).toEqual([[0, 1, 1, 0], [1, 0, 1, 20], [1, 1, 1, 30]]);
  });
});

