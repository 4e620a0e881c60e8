/**
 * Prophesee EVT 3.0 `.raw` reader: `%` header, then little-endian 16-bit words, type = w >> 12.
 * The format is stateful: words update y, time and an x base, and events are emitted by
 *   0x0 ADDR_Y      y = w & 0x7FF
 *   0x2 ADDR_X      one event at x = w & 0x7FF, polarity (w >> 11) & 1
 *   0x3 VECT_BASE_X x base = w & 0x7FF, polarity (w >> 11) & 1 for following vectors
 *   0x4 VECT_12     events at base + i for each set bit i of w & 0xFFF, then base += 12
 *   0x5 VECT_8      events at base + i for each set bit i of w & 0xFF, then base += 8
 *   0x6 TIME_LOW    timestamp bits 0..11;  0x8 TIME_HIGH  timestamp bits 12..23
 *   0x7 CONTINUED_4, 0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED_12: skipped.
 * The 24-bit timestamp wraps every 16.8 s; a TIME_HIGH going backwards by more than half the range
 * is a wrap and is unwrapped. Events before the first TIME_HIGH have no time base and are dropped.
 *
 * The decoder state (y, x base, vector polarity, time, wrap, last timestamp) lives in a small array
 * so a file can be decoded in chunks of any size (streaming; see stream.ts) with the same result as
 * one whole-file pass; a word split across two chunks waits for its second byte.
 */
import { readPropheseeHeader } from './prophHeader';
import { EventFileError, allocEvents, makeRecording, trimEvents, type ChunkDecoder, type EventRecording, type EventStream } from './types';

const WRAP = 1 << 24;

export interface Evt3Start {
  start: number;
  width: number;
  height: number;
  camera?: string;
}

/**
 * Checks the header in `head` (the file's first bytes) against a file of `size` bytes; shared by
 * the whole-file reader and the streaming one so both reject the same files the same way.
 */
export function readEvt3Start(head: Uint8Array, file: string, size: number): Evt3Start {
  if (size === 0) throw new EventFileError(file, 'EMPTY', 0, 'a "%" header and EVT 3.0 words');
  const h = readPropheseeHeader(head);
  if (h.lines.length === 0) throw new EventFileError(file, 'BAD_MAGIC', 0, 'a "%" Prophesee header line');
  if (h.end >= head.length && head.length < size) throw new EventFileError(file, 'BAD_HEADER', head.length, `a header ending within the first ${head.length} bytes`);
  if ((size - h.end) % 2 !== 0) throw new EventFileError(file, 'TRUNCATED', size - 1, 'whole 16-bit EVT 3.0 words', '1 trailing byte');
  return { start: h.end, width: h.width ?? 1280, height: h.height ?? 720, camera: h.camera };
}

export function parseEvt3(bytes: Uint8Array, file: string): EventRecording {
  const s = readEvt3Start(bytes, file, bytes.length);
  const d = new Evt3Decoder(s.width, s.height, file);
  const ev = d.push(bytes.subarray(s.start), s.start);
  d.finish();
  return makeRecording(ev, ev.t.length, 'evt3', s.camera);
}

/** Decoder state indices (a Float64Array: every field fits a double exactly). */
const Y = 0, BASE = 1, VP = 2, HIGH = 3, LOW = 4, WRAPS = 5, LAST = 6;

export class Evt3Decoder implements ChunkDecoder {
  private readonly st = Float64Array.of(-1, 0, 0, -1, 0, 0, -1);
  /** The first byte of a word split across chunks, or -1. */
  private pending = -1;
  private pendingAt = 0;
  private readonly pair = new Uint8Array(2);
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly file: string,
  ) {}

  push(bytes: Uint8Array, offset: number): EventStream {
    let from = 0;
    let n = 0;
    // Two passes per chunk: count the events (ADDR_X words + set vector bits) to allocate exactly,
    // then decode. A per-event growable builder was 3x slower, and vectors make the count unknowable
    // from the size.
    let lead = 0;
    if (this.pending >= 0 && bytes.length > 0) {
      this.pair[0] = this.pending;
      this.pair[1] = bytes[0];
      lead = countEvt3(this.pair, 0, 2);
      from = 1;
    }
    const tail = (bytes.length - from) & 1;
    const ev = allocEvents(lead + countEvt3(bytes, from, bytes.length - tail), this.width, this.height);
    if (from === 1) {
      n = decodeEvt3(this.pair, 0, 2, ev, 0, this.file, this.st, this.pendingAt);
      this.pending = -1;
    }
    n = decodeEvt3(bytes, from, bytes.length - tail, ev, n, this.file, this.st, offset);
    if (tail) {
      this.pending = bytes[bytes.length - 1];
      this.pendingAt = offset + bytes.length - 1;
    }
    // Counted events can be dropped (before the first TIME_HIGH or ADDR_Y), so trim to those decoded.
    return trimEvents(ev, n);
  }

  finish(): void {
    if (this.pending >= 0) throw new EventFileError(this.file, 'TRUNCATED', this.pendingAt, 'whole 16-bit EVT 3.0 words', '1 trailing byte');
  }
}

