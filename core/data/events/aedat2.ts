/**
 * AEDAT 2.0 reader (jAER; CIFAR10-DVS, DVS128 and DAVIS recordings). `#` header lines starting with
 * `#!AER-DAT2.0`, then big-endian pairs of int32 address + int32 timestamp (microseconds). The
 * address layout depends on the chip, which the header names (`# AEChip: <java class>`):
 * - DVS128 (and CIFAR10-DVS, recorded with one): x = (a>>1)&0x7F, y = (a>>8)&0x7F, p = a&1;
 *   bit 15 set marks an external (sync) event, skipped. Upper address bits are ignored, as in
 *   Tonic's and SpikingJelly's readers (some recorders set them), so coordinates are always in range.
 * - DAVIS240/346 and similar: bit 31 set marks APS / IMU words, skipped; DVS words have
 *   x = (a>>12)&0x3FF, y = (a>>22)&0x1FF, p = (a>>11)&1.
 * Coordinates are kept as stored (jAER flips some axes on display; we do not).
 */
import { readTextHeader, startsWithAscii } from './textHeader';
import { EventFileError, allocEvents, emptyEvents, makeRecording, type EventRecording, type EventStream } from './types';

export type Aedat2Layout = 'dvs128' | 'davis';

interface Chip {
  name: string;
  layout: Aedat2Layout;
  width: number;
  height: number;
}

/** Map the jAER chip class named in the header to its address layout and size. */
export function aedat2Chip(chipClass: string | undefined): Chip {
  const c = (chipClass ?? '').toLowerCase();
  if (c.includes('davis346')) return { name: 'DAVIS346', layout: 'davis', width: 346, height: 260 };
  if (c.includes('davis240')) return { name: 'DAVIS240C', layout: 'davis', width: 240, height: 180 };
  if (c.includes('davis640')) return { name: 'DAVIS640', layout: 'davis', width: 640, height: 480 };
  if (c.includes('davis')) return { name: 'DAVIS', layout: 'davis', width: 346, height: 260 };
  // No or unknown chip: DVS128 is what CIFAR10-DVS and most AEDAT 2 datasets used.
  return { name: 'DVS128', layout: 'dvs128', width: 128, height: 128 };
}

export interface Aedat2Options {
  /** Override the layout the header implies. */
  layout?: Aedat2Layout;
}

const MAGIC = '#!AER-DAT2.0';

export interface Aedat2Header {
  /** Offset of the first address/timestamp pair. */
  start: number;
  chip: Chip;
  layout: Aedat2Layout;
}

export function readAedat2Header(bytes: Uint8Array, file: string, opts: Aedat2Options = {}): Aedat2Header {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, `the "${MAGIC}" header`);
  if (!startsWithAscii(bytes, MAGIC)) throw new EventFileError(file, 'BAD_MAGIC', 0, `"${MAGIC}"`);
  const header = readTextHeader(bytes, 0x23);
  const chipLine = header.lines.find((l) => l.startsWith('# AEChip:'));
  const chip = aedat2Chip(chipLine?.slice('# AEChip:'.length).trim());
  return { start: header.end, chip, layout: opts.layout ?? chip.layout };
}

export function parseAedat2(bytes: Uint8Array, file: string, opts: Aedat2Options = {}): EventRecording {
  const { start, chip, layout } = readAedat2Header(bytes, file, opts);
  const body = bytes.length - start;
  if (body === 0) {
    return makeRecording(emptyEvents(chip.width, chip.height), 0, 'aedat2', chip.name);
  }
  if (body % 8 !== 0) {
    throw new EventFileError(file, 'TRUNCATED', bytes.length - (body % 8), 'a whole 8-byte address + timestamp pair', `${body % 8} trailing bytes`);
  }
  const ev = allocEvents(body / 8, chip.width, chip.height);
  const st = Float64Array.of(-2147483649);
  const n = layout === 'dvs128' ? decodeDvs128(bytes, start, ev, file, st, 0) : decodeDavis(bytes, start, ev, file, st, 0);
  return makeRecording(ev, n, 'aedat2', chip.name);
}

// The hot loops live in their own small functions so V8 optimises them once and keeps them.
// Big-endian words are assembled from bytes: faster than DataView.getInt32 here.
// `st` = [last timestamp] carries across chunks when streaming; `base` is the file offset of bytes[0].
export function decodeDvs128(bytes: Uint8Array, start: number, ev: EventStream, file: string, st: Float64Array, base: number): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const len = bytes.length;
  let n = 0;
  let last = st[0];
  for (let o = start; o < len; o += 8) {
    const a2 = bytes[o + 2], a3 = bytes[o + 3];
    const ts = (bytes[o + 4] << 24) | (bytes[o + 5] << 16) | (bytes[o + 6] << 8) | bytes[o + 7];
    if (a2 & 0x80) continue; // external event (bit 15)
    if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', base + o + 4, `a timestamp >= ${last} us`, `${ts} us`);
    X[n] = (a3 >> 1) & 0x7f;
    Y[n] = a2 & 0x7f;
    P[n] = a3 & 1;
    T[n] = ts;
    last = ts;
    n++;
  }
  st[0] = last;
  return n;
}

export function decodeDavis(bytes: Uint8Array, start: number, ev: EventStream, file: string, st: Float64Array, base: number): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const W = ev.width, H = ev.height;
  const len = bytes.length;
  let n = 0;
  let last = st[0];
  for (let o = start; o < len; o += 8) {
    const a = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
    if (a < 0) continue; // bit 31: APS or IMU sample
    const ts = (bytes[o + 4] << 24) | (bytes[o + 5] << 16) | (bytes[o + 6] << 8) | bytes[o + 7];
    if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', base + o + 4, `a timestamp >= ${last} us`, `${ts} us`);
    const x = (a >>> 12) & 0x3ff;
    const y = (a >>> 22) & 0x1ff;
    if (x >= W || y >= H) throw new EventFileError(file, 'OUT_OF_RANGE', base + o, `x < ${W} and y < ${H} (DAVIS)`, `x=${x} y=${y}`);
    X[n] = x;
    Y[n] = y;
    P[n] = (a >>> 11) & 1;
    T[n] = ts;
    last = ts;
    n++;
  }
  st[0] = last;
  return n;
}
