/**
 * Transforms that move events without dropping them: flips, downsampling in space and time, and
 * time jitter.
 */
import type { Rng } from '../../snn/rng';
import { allocEvents, type EventStream } from '../events/types';
import { TransformError } from './toFrame';

/** Mirror left-right and/or up-down, and/or swap ON and OFF (a brightness inversion). */
export function flip(ev: EventStream, opts: { lr?: boolean; ud?: boolean; polarity?: boolean }): EventStream {
  const n = ev.t.length;
  const out = allocEvents(n, ev.width, ev.height);
  const W1 = ev.width - 1, H1 = ev.height - 1;
  for (let i = 0; i < n; i++) {
    out.x[i] = opts.lr ? W1 - ev.x[i] : ev.x[i];
    out.y[i] = opts.ud ? H1 - ev.y[i] : ev.y[i];
    out.p[i] = opts.polarity ? 1 - ev.p[i] : ev.p[i];
  }
  out.t.set(ev.t);
  return out;
}

/**
 * Downsample (Tonic `Downsample`): x' = floor(x * spatialFactor), y' likewise, t' = t * timeFactor.
 * The sensor shrinks to ceil(size * factor) so every x' stays inside it. Events that land on the
 * same pixel are kept (frames then count them together).
 */
export function downsample(ev: EventStream, opts: { spatialFactor?: number; timeFactor?: number }): EventStream {
  const f = opts.spatialFactor ?? 1;
  const g = opts.timeFactor ?? 1;
  if (!(f > 0 && f <= 1)) throw new TransformError(`spatialFactor must be in (0, 1], got ${f}`);
  if (!(g > 0)) throw new TransformError(`timeFactor must be > 0, got ${g}`);
  const n = ev.t.length;
  const out = allocEvents(n, Math.max(1, Math.ceil(ev.width * f)), Math.max(1, Math.ceil(ev.height * f)));
  for (let i = 0; i < n; i++) {
    out.x[i] = Math.floor(ev.x[i] * f);
    out.y[i] = Math.floor(ev.y[i] * f);
    out.t[i] = ev.t[i] * g;
  }
  out.p.set(ev.p);
  return out;
}

/**
 * Add Gaussian noise of std `stdUs` to each timestamp (Tonic `TimeJitter`), seeded. Jittered events
 * are re-sorted by time (stable) to keep the stream's non-decreasing order; with `clipNegative`
 * timestamps below 0 are dropped.
 */
export function timeJitter(ev: EventStream, stdUs: number, rng: Rng, clipNegative = true): EventStream {
  if (!(stdUs >= 0)) throw new TransformError(`time jitter std must be >= 0, got ${stdUs}`);
  const n = ev.t.length;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = ev.t[i] + stdUs * rng.normal();
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => t[a] - t[b] || a - b);
  let start = 0;
  if (clipNegative) while (start < n && t[order[start]] < 0) start++;
  const out = allocEvents(n - start, ev.width, ev.height);
  for (let j = start; j < n; j++) {
    const i = order[j];
    const k = j - start;
    out.x[k] = ev.x[i];
    out.y[k] = ev.y[i];
    out.p[k] = ev.p[i];
    out.t[k] = t[i];
  }
  return out;
}