function countEvt3(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let o = start; o < end; o += 2) {
    const hi = bytes[o + 1] >> 4;
    if (hi === 0x2) n++;
    else if (hi === 0x4) n += popcount((bytes[o] | (bytes[o + 1] << 8)) & 0xfff);
    else if (hi === 0x5) n += popcount(bytes[o]);
  }
  return n;
}

function popcount(v: number): number {
  v = v - ((v >> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >> 2) & 0x33333333);
  return (((v + (v >> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The decoding state machine over words [start, end) of `bytes`, writing from event n0; `base` is
 * the file offset of bytes[0] (for error offsets). Returns the new event count.
 */
function decodeEvt3(bytes: Uint8Array, start: number, end: number, ev: EventStream, n0: number, file: string, st: Float64Array, base: number): number {
  const X = ev.x, Yv = ev.y, P = ev.p, T = ev.t;
  const W = ev.width, H = ev.height;
  let n = n0;
  let y = st[Y];
  let xb = st[BASE];
  let vp = st[VP];
  let high = st[HIGH]; // timestamp bits 12.. (already shifted, unwrapped), -1 until the first TIME_HIGH
  let low = st[LOW];
  let wrap = st[WRAPS];
  let last = st[LAST];
  for (let o = start; o < end; o += 2) {
    const w = bytes[o] | (bytes[o + 1] << 8);
    switch (w >> 12) {
      case 0x0:
        y = w & 0x7ff;
        if (y >= H) throw new EventFileError(file, 'OUT_OF_RANGE', base + o, `y < ${H}`, `y=${y}`);
        break;
      case 0x2: {
        if (high < 0 || y < 0) break;
        const x = w & 0x7ff;
        if (x >= W) throw new EventFileError(file, 'OUT_OF_RANGE', base + o, `x < ${W}`, `x=${x}`);
        const ts = high + low;
        if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', base + o, `a timestamp >= ${last} us`, `${ts} us`);
        X[n] = x;
        Yv[n] = y;
        P[n] = (w >> 11) & 1;
        T[n] = ts;
        n++;
        last = ts;
        break;
      }
      case 0x3:
        xb = w & 0x7ff;
        vp = (w >> 11) & 1;
        break;
      case 0x4:
      case 0x5: {
        const bits = w >> 12 === 0x4 ? 12 : 8;
        const mask = w & ((1 << bits) - 1);
        if (high >= 0 && y >= 0 && mask !== 0) {
          const ts = high + low;
          if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', base + o, `a timestamp >= ${last} us`, `${ts} us`);
          for (let i = 0; i < bits; i++) {
            if (mask & (1 << i)) {
              const x = xb + i;
              if (x >= W) throw new EventFileError(file, 'OUT_OF_RANGE', base + o, `x < ${W} (vector base ${xb} + bit ${i})`, `x=${x}`);
              X[n] = x;
              Yv[n] = y;
              P[n] = vp;
              T[n] = ts;
              n++;
            }
          }
          last = ts;
        }
        xb += bits;
        break;
      }
      case 0x6:
        low = w & 0xfff;
        break;
      case 0x8: {
        let next = (w & 0xfff) * 4096 + wrap;
        if (high >= 0 && next < high - WRAP / 2) {
          wrap += WRAP;
          next += WRAP;
        }
        high = next;
        break;
      }
      case 0x7:
      case 0xa:
      case 0xe:
      case 0xf:
        break;
      default:
        throw new EventFileError(file, 'UNKNOWN_PACKET', base + o, 'an EVT 3.0 word type 0, 2-8, 0xA, 0xE or 0xF', `0x${(w >> 12).toString(16)}`);
    }
  }
  st[Y] = y;
  st[BASE] = xb;
  st[VP] = vp;
  st[HIGH] = high;
  st[LOW] = low;
  st[WRAPS] = wrap;
  st[LAST] = last;
  return n;
}
