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
 */
import { readPropheseeHeader } from './prophHeader';
import { EventFileError, allocEvents, makeRecording, type EventRecording, type EventStream } from './types';

const WRAP = 1 << 24;

export function parseEvt3(bytes: Uint8Array, file: string): EventRecording {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'a "%" header and EVT 3.0 words');
  const h = readPropheseeHeader(bytes);
  if (h.lines.length === 0) throw new EventFileError(file, 'BAD_MAGIC', 0, 'a "%" Prophesee header line');
  const W = h.width ?? 1280, H = h.height ?? 720;
  const start = h.end;
  if ((bytes.length - start) % 2 !== 0) throw new EventFileError(file, 'TRUNCATED', bytes.length - 1, 'whole 16-bit EVT 3.0 words', '1 trailing byte');
  // Two passes: count the events (ADDR_X words + set vector bits) to allocate exactly, then decode.
  // A per-event growable builder was 3x slower, and vectors make the count unknowable from the size.
  const ev = allocEvents(countEvt3(bytes, start), W, H);
  return makeRecording(ev, decodeEvt3(bytes, start, ev, file), 'evt3', h.camera);
}

function countEvt3(bytes: Uint8Array, start: number): number {
  let n = 0;
  for (let o = start; o < bytes.length; o += 2) {
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

/** The decoding state machine; returns the number of events written. */
function decodeEvt3(bytes: Uint8Array, start: number, ev: EventStream, file: string): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const W = ev.width, H = ev.height;
  let n = 0;
  let y = -1;
  let base = 0;
  let vp = 0;
  let high = -1; // timestamp bits 12.. (already shifted, unwrapped), -1 until the first TIME_HIGH
  let low = 0;
  let wrap = 0;
  let last = -1;
  for (let o = start; o < bytes.length; o += 2) {
    const w = bytes[o] | (bytes[o + 1] << 8);
    switch (w >> 12) {
      case 0x0:
        y = w & 0x7ff;
        if (y >= H) throw new EventFileError(file, 'OUT_OF_RANGE', o, `y < ${H}`, `y=${y}`);
        break;
      case 0x2: {
        if (high < 0 || y < 0) break;
        const x = w & 0x7ff;
        if (x >= W) throw new EventFileError(file, 'OUT_OF_RANGE', o, `x < ${W}`, `x=${x}`);
        const ts = high + low;
        if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', o, `a timestamp >= ${last} us`, `${ts} us`);
        X[n] = x;
        Y[n] = y;
        P[n] = (w >> 11) & 1;
        T[n] = ts;
        n++;
        last = ts;
        break;
      }
      case 0x3:
        base = w & 0x7ff;
        vp = (w >> 11) & 1;
        break;
      case 0x4:
      case 0x5: {
        const bits = w >> 12 === 0x4 ? 12 : 8;
        const mask = w & ((1 << bits) - 1);
        if (high >= 0 && y >= 0 && mask !== 0) {
          const ts = high + low;
          if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', o, `a timestamp >= ${last} us`, `${ts} us`);
          for (let i = 0; i < bits; i++) {
            if (mask & (1 << i)) {
              const x = base + i;
              if (x >= W) throw new EventFileError(file, 'OUT_OF_RANGE', o, `x < ${W} (vector base ${base} + bit ${i})`, `x=${x}`);
              X[n] = x;
              Y[n] = y;
              P[n] = vp;
              T[n] = ts;
              n++;
            }
          }
          last = ts;
        }
        base += bits;
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
        throw new EventFileError(file, 'UNKNOWN_PACKET', o, 'an EVT 3.0 word type 0, 2-8, 0xA, 0xE or 0xF', `0x${(w >> 12).toString(16)}`);
    }
  }
  return n;
}
