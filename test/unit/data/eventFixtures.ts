/**
 * Hand-made event files built from the published layouts, for formats or cases the real samples do
 * not cover (AEDAT 3.1, Zstd AEDAT 4, EVT 3.0 vectors, the ATIS overflow marker, bad input).
 */
import { Builder } from 'flatbuffers';
import { compress as lz4Compress } from 'lz4js';

export interface Ev {
  x: number;
  y: number;
  p: number;
  t: number;
}

const ascii = (s: string) => Buffer.from(s, 'latin1');

export function atis(events: Array<Ev | 'overflow'>): Uint8Array {
  const out = Buffer.alloc(events.length * 5);
  events.forEach((e, i) => {
    const o = i * 5;
    if (e === 'overflow') {
      out[o + 1] = 240;
      return;
    }
    out[o] = e.x;
    out[o + 1] = e.y;
    out[o + 2] = (e.p << 7) | ((e.t >> 16) & 0x7f);
    out[o + 3] = (e.t >> 8) & 0xff;
    out[o + 4] = e.t & 0xff;
  });
  return new Uint8Array(out);
}

export function aedat2(chip: 'DVS128' | 'DAVIS240C', words: Array<[number, number]>): Uint8Array {
  const cls = chip === 'DVS128' ? 'ch.unizh.ini.jaer.chip.retina.DVS128' : 'eu.seebetter.ini.chips.davis.DAVIS240C';
  const head = ascii(`#!AER-DAT2.0\r\n# This is a raw AE data file\r\n# AEChip: ${cls}\r\n`);
  const body = Buffer.alloc(words.length * 8);
  words.forEach(([a, t], i) => {
    body.writeUInt32BE(a >>> 0, i * 8);
    body.writeInt32BE(t, i * 8 + 4);
  });
  return new Uint8Array(Buffer.concat([head, body]));
}

export const dvs128Addr = (x: number, y: number, p: number) => (y << 8) | (x << 1) | p;
export const davisAddr = (x: number, y: number, p: number) => ((y << 22) | (x << 12) | (p << 11)) >>> 0;

export interface Aedat3Packet {
  type?: number;
  overflow?: number;
  size?: number;
  /** Polarity events; `valid` defaults to true. */
  events?: Array<Ev & { valid?: boolean }>;
  /** Raw payload for non-polarity packets. */
  raw?: { capacity: number; size: number };
}

