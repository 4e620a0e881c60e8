/**
 * Prophesee `.dat` reader (N-CARS, Gen1 automotive): `%` header lines, then (version >= 2) one byte
 * event type (0 = CD) and one byte event size (8), then little-endian uint32 timestamp (us) +
 * uint32 data: x = d & 0x3FFF, y = (d >> 14) & 0x3FFF, polarity = d >> 28.
 * The sensor size comes from `% Width` / `% Height` / `% geometry` when present, else the Gen1 ATIS
 * 304x240 that these files were recorded with.
 */
import { readPropheseeHeader } from './prophHeader';
import { EventFileError, allocEvents, makeRecording, type EventRecording, type EventStream } from './types';

/** Header checks; returns the offset of the first event and the sensor size. */
export function readDatHeader(bytes: Uint8Array, file: string): { start: number; width: number; height: number; camera?: string } {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'a "%" header and .dat events');
  const h = readPropheseeHeader(bytes);
  if (h.lines.length === 0) throw new EventFileError(file, 'BAD_MAGIC', 0, 'a "%" Prophesee header line');
  if (h.end + 2 > bytes.length) throw new EventFileError(file, 'TRUNCATED', h.end, 'the event type and size bytes after the header');
  const type = bytes[h.end];
  const size = bytes[h.end + 1];
  if (type !== 0 || size !== 8) throw new EventFileError(file, 'UNKNOWN_PACKET', h.end, 'event type 0 (CD) of size 8', `type ${type}, size ${size}`);
  return { start: h.end + 2, width: h.width ?? 304, height: h.height ?? 240, camera: h.camera };
}

export function parseProphDat(bytes: Uint8Array, file: string): EventRecording {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'a "%" header and .dat events');
  const h = readPropheseeHeader(bytes);
  if (h.lines.length === 0) throw new EventFileError(file, 'BAD_MAGIC', 0, 'a "%" Prophesee header line');
  const W = h.width ?? 304, H = h.height ?? 240;
  if (h.end + 2 > bytes.length) throw new EventFileError(file, 'TRUNCATED', h.end, 'the event type and size bytes after the header');
  const type = bytes[h.end];
  const size = bytes[h.end + 1];
  if (type !== 0 || size !== 8) throw new EventFileError(file, 'UNKNOWN_PACKET', h.end, 'event type 0 (CD) of size 8', `type ${type}, size ${size}`);
  const start = h.end + 2;
  const body = bytes.length - start;
  if (body % 8 !== 0) throw new EventFileError(file, 'TRUNCATED', bytes.length - (body % 8), 'whole 8-byte CD events', `${body % 8} trailing bytes`);
  const ev = allocEvents(body >> 3, W, H);
  return makeRecording(ev, decodeDat(bytes, start, ev, file, Float64Array.of(-1), 0), 'prophesee-dat', h.camera);
}

/**
 * The hot loop, separate so V8 optimises it once. `st` = [last timestamp] carries across chunks when
 * streaming; `base` is the file offset of bytes[0]. Returns the event count.
 */
export function decodeDat(bytes: Uint8Array, start: number, ev: EventStream, file: string, st: Float64Array, base: number): number {
  const X = ev.x, Y = ev.y, P = ev.p, T = ev.t;
  const W = ev.width, H = ev.height;
  const len = bytes.length;
  let n = 0;
  let last = st[0];
  for (let o = start; o < len; o += 8) {
    const ts = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
    const d = (bytes[o + 4] | (bytes[o + 5] << 8) | (bytes[o + 6] << 16) | (bytes[o + 7] << 24)) >>> 0;
    const x = d & 0x3fff;
    const y = (d >>> 14) & 0x3fff;
    const p = d >>> 28;
    if (x >= W || y >= H || p > 1) throw new EventFileError(file, 'OUT_OF_RANGE', base + o + 4, `x < ${W}, y < ${H}, polarity 0/1`, `x=${x} y=${y} p=${p}`);
    if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', base + o, `a timestamp >= ${last} us`, `${ts} us`);
    X[n] = x;
    Y[n] = y;
    P[n] = p;
    T[n] = ts;
    last = ts;
    n++;
  }
  st[0] = last;
  return n;
}
