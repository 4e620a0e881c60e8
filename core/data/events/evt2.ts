/**
 * Prophesee EVT 2.0 `.raw` reader: `%` header, then little-endian 32-bit words, type = w >> 28:
 *   0 CD_OFF / 1 CD_ON: ts low 6 bits (w>>22)&0x3F, x (w>>11)&0x7FF, y w&0x7FF;
 *   8 EVT_TIME_HIGH: bits 6..33 of the timestamp in w&0x0FFFFFFF;
 *   0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED: skipped.
 * CD words before the first TIME_HIGH have no time base (the recording was cut mid-stream) and are
 * dropped, as Prophesee's own decoder does. TIME_HIGH wraps after 2^34 us (4.8 h) and is unwrapped.
 */
import { readPropheseeHeader } from './prophHeader';
import { EventFileError, allocEvents, makeRecording, type EventRecording, type EventStream } from './types';

const TIME_HIGH_WRAP = 2 ** 34;

export function parseEvt2(bytes: Uint8Array, file: string): EventRecording {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'a "%" header and EVT 2.0 words');
  const h = readPropheseeHeader(bytes);
  if (h.lines.length === 0) throw new EventFileError(file, 'BAD_MAGIC', 0, 'a "%" Prophesee header line');
  const W = h.width ?? 640, H = h.height ?? 480;
  const start = h.end;
  const body = bytes.length - start;
  if (body % 4 !== 0) throw new EventFileError(file, 'TRUNCATED', bytes.length - (body % 4), 'whole 32-bit EVT 2.0 words', `${body % 4} trailing bytes`);
  const ev = allocEvents(body >> 2, W, H);
  return makeRecording(ev, decodeEvt2(bytes, start, ev, file, evt2State(), 0), 'evt2', h.camera);
}

/** Decoder state carried between chunks: [time high (us, -1 before the first), wrap offset, last timestamp]. */
export function evt2State(): Float64Array {
  return Float64Array.of(-1, 0, -1);
}

/**
 * The hot loop, separate so V8 optimises it once; `base` is the file offset of bytes[0] (streaming).
 * Returns the event count.
 */
export function decodeEvt2(bytes: Uint8Array, start: number, ev: EventStream, file: string, st: Float64Array, base: number): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const W = ev.width, H = ev.height;
  const len = bytes.length;
  let n = 0;
  let high = st[0];
  let wrap = st[1];
  let last = st[2];
  for (let o = start; o < len; o += 4) {
    const b3 = bytes[o + 3];
    const type = b3 >> 4;
    if (type <= 1) {
      if (high < 0) continue;
      const w = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (b3 << 24);
      const x = (w >>> 11) & 0x7ff;
      const y = w & 0x7ff;
      const ts = high + ((w >>> 22) & 0x3f);
      if (x >= W || y >= H) throw new EventFileError(file, 'OUT_OF_RANGE', base + o, `x < ${W} and y < ${H}`, `x=${x} y=${y}`);
      if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', base + o, `a timestamp >= ${last} us`, `${ts} us`);
      X[n] = x;
      Y[n] = y;
      P[n] = type;
      T[n] = ts;
      last = ts;
      n++;
    } else if (type === 8) {
      const w = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | ((b3 & 0x0f) << 24)) >>> 0;
      let next = w * 64 + wrap;
      if (high >= 0 && next < high - TIME_HIGH_WRAP / 2) {
        wrap += TIME_HIGH_WRAP;
        next += TIME_HIGH_WRAP;
      }
      high = next;
    } else if (type !== 0xa && type !== 0xe && type !== 0xf) {
      throw new EventFileError(file, 'UNKNOWN_PACKET', base + o, 'an EVT 2.0 word type 0, 1, 8, 0xA, 0xE or 0xF', `0x${type.toString(16)}`);
    }
  }
  st[0] = high;
  st[1] = wrap;
  st[2] = last;
  return n;
}
