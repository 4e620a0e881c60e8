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
import { EventFileError, allocEvents, trimEvents, type EventRecording } from './types';

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
  const capacity = len / 5;
  const ev = allocEvents(capacity, opts.width ?? 304, opts.height ?? 240);
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const maxX = (opts.width ?? 304) - 1;
  const maxY = (opts.height ?? 240) - 1;
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
  const out = trimEvents(ev, n) as EventRecording;
  out.format = 'atis-bin';
  out.camera = 'ATIS';
  if (opts.width === undefined && opts.height === undefined && seenX < 34 && seenY < 34) {
    out.width = 34;
    out.height = 34;
  }
  return out;
}