export function aedat3(packets: Aedat3Packet[], source = 'DVS128'): Uint8Array {
  const parts: Buffer[] = [ascii(`#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: ${source}\r\n#!END-HEADER\r\n`)];
  for (const pk of packets) {
    const evs = pk.events ?? [];
    const size = pk.raw ? pk.raw.size : pk.size ?? 8;
    const capacity = pk.raw ? pk.raw.capacity : evs.length;
    const h = Buffer.alloc(28);
    h.writeInt16LE(pk.type ?? 1, 0);
    h.writeInt16LE(1, 2);
    h.writeInt32LE(size, 4);
    h.writeInt32LE(4, 8);
    h.writeInt32LE(pk.overflow ?? 0, 12);
    h.writeInt32LE(capacity, 16);
    h.writeInt32LE(capacity, 20);
    h.writeInt32LE(capacity, 24);
    const body = Buffer.alloc(size * capacity);
    if (!pk.raw) {
      evs.forEach((e, i) => {
        body.writeUInt32LE(((e.x << 17) | (e.y << 2) | (e.p << 1) | (e.valid === false ? 0 : 1)) >>> 0, i * 8);
        body.writeInt32LE(e.t, i * 8 + 4);
      });
    }
    parts.push(h, body);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** A Zstandard frame holding `data` in raw (stored) blocks: valid input for any decoder. */
export function zstdStored(data: Uint8Array): Uint8Array {
  const parts: Buffer[] = [];
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(0xfd2fb528, 0);
  parts.push(magic);
  // Frame header: single segment, 4-byte frame content size (FCS flag 2), no checksum.
  const fh = Buffer.alloc(5);
  fh[0] = (2 << 6) | (1 << 5);
  fh.writeUInt32LE(data.length, 1);
  parts.push(fh);
  const MAX = 1 << 17;
  for (let o = 0; o < data.length || o === 0; o += MAX) {
    const chunk = data.subarray(o, Math.min(data.length, o + MAX));
    const last = o + MAX >= data.length ? 1 : 0;
    const bh = Buffer.alloc(3);
    const v = (chunk.length << 3) | last; // block type 0 = raw
    bh[0] = v & 0xff;
    bh[1] = (v >> 8) & 0xff;
    bh[2] = (v >> 16) & 0xff;
    parts.push(bh, Buffer.from(chunk));
    if (data.length === 0) break;
  }
  return new Uint8Array(Buffer.concat(parts));
}

export function evtsPacket(events: Ev[]): Uint8Array {
  const b = new Builder(64 + events.length * 16);
  b.startVector(16, events.length, 8);
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    b.prep(8, 16);
    b.pad(3);
    b.writeInt8(e.p);
    b.writeInt16(e.y);
    b.writeInt16(e.x);
    b.writeInt64(BigInt(e.t));
  }
  const vec = b.endVector();
  b.startObject(1);
  b.addFieldOffset(0, vec, 0);
  b.finishSizePrefixed(b.endObject(), 'EVTS');
  return b.asUint8Array().slice();
}

export function aedat4(packets: Array<{ stream: number; events: Ev[] } | { stream: number; raw: Uint8Array }>, compression: 'none' | 'lz4' | 'zstd', size = { width: 128, height: 128 }): Uint8Array {
  const code = { none: 0, lz4: 1, zstd: 3 }[compression];
  const comp = { none: 'NONE', lz4: 'LZ4', zstd: 'ZSTD' }[compression];
  const xml =
    `<dv version="2.0">\n    <node name="outInfo" path="/mainloop/Recorder/outInfo/">\n` +
    `        <node name="0" path="/mainloop/Recorder/outInfo/0/">\n            <attr key="compression" type="string">${comp}</attr>\n` +
    `            <attr key="typeIdentifier" type="string">EVTS</attr>\n            <node name="info" path="/mainloop/Recorder/outInfo/0/info/">\n` +
    `                <attr key="sizeX" type="int">${size.width}</attr>\n                <attr key="sizeY" type="int">${size.height}</attr>\n            </node>\n        </node>\n` +
    `        <node name="3" path="/mainloop/Recorder/outInfo/3/">\n            <attr key="typeIdentifier" type="string">TRIG</attr>\n        </node>\n    </node>\n</dv>\n`;
  const b = new Builder(1024);
  const info = b.createString(xml);
  b.startObject(3);
  b.addFieldInt32(0, code, 0);
  b.addFieldOffset(2, info, 0);
  b.finish(b.endObject(), 'IOHE');
  const header = Buffer.from(b.asUint8Array());
  const len = Buffer.alloc(4);
  len.writeInt32LE(header.length, 0);
  const parts: Buffer[] = [ascii('#!AER-DAT4.0\r\n'), len, header];
  for (const pk of packets) {
    const plain = 'raw' in pk ? pk.raw : evtsPacket(pk.events);
    const payload = compression === 'lz4' ? lz4Compress(plain) : compression === 'zstd' ? zstdStored(plain) : plain;
    const h = Buffer.alloc(8);
    h.writeInt32LE(pk.stream, 0);
    h.writeInt32LE(payload.length, 4);
    parts.push(h, Buffer.from(payload));
  }
  return new Uint8Array(Buffer.concat(parts));
}

export function evt2(words: number[], header = '% evt 2.0\n% geometry 640x480\n'): Uint8Array {
  const body = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => body.writeUInt32LE(w >>> 0, i * 4));
  return new Uint8Array(Buffer.concat([ascii(header), body]));
}
export const evt2Cd = (p: number, x: number, y: number, tLow: number) => ((p << 28) | (tLow << 22) | (x << 11) | y) >>> 0;
export const evt2High = (t: number) => ((8 << 28) | Math.floor(t / 64)) >>> 0;

export function evt3(words: number[], header = '% evt 3.0\n% format EVT3;height=720;width=1280\n% end\n'): Uint8Array {
  const body = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => body.writeUInt16LE(w, i * 2));
  return new Uint8Array(Buffer.concat([ascii(header), body]));
}
export const E3 = {
  y: (y: number) => (0x0 << 12) | y,
  x: (x: number, p: number) => (0x2 << 12) | (p << 11) | x,
  base: (x: number, p: number) => (0x3 << 12) | (p << 11) | x,
  v12: (mask: number) => (0x4 << 12) | mask,
  v8: (mask: number) => (0x5 << 12) | mask,
  low: (t: number) => (0x6 << 12) | (t & 0xfff),
  high: (t: number) => (0x8 << 12) | ((t >> 12) & 0xfff),
};

export function dat(events: Ev[], header = '% Data file containing Event2d events.\n% Version 2\n% Width 304\n% Height 240\n'): Uint8Array {
  const body = Buffer.alloc(2 + events.length * 8);
  body[0] = 0;
  body[1] = 8;
  events.forEach((e, i) => {
    body.writeUInt32LE(e.t, 2 + i * 8);
    body.writeUInt32LE(((e.p << 28) | (e.y << 14) | e.x) >>> 0, 2 + i * 8 + 4);
  });
  return new Uint8Array(Buffer.concat([ascii(header), body]));
}
