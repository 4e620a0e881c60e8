/**
 * Event playback arithmetic for the data view, free of the DOM so it is unit-tested: which events a
 * frame shows, how the playhead moves, which part of a recording to fetch next. Events live in typed
 * arrays (struct of arrays, as the lab sends them); nothing here is reactive.
 */
import type { EventWindow } from '../../../core/api/contractData';

/** Events of a fetched window, times relative to the recording's first event (µs). */
export interface EventBuffer {
  x: Uint16Array;
  y: Uint16Array;
  p: Uint8Array;
  t: Float64Array;
  width: number;
  height: number;
  /** The recording span [startUs, endUs) these events cover. */
  startUs: number;
  endUs: number;
  recordingDurationUs: number;
  /** True when the lab thinned the window (more events than asked for): fetch narrower spans while playing. */
  decimated: boolean;
  /** Events per µs in the span before thinning: sizes the next fetch so it arrives whole. */
  eventsPerUs: number;
}

export function toBuffer(w: EventWindow): EventBuffer {
  return {
    x: Uint16Array.from(w.x),
    y: Uint16Array.from(w.y),
    p: Uint8Array.from(w.p),
    t: Float64Array.from(w.t),
    width: w.width,
    height: w.height,
    startUs: w.startUs,
    endUs: w.startUs + w.durationUs,
    recordingDurationUs: w.recordingDurationUs,
    decimated: w.truncated,
    eventsPerUs: w.totalInWindow / Math.max(1, Math.min(w.startUs + w.durationUs, w.recordingDurationUs + 1) - w.startUs),
  };
}

/**
 * Recording span one fetch should cover: 4 s of recording per 1x speed (at least 0.2 s) so spans
 * are renewed a few times a second at most, cut to what fits `maxEvents` at the density seen so far
 * (with a 20 % margin) so the span arrives unthinned, but never below two integration windows.
 */
export function spanLength(eventsPerUs: number, windowUs: number, speed: number, maxEvents: number): number {
  const wanted = Math.max(200_000, 4_000_000 * speed);
  const fits = eventsPerUs > 0 ? (0.8 * maxEvents) / eventsPerUs : Infinity;
  return Math.max(2 * windowUs, Math.min(wanted, fits));
}

/** First index with t[i] >= time (t non-decreasing). */
export function lowerBound(t: ArrayLike<number>, time: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index range [a, b) of the events a frame at playhead `atUs` shows with integration window
 * `windowUs`: those with atUs - windowUs < t <= atUs, the window trailing the playhead the way a
 * sensor's display accumulates.
 */
export function frameRange(t: ArrayLike<number>, atUs: number, windowUs: number): [number, number] {
  return [lowerBound(t, Math.floor(atUs - windowUs) + 1), lowerBound(t, Math.floor(atUs) + 1)];
}

/**
 * Playhead after `elapsedMs` of wall time at `speed` (1 = real time: 1 ms of wall time plays 1000 µs).
 * At the end it stops there (`ended`), or wraps to 0 with `loop`.
 */
export function advance(atUs: number, elapsedMs: number, speed: number, durationUs: number, loop: boolean): { atUs: number; ended: boolean } {
  const next = atUs + Math.max(0, elapsedMs) * 1000 * speed;
  if (next < durationUs) return { atUs: next, ended: false };
  if (loop && durationUs > 0) return { atUs: next % durationUs, ended: false };
  return { atUs: durationUs, ended: true };
}

/**
 * Recording span to fetch for a frame at `atUs`, or null when `buf` serves it: a buffer at full
 * density serves any frame inside it; a thinned one only when it spans no more than one fetch (so
 * the whole-recording overview is replaced by spans near the playhead). A span is fetched again a
 * quarter before its end while playing forward, so playback does not stall at span boundaries.
 */
export function spanToFetch(buf: EventBuffer | null, atUs: number, windowUs: number, spanUs: number): { startUs: number; durationUs: number } | null {
  const from = Math.max(0, atUs - windowUs);
  const want = Math.max(spanUs, windowUs * 2);
  if (buf) {
    const inside = from >= buf.startUs && atUs < buf.endUs;
    const atEnd = buf.endUs >= buf.recordingDurationUs;
    const span = buf.endUs - buf.startUs;
    const dense = !buf.decimated || span <= want;
    const early = atEnd || atUs < buf.endUs - span / 4;
    if (inside && dense && early) return null;
  }
  return { startUs: from, durationUs: want };
}

/**
 * Per-pixel event counts of events [a, b): two planes of width x height, OFF (p = 0) then ON,
 * the layout of the lab's frame previews, so one painter draws both.
 */
export function accumulate(buf: Pick<EventBuffer, 'x' | 'y' | 'p' | 'width' | 'height'>, a: number, b: number, counts: Uint16Array): Uint16Array {
  const plane = buf.width * buf.height;
  counts.fill(0, 0, 2 * plane);
  const { x, y, p, width } = buf;
  for (let i = a; i < b; i++) {
    const k = p[i] * plane + y[i] * width + x[i];
    if (counts[k] < 65535) counts[k]++;
  }
  return counts;
}
