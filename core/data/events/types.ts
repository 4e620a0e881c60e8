/**
 * The event representation every reader returns and every transform consumes: a struct of arrays
 * (one typed array per field) so the hot loops touch contiguous memory and no per-event object is
 * ever made.
 *
 * Field types, and why:
 * - x, y: Uint16. The largest sensors in use (Prophesee Gen4 1280x720, the 14-bit .dat fields) fit,
 *   and half the memory of Int32 keeps a 10 M event recording at 60 MB instead of 100 MB.
 * - p: Uint8, 1 = ON (brightness increase), 0 = OFF, normalised across formats by the readers.
 * - t: Float64 microseconds. AEDAT 4 stores Unix-epoch microseconds (about 1.7e15 in 2024), far
 *   below 2^53 = 9.0e15, so every integer timestamp is exact in a double until the year 2255, and
 *   doubles avoid BigInt's 10-50x slower arithmetic in transforms.
 * The arrays of small recordings are views into a shared slab (see allocEvents): never transfer
 * their `.buffer` to a worker (that would detach other recordings' data); copy with `.slice()` first.
 */
import { DatasetError } from '../idx';

export interface EventStream {
  x: Uint16Array;
  y: Uint16Array;
  p: Uint8Array;
  /** Microseconds, non-decreasing. */
  t: Float64Array;
  /** Sensor width and height in pixels; every x < width, y < height. */
  width: number;
  height: number;
}

export type EventFormat = 'atis-bin' | 'aedat2' | 'aedat3' | 'aedat4' | 'evt2' | 'evt3' | 'prophesee-dat';

/** A parsed file: events plus what the header said. */
export interface EventRecording extends EventStream {
  format: EventFormat;
  /** Camera / chip named by the header where there is one (e.g. "DVS128", "DAVIS240C"). */
  camera?: string;
}

/**
 * A reader fed a file's bytes in order, in chunks of any size (down to one byte), with its decoder
 * state carried across chunk boundaries: streaming a file through it gives exactly the events and
 * errors (same byte offsets) of a whole-file read, in memory bounded by the chunk (plus, for
 * compressed AEDAT 4, one packet). Returned events never alias the input bytes, so callers may
 * reuse their read buffer.
 */
export interface ChunkDecoder {
  readonly width: number;
  readonly height: number;
  /** Decode the next bytes, which start at file offset `offset`; returns the events they complete. */
  push(bytes: Uint8Array, offset: number): EventStream;
  /** After the last chunk: throws TRUNCATED when a word, event or packet was left incomplete. */
  finish(): void;
}

/** Why a file was rejected; lets callers (CLI, UI, fuzz tests) branch without parsing text. */
export type EventErrorReason =
  | 'EMPTY'
  | 'BAD_MAGIC'
  | 'BAD_HEADER'
  | 'TRUNCATED'
  | 'OUT_OF_RANGE'
  | 'NON_MONOTONIC'
  | 'UNKNOWN_PACKET'
  | 'CORRUPT'
  | 'UNKNOWN_FORMAT'
  | 'IO';

/**
 * A bad event file: names the file, the byte offset where reading stopped and what was expected
 * there. It is a DatasetError, so code that handles dataset problems generically catches it too.
 */
export class EventFileError extends DatasetError {
  readonly reason: EventErrorReason;
  readonly offset: number;
  readonly expected: string;
  constructor(file: string, reason: EventErrorReason, offset: number, expected: string, found?: string) {
    super(file, `${reason} at byte ${offset}: expected ${expected}${found === undefined ? '' : `, found ${found}`}`);
    this.name = 'EventFileError';
    this.reason = reason;
    this.offset = offset;
    this.expected = expected;
  }
}

export function emptyEvents(width: number, height: number): EventStream {
  return { x: new Uint16Array(0), y: new Uint16Array(0), p: new Uint8Array(0), t: new Float64Array(0), width, height };
}

/**
 * Allocate arrays for up to `capacity` events, carved from one ArrayBuffer (t first for its 8-byte
 * alignment): one allocation instead of four. Small requests (N-MNIST's 4000-event samples) are
 * carved from a shared 1 MiB slab, the way Node pools small Buffers: a fresh ArrayBuffer per file
 * (calloc + external-memory accounting) cost as much as decoding the file. Readers write every
 * element they expose, so slab memory needs no clearing; a slab is freed when no sample uses it.
 */
export function allocEvents(capacity: number, width: number, height: number): EventStream {
  const bytes = capacity * 13;
  let buf: ArrayBuffer;
  let at = 0;
  if (bytes <= SMALL_ALLOC) {
    if (slabUsed + bytes > SLAB_SIZE) {
      slab = new ArrayBuffer(SLAB_SIZE);
      slabUsed = 0;
    }
    buf = slab;
    at = slabUsed;
    slabUsed += (bytes + 7) & ~7;
  } else {
    buf = new ArrayBuffer(bytes);
  }
  return {
    x: new Uint16Array(buf, at + capacity * 8, capacity),
    y: new Uint16Array(buf, at + capacity * 10, capacity),
    p: new Uint8Array(buf, at + capacity * 12, capacity),
    t: new Float64Array(buf, at, capacity),
    width,
    height,
  };
}

