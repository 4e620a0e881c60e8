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
  const maxSeen = new Int32Array(2);
  const n = decodeAtis(bytes, ev, file, maxSeen);
  // N-MNIST saccade crops fit 34x34; use that size when the caller gave none and everything fits.
  if (opts.width === undefined && opts.height === undefined && maxSeen[0] < 34 && maxSeen[1] < 34) {
    ev.width = 34;
    ev.height = 34;
  }
  return makeRecording(ev, n, 'atis-bin', 'ATIS');
}

/** The hot loop, kept small and separate so V8 optimises it once. Returns the event count. */
function decodeAtis(bytes: Uint8Array, ev: EventStream, file: string, maxSeen: Int32Array): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const maxX = ev.width - 1, maxY = ev.height - 1;
  const len = bytes.length;
  let offset = 0;
  let last = -1;
  let n = 0;
  let seenX = 0, seenY = 0;
  for (let o = 0; o < len; o += 5) {
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
        throw new EventFileError(file, 'NON_MONOTONIC', o + 2, `a timestamp >= ${last} us`, `${ts} us`);
      }
    }
    if (x > maxX || y > maxY) {
      throw new EventFileError(file, 'OUT_OF_RANGE', o, `x < ${maxX + 1} and y < ${maxY + 1}`, `x=${x} y=${y}`);
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
  maxSeen[0] = seenX;
  maxSeen[1] = seenY;
  return n;
}
