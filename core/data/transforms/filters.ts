/**
 * Event filters that drop events: background-activity denoising, refractory period, random drop,
 * and the spatial crop. Each returns a new EventStream and keeps time order.
 */
import type { Rng } from '../../snn/rng';
import { allocEvents, trimEvents, type EventStream } from '../events/types';
import { TransformError } from './toFrame';

/** Copy the events whose keep[i] is 1. */
function compact(ev: EventStream, keep: Uint8Array, kept: number): EventStream {
  const out = allocEvents(kept, ev.width, ev.height);
  let j = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    out.x[j] = ev.x[i];
    out.y[j] = ev.y[i];
    out.p[j] = ev.p[i];
    out.t[j] = ev.t[i];
    j++;
  }
  return trimEvents(out, j);
}

/**
 * Background-activity filter (Delbruck 2008, as in Tonic's `Denoise`): an event is kept when one of
 * its 4 neighbours (left, right, up, down) fired within `filterTimeUs` before it; isolated events
 * are noise. Each event, kept or not, marks its own pixel. Unlike Tonic, which starts every pixel's
 * memory at filterTimeUs (so every event in the first filterTimeUs passes), memory starts empty.
 */
export function denoise(ev: EventStream, filterTimeUs: number): EventStream {
  if (!(filterTimeUs > 0)) throw new TransformError(`denoise filterTimeUs must be > 0, got ${filterTimeUs}`);
  const W = ev.width, H = ev.height;
  const until = new Float64Array(W * H).fill(-Infinity);
  const n = ev.t.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const x = ev.x[i], y = ev.y[i], t = ev.t[i];
    const k = y * W + x;
    if ((x > 0 && until[k - 1] > t) || (x < W - 1 && until[k + 1] > t) || (y > 0 && until[k - W] > t) || (y < H - 1 && until[k + W] > t)) {
      keep[i] = 1;
      kept++;
    }
    until[k] = t + filterTimeUs;
  }
  return compact(ev, keep, kept);
}

/**
 * Refractory period (Tonic `RefractoryPeriod`): after a kept event, a pixel (either polarity)
 * ignores events for `periodUs`. Dropped events do not extend the period.
 */
export function refractory(ev: EventStream, periodUs: number): EventStream {
  if (!(periodUs >= 0)) throw new TransformError(`refractory periodUs must be >= 0, got ${periodUs}`);
  const W = ev.width;
  const lastKept = new Float64Array(W * ev.height).fill(-Infinity);
  const n = ev.t.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const k = ev.y[i] * W + ev.x[i];
    const t = ev.t[i];
    if (t - lastKept[k] > periodUs) {
      keep[i] = 1;
      kept++;
      lastKept[k] = t;
    }
  }
  return compact(ev, keep, kept);
}

/** Drop each event independently with probability `p` (Tonic `DropEvent`), seeded. */
export function dropEvents(ev: EventStream, p: number, rng: Rng): EventStream {
  if (!(p >= 0 && p <= 1)) throw new TransformError(`drop probability must be in [0, 1], got ${p}`);
  const n = ev.t.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (rng.next() >= p) {
      keep[i] = 1;
      kept++;
    }
  }
  return compact(ev, keep, kept);
}

/** Keep events inside the box [x0, x0 + width) x [y0, y0 + height), shifted to its origin. */
export function crop(ev: EventStream, box: { x0: number; y0: number; width: number; height: number }): EventStream {
  const { x0, y0, width, height } = box;
  if (![x0, y0, width, height].every(Number.isInteger) || x0 < 0 || y0 < 0 || width < 1 || height < 1 || x0 + width > ev.width || y0 + height > ev.height) {
    throw new TransformError(`crop box ${JSON.stringify(box)} must be integers inside the ${ev.width}x${ev.height} sensor`);
  }
  const n = ev.t.length;
  const out = allocEvents(n, width, height);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const x = ev.x[i] - x0, y = ev.y[i] - y0;
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    out.x[j] = x;
    out.y[j] = y;
    out.p[j] = ev.p[i];
    out.t[j] = ev.t[i];
    j++;
  }
  return trimEvents(out, j);
}

/** Crop a centred box of the given size. */
export function centerCrop(ev: EventStream, width: number, height: number): EventStream {
  return crop(ev, { x0: Math.floor((ev.width - width) / 2), y0: Math.floor((ev.height - height) / 2), width, height });
}