const SLAB_SIZE = 1 << 20;
const SMALL_ALLOC = 128 << 10;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/** Views of the first n events (no copy; readers over-allocate to an upper bound, then trim). */
export function trimEvents<T extends EventStream>(ev: T, n: number): T {
  if (n === ev.t.length) return ev;
  return { ...ev, x: ev.x.subarray(0, n), y: ev.y.subarray(0, n), p: ev.p.subarray(0, n), t: ev.t.subarray(0, n) };
}

export function eventCount(ev: EventStream): number {
  return ev.t.length;
}

/**
 * Growable arrays for formats whose event count is not known from the file size (EVT 3.0 vector
 * words, AEDAT 4 packets). Doubling keeps appends amortised O(1) without per-event objects.
 */
export class EventBuilder {
  x: Uint16Array;
  y: Uint16Array;
  p: Uint8Array;
  t: Float64Array;
  n = 0;
  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.x = new Uint16Array(c);
    this.y = new Uint16Array(c);
    this.p = new Uint8Array(c);
    this.t = new Float64Array(c);
  }
  /** Make room for `extra` more events. */
  reserve(extra: number): void {
    const need = this.n + extra;
    if (need <= this.t.length) return;
    let c = this.t.length * 2;
    while (c < need) c *= 2;
    const x = new Uint16Array(c); x.set(this.x.subarray(0, this.n)); this.x = x;
    const y = new Uint16Array(c); y.set(this.y.subarray(0, this.n)); this.y = y;
    const p = new Uint8Array(c); p.set(this.p.subarray(0, this.n)); this.p = p;
    const t = new Float64Array(c); t.set(this.t.subarray(0, this.n)); this.t = t;
  }
  push(x: number, y: number, p: number, t: number): void {
    if (this.n === this.t.length) this.reserve(1);
    const i = this.n++;
    this.x[i] = x;
    this.y[i] = y;
    this.p[i] = p;
    this.t[i] = t;
  }
  finish(width: number, height: number): EventStream {
    const n = this.n;
    return { x: this.x.subarray(0, n), y: this.y.subarray(0, n), p: this.p.subarray(0, n), t: this.t.subarray(0, n), width, height };
  }
}

/** Copy of events [start, end) (a sample cut from a recording, e.g. one gesture). */
export function sliceEvents(ev: EventStream, start: number, end: number): EventStream {
  return { x: ev.x.slice(start, end), y: ev.y.slice(start, end), p: ev.p.slice(start, end), t: ev.t.slice(start, end), width: ev.width, height: ev.height };
}

/** First index with t >= time in a non-decreasing t array (binary search). */
export function lowerBound(t: Float64Array, time: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface EventSummary {
  events: number;
  width: number;
  height: number;
  firstTimestampUs: number;
  lastTimestampUs: number;
  durationUs: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  polarityCounts: { on: number; off: number };
}

export function summarizeEvents(ev: EventStream): EventSummary {
  const n = ev.t.length;
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity, on = 0;
  const { x, y, p } = ev;
  for (let i = 0; i < n; i++) {
    const xi = x[i], yi = y[i];
    if (xi < xMin) xMin = xi;
    if (xi > xMax) xMax = xi;
    if (yi < yMin) yMin = yi;
    if (yi > yMax) yMax = yi;
    on += p[i];
  }
  const first = n ? ev.t[0] : 0;
  const last = n ? ev.t[n - 1] : 0;
  return {
    events: n,
    width: ev.width,
    height: ev.height,
    firstTimestampUs: first,
    lastTimestampUs: last,
    durationUs: last - first,
    xMin: n ? xMin : 0,
    xMax: n ? xMax : 0,
    yMin: n ? yMin : 0,
    yMax: n ? yMax : 0,
    polarityCounts: { on, off: n - on },
  };
}

/**
 * Build a recording from over-allocated arrays and a count. Every recording is created by this one
 * object literal so all have the same hidden class (V8 deoptimises readers whose result objects
 * change shape, which cost 3-4x on small files).
 */
export function makeRecording(ev: EventStream, n: number, format: EventFormat, camera: string | undefined): EventRecording {
  return {
    x: n === ev.x.length ? ev.x : ev.x.subarray(0, n),
    y: n === ev.y.length ? ev.y : ev.y.subarray(0, n),
    p: n === ev.p.length ? ev.p : ev.p.subarray(0, n),
    t: n === ev.t.length ? ev.t : ev.t.subarray(0, n),
    width: ev.width,
    height: ev.height,
    format,
    camera,
  };
}
