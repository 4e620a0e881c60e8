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
import { EventBuilder, EventFileError, type EventRecording } from './types';

const WRAP = 1 << 24;

export function parseEvt3(bytes: Uint8Array, file: string): EventRecording {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'a "%" header and EVT 3.0 words');
  const h = readPropheseeHeader(bytes);
  if (h.lines.length === 0) throw new EventFileError(file, 'BAD_MAGIC', 0, 'a "%" Prophesee header line');
  const W = h.width ?? 1280, H = h.height ?? 720;
  const start = h.end;
  if ((bytes.length - start) % 2 !== 0) throw new EventFileError(file, 'TRUNCATED', bytes.length - 1, 'whole 16-bit EVT 3.0 words', '1 trailing byte');
  const out = new EventBuilder((bytes.length - start) >> 1);
  let y = -1;
  let base = 0;
  let vp = 0;
  let high = -1; // timestamp bits 12.. (already shifted, unwrapped), -1 until the first TIME_HIGH
  let low = 0;
  let wrap = 0;
  let last = -Infinity;
  const fail = (o: number, reason: 'OUT_OF_RANGE' | 'NON_MONOTONIC', expected: string, found: string): never => {
    throw new EventFileError(file, reason, o, expected, found);
  };
  for (let o = start; o < bytes.length; o += 2) {
    const w = bytes[o] | (bytes[o + 1] << 8);
    switch (w >> 12) {
      case 0x0:
        y = w & 0x7ff;
        if (y >= H) fail(o, 'OUT_OF_RANGE', `y < ${H}`, `y=${y}`);
        break;
      case 0x2: {
        if (high < 0 || y < 0) break;
        const x = w & 0x7ff;
        if (x >= W) fail(o, 'OUT_OF_RANGE', `x < ${W}`, `x=${x}`);
        const ts = high + low;
        if (ts < last) fail(o, 'NON_MONOTONIC', `a timestamp >= ${last} us`, `${ts} us`);
        out.push(x, y, (w >> 11) & 1, ts);
        last = ts;
        break;
      }
      case 0x3:
        base = w & 0x7ff;
        vp = (w >> 11) & 1;
        break;
      case 0x4:
      case 0x5: {
        const bits = (w >> 12) === 0x4 ? 12 : 8;
        const mask = w & ((1 << bits) - 1);
        if (high >= 0 && y >= 0 && mask !== 0) {
          const ts = high + low;
          if (ts < last) fail(o, 'NON_MONOTONIC', `a timestamp >= ${last} us`, `${ts} us`);
          for (let i = 0; i < bits; i++) {
            if (mask & (1 << i)) {
              const x = base + i;
              if (x >= W) fail(o, 'OUT_OF_RANGE', `x < ${W} (vector base ${base} + bit ${i})`, `x=${x}`);
              out.push(x, y, vp, ts);
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
  const ev = out.finish(W, H) as EventRecording;
  ev.format = 'evt3';
  ev.camera = h.camera;
  return ev;
}
