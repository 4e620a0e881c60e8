/**
 * Events to frames, with Tonic's slicing rules reproduced exactly (tonic/slicers.py and
 * functional/to_frame.py) so frames match what PyTorch users get for the same settings:
 * - timeWindow (us), overlap in us: stride = window - overlap; n = floor((t_last - t0 - window) / stride) + 1
 *   (ceil with includeIncomplete), at least 1; slice i = [t0 + i*stride, t0 + i*stride + window).
 * - eventCount, overlap in events: count' = min(count, N); n = floor((N - count') / stride) + 1 (ceil
 *   with includeIncomplete): the partial last slice is dropped; slice i = events [i*stride, i*stride + count').
 * - timeBins n, overlap a fraction < 1: window = ((t_last - t0) // n) * (1 + overlap),
 *   stride = window * (1 - overlap); slice i = [t0 + i*stride, t0 + i*stride + window): events past the
 *   n windows are dropped.
 * - eventBins n, overlap a fraction: count = floor(N // n * (1 + overlap)), stride = floor(count * (1 - overlap)).
 * Time slices are [start, end) found by binary search (numpy searchsorted, side left).
 * Output: Int16 counts [frames, polarities, height, width]; with polarities = 1 both polarities
 * are summed into one channel. Int16 wraps on overflow exactly like numpy's int16 add.at.
 */
import { lowerBound, type EventStream } from '../events/types';

export type FrameSlicing =
  | { timeWindow: number; overlap?: number; includeIncomplete?: boolean }
  | { eventCount: number; overlap?: number; includeIncomplete?: boolean }
  | { timeBins: number; overlap?: number }
  | { eventBins: number; overlap?: number };

export type FrameOptions = FrameSlicing & {
  /** 2 (default): one channel per polarity (OFF = channel 0, ON = channel 1); 1: merged. */
  polarities?: 1 | 2;
};

export interface Frames {
  data: Int16Array;
  /** [frames, polarities, height, width] */
  shape: [number, number, number, number];
}

export class TransformError extends Error {
  readonly code = 'TRANSFORM_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

/** How many slices a slicing makes, and slice i's [start, end) event indices, per Tonic's slicers. */
export interface SlicePlan {
  count: number;
  slice(i: number): [number, number];
}

export function slicePlan(ev: EventStream, s: FrameSlicing): SlicePlan {
  const t = ev.t;
  const N = t.length;
  if ('timeWindow' in s) {
    const w = s.timeWindow;
    const stride = w - (s.overlap ?? 0);
    if (!(w > 0) || !(stride > 0)) throw new TransformError(`timeWindow must be > 0 and > overlap, got window ${w}, overlap ${s.overlap ?? 0}`);
    if (N === 0) return { count: 1, slice: () => [0, 0] };
    const span = t[N - 1] - t[0] - w;
    const n = (s.includeIncomplete ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    return {
      count: Math.max(n, 1),
      slice: (i) => {
        const a = i * stride + t[0];
        return [lowerBound(t, a), lowerBound(t, a + w)];
      },
    };
  }
  if ('eventCount' in s) {
    const overlap = s.overlap ?? 0;
    if (!(Number.isInteger(s.eventCount) && s.eventCount > 0)) throw new TransformError(`eventCount must be a positive integer, got ${s.eventCount}`);
    const stride = s.eventCount - overlap;
    if (!(stride > 0) || !Number.isInteger(overlap)) throw new TransformError(`eventCount overlap must be an integer below eventCount, got ${overlap}`);
    const count = Math.min(s.eventCount, N);
    const n = (s.includeIncomplete ? Math.ceil((N - count) / stride) : Math.floor((N - count) / stride)) + 1;
    // Tonic's numpy slicing clips the end at N.
    return { count: n, slice: (i) => [Math.min(i * stride, N), Math.min(i * stride + count, N)] };
  }
  if ('timeBins' in s) {
    const n = s.timeBins;
    const overlap = s.overlap ?? 0;
    if (!(Number.isInteger(n) && n > 0)) throw new TransformError(`timeBins must be a positive integer, got ${n}`);
    if (!(overlap >= 0 && overlap < 1)) throw new TransformError(`timeBins overlap is a fraction in [0, 1), got ${overlap}`);
    if (N === 0) return { count: n, slice: () => [0, 0] };
    const window = Math.floor((t[N - 1] - t[0]) / n) * (1 + overlap);
    const stride = window * (1 - overlap);
    return {
      count: n,
      slice: (i) => {
        const a = i * stride + t[0];
        return [lowerBound(t, a), lowerBound(t, a + window)];
      },
    };
  }
  const n = s.eventBins;
  const overlap = s.overlap ?? 0;
  if (!(Number.isInteger(n) && n > 0)) throw new TransformError(`eventBins must be a positive integer, got ${n}`);
  if (!(overlap >= 0 && overlap < 1)) throw new TransformError(`eventBins overlap is a fraction in [0, 1), got ${overlap}`);
  const count = Math.floor(Math.floor(N / n) * (1 + overlap));
  const stride = Math.floor(count * (1 - overlap));
  return { count: n, slice: (i) => [Math.min(i * stride, N), Math.min(i * stride + count, N)] };
}

/** [start, end) event index pairs of each slice (the first `limit` only, when given). */
export function sliceIndices(ev: EventStream, s: FrameSlicing, limit = Infinity): Array<[number, number]> {
  const plan = slicePlan(ev, s);
  const n = Math.min(plan.count, limit);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push(plan.slice(i));
  return out;
}

/** Frames of the slices; with `limit`, of the first `limit` slices only (previews of long recordings). */
export function toFrames(ev: EventStream, opts: FrameOptions, limit = Infinity): Frames {
  const P = opts.polarities ?? 2;
  const W = ev.width, H = ev.height;
  const slices = sliceIndices(ev, opts, limit);
  const plane = H * W;
  const frameSize = P * plane;
  const data = new Int16Array(slices.length * frameSize);
  const { x, y, p } = ev;
  for (let s = 0; s < slices.length; s++) {
    const [a, b] = slices[s];
    const base = s * frameSize;
    if (P === 2) {
      for (let i = a; i < b; i++) data[base + p[i] * plane + y[i] * W + x[i]]++;
    } else {
      for (let i = a; i < b; i++) data[base + y[i] * W + x[i]]++;
    }
  }
  return { data, shape: [slices.length, P, H, W] };
}
