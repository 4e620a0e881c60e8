/**
 * ATIS `.bin` reader (N-MNIST, N-Caltech101, SLAYER `.bs2`; Orchard et al. 2015). No header; 5 bytes
 * per event:
 *   byte 0: x, byte 1: y, byte 2 bit 7: polarity, byte 2 bits 0-6 + bytes 3-4: 23-bit big-endian
 *   timestamp in microseconds.
 * A y of 240 (one past the 240-row ATIS array) is not an event but a timestamp-overflow marker: every
 * later timestamp gets 2^13 added (Orchard's Read_Ndataset.m, and Tonic's read_mnist_file, do the
 * same). A raw timestamp that drops by more than half the 23-bit range is a silent wrap and is
 * unwrapped by 2^23; a smaller drop is a corrupt file.
 */
import { EventFileError, allocEvents, makeRecording, type EventRecording, type EventStream } from './types';

export interface AtisOptions {
  /** Sensor size; by default 34x34 when every event fits (N-MNIST), else the full 304x240 ATIS. */
  width?: number;
  height?: number;
}

const OVERFLOW_Y = 240;
const OVERFLOW_STEP = 1 << 13;
const WRAP = 1 << 23;
const HALF_WRAP = 1 << 22;

export function parseAtisBin(bytes: Uint8Array, file: string, opts: AtisOptions = {}): EventRecording {
  const len = bytes.length;
  if (len === 0) throw new EventFileError(file, 'EMPTY', 0, 'at least one 5-byte ATIS event');
  if (len % 5 !== 0) {
    throw new EventFileError(file, 'TRUNCATED', len - (len % 5), 'a whole 5-byte ATIS event', `${len % 5} trailing bytes`);
  }
  const ev = allocEvents(len / 5, opts.width ?? 304, opts.height ?? 240);
  const st = atisState();
  const n = decodeAtis(bytes, 0, ev, file, st, 0);
  // N-MNIST saccade crops fit 34x34; use that size when the caller gave none and everything fits.
  if (opts.width === undefined && opts.height === undefined && st[2] < 34 && st[3] < 34) {
    ev.width = 34;
    ev.height = 34;
  }
  return makeRecording(ev, n, 'atis-bin', 'ATIS');
}

/** Decoder state carried between chunks: [time offset, last timestamp, max x, max y]. */
export function atisState(): Float64Array {
  return Float64Array.of(0, -1, 0, 0);
}

/**
 * The hot loop, kept small and separate so V8 optimises it once. Decodes whole 5-byte records from
 * `start` to the end of `bytes` into `ev` from index 0; `base` is the file offset of bytes[0] (for
 * error offsets when streaming). Returns the event count.
 */
export function decodeAtis(bytes: Uint8Array, start: number, ev: EventStream, file: string, st: Float64Array, base: number): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const maxX = ev.width - 1, maxY = ev.height - 1;
  const len = bytes.length;
  let offset = st[0];
  let last = st[1];
  let n = 0;
  let seenX = st[2], seenY = st[3];
  for (let o = start; o < len; o += 5) {
    const x = bytes[o];
    const y = bytes[o + 1];
    const b2 = bytes[o + 2];
    if (y === OVERFLOW_Y) {
      offset += OVERFLOW_STEP;
      continue;
    }
    let ts = (((b2 & 0x7f) << 16) | (bytes[o + 3] << 8) | bytes[o + 4]) + offset;
    if (ts < last) {
      if (last - ts > HALF_WRAP) {
        offset += WRAP;
        ts += WRAP;
      } else {
        throw new EventFileError(file, 'NON_MONOTONIC', base + o + 2, `a timestamp >= ${last} us`, `${ts} us`);
      }
    }
    if (x > maxX || y > maxY) {
      throw new EventFileError(file, 'OUT_OF_RANGE', base + o, `x < ${maxX + 1} and y < ${maxY + 1}`, `x=${x} y=${y}`);
    }
    if (x > seenX) seenX = x;
    if (y > seenY) seenY = y;
    X[n] = x;
    Y[n] = y;
    P[n] = b2 >> 7;
    T[n] = ts;
    last = ts;
    n++;
  }
  st[0] = offset;
  st[1] = last;
  st[2] = seenX;
  st[3] = seenY;
  return n;
}
