/**
 * AEDAT 4.0 reader (iniVation DV). Layout (little-endian):
 *   "#!AER-DAT4.0\r\n", int32 header size, IOHeader flatbuffer (identifier "IOHE": field 0
 *   compression enum NONE/LZ4/LZ4_HIGH/ZSTD/ZSTD_HIGH, field 1 int64 dataTablePosition (-1 = none),
 *   field 2 infoNode: an XML string listing the streams: id, typeIdentifier, sizeX/sizeY);
 *   then packets: int32 stream id, int32 byte size, payload compressed as the header says;
 *   at dataTablePosition a file table (FTAB) that we do not need: packets are read in order.
 * A decompressed payload is a size-prefixed flatbuffer (uint32 length, root offset, identifier).
 * EVTS packets: table EventPacket { elements: [Event] }, Event a 16-byte struct
 *   (int64 t in Unix-epoch microseconds, int16 x, int16 y, bool on, 3 pad bytes).
 * FRME/IMUS/TRIG and other streams are skipped. Flatbuffer reads go through the flatbuffers
 * package's ByteBuffer, but every offset is checked against the buffer first because ByteBuffer
 * does no bounds checking and corrupt offsets would otherwise read garbage silently.
 *
 * Aedat4Decoder takes the file in chunks: packets are compressed, so each is gathered whole (memory:
 * one chunk plus the largest packet, a few hundred KB in DV recordings) before it is decoded.
 */
import { ByteBuffer } from 'flatbuffers';
import { Scratch, lz4Frame, zstdFrame } from './compression';
import { startsWithAscii } from './textHeader';
import { EventBuilder, EventFileError, makeRecording, type ChunkDecoder, type EventRecording, type EventStream } from './types';

const MAGIC = '#!AER-DAT4.0\r\n';
const COMPRESSION = ['none', 'lz4', 'lz4-high', 'zstd', 'zstd-high'] as const;
type Compression = (typeof COMPRESSION)[number];

export interface Aedat4Stream {
  id: number;
  type: string;
  width?: number;
  height?: number;
}

export interface Aedat4Info {
  compression: Compression;
  dataTablePosition: number;
  streams: Aedat4Stream[];
  /** Byte offset of the first packet. */
  dataStart: number;
}

/**
 * Checked flatbuffer table access. `base` maps buffer offsets to file offsets for messages
 * (packets are decompressed, so their offsets are relative to the payload; base is the packet's).
 */
class FbTable {
  constructor(
    readonly bb: ByteBuffer,
    readonly pos: number,
    private readonly file: string,
    private readonly base: number,
  ) {
    const cap = bb.capacity();
    if (pos < 0 || pos + 4 > cap) this.fail(pos, 'a flatbuffer table inside the buffer');
    const vt = pos - bb.readInt32(pos);
    if (vt < 0 || vt + 4 > cap) this.fail(pos, 'a flatbuffer vtable inside the buffer');
    const vtLen = bb.readUint16(vt);
    if (vtLen < 4 || vt + vtLen > cap || (vtLen & 1)) this.fail(vt, 'a flatbuffer vtable of even length >= 4', `${vtLen}`);
  }
  fail(off: number, expected: string, found?: string): never {
    throw new EventFileError(this.file, 'CORRUPT', this.base + off, expected, found);
  }
  /** Absolute offset of field `index`, or 0 when absent; checks `size` bytes are in range. */
  field(index: number, size: number): number {
    const rel = this.bb.__offset(this.pos, 4 + 2 * index);
    if (rel === 0) return 0;
    const abs = this.pos + rel;
    if (abs + size > this.bb.capacity()) this.fail(abs, `field ${index} (${size} bytes) inside the buffer`);
    return abs;
  }
  /** [start, length] of a vector of `elemSize`-byte elements in field `index`. */
  vector(index: number, elemSize: number): [number, number] {
    const f = this.field(index, 4);
    if (f === 0) return [0, 0];
    const vec = f + this.bb.readUint32(f);
    if (vec + 4 > this.bb.capacity()) this.fail(f, 'a vector inside the buffer');
    const len = this.bb.readUint32(vec);
    if (vec + 4 + len * elemSize > this.bb.capacity()) this.fail(vec, `a vector of ${len} x ${elemSize} bytes inside the buffer`);
    return [vec + 4, len];
  }
  string(index: number): string | undefined {
    const [start, len] = this.vector(index, 1);
    if (start === 0) return undefined;
    return new TextDecoder().decode(this.bb.bytes().subarray(start, start + len));
  }
}

export function readAedat4Header(bytes: Uint8Array, file: string): Aedat4Info {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, `the "#!AER-DAT4.0" header`);
  if (!startsWithAscii(bytes, MAGIC)) throw new EventFileError(file, 'BAD_MAGIC', 0, '"#!AER-DAT4.0\\r\\n"');
  if (bytes.length < MAGIC.length + 4) throw new EventFileError(file, 'TRUNCATED', MAGIC.length, 'an int32 header size');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getInt32(MAGIC.length, true);
  const hstart = MAGIC.length + 4;
  if (hlen < 12 || hstart + hlen > bytes.length) {
    throw new EventFileError(file, 'TRUNCATED', MAGIC.length, `a header size within the file (${bytes.length - hstart} bytes left)`, `${hlen}`);
  }
  const bb = new ByteBuffer(bytes.subarray(hstart, hstart + hlen));
  if (!bb.__has_identifier('IOHE')) throw new EventFileError(file, 'BAD_HEADER', hstart + 4, 'flatbuffer identifier "IOHE"');
  const root = bb.readUint32(0);
  const t = new FbTable(bb, root, file, hstart);
  const cf = t.field(0, 4);
  const code = cf ? bb.readInt32(cf) : 0;
  const compression = COMPRESSION[code];
  if (compression === undefined) throw new EventFileError(file, 'BAD_HEADER', hstart + cf, 'compression 0..4', `${code}`);
  const df = t.field(1, 8);
  const dataTablePosition = df ? Number(bb.readInt64(df)) : -1;
  const xml = t.string(2) ?? '';
  return { compression, dataTablePosition, streams: parseStreams(xml), dataStart: hstart + hlen };
}

/** Streams from the infoNode XML: `<node name="ID" path=".../outInfo/ID/">` blocks. */
function parseStreams(xml: string): Aedat4Stream[] {
  const out: Aedat4Stream[] = [];
  const re = /<node name="(\d+)" path="[^"]*\/outInfo\/\d+\/">/g;
  const heads = [...xml.matchAll(re)];
  heads.forEach((m, i) => {
    const end = i + 1 < heads.length ? heads[i + 1].index : xml.length;
    const body = xml.slice(m.index, end);
    const attr = (k: string) => new RegExp(`<attr key="${k}" type="[^"]*">([^<]*)</attr>`).exec(body)?.[1];
    const sx = attr('sizeX');
    const sy = attr('sizeY');
    out.push({ id: Number(m[1]), type: attr('typeIdentifier') ?? '', width: sx ? Number(sx) : undefined, height: sy ? Number(sy) : undefined });
  });
  return out;
}

/** Byte length of the magic, header size and IOHeader: what a streaming reader must read up front. */
export function aedat4HeaderLength(head: Uint8Array): number {
  if (head.length < MAGIC.length + 4 || !startsWithAscii(head, MAGIC)) return MAGIC.length + 4;
  return MAGIC.length + 4 + Math.max(0, new DataView(head.buffer, head.byteOffset, head.byteLength).getInt32(MAGIC.length, true));
}

export interface Aedat4Start {
  info: Aedat4Info;
  stream: Aedat4Stream;
  /** End of the packets (the file table, or the end of the file). */
  end: number;
}

/** Reads the header from `head` (the file's first bytes, header included) of a file of `size` bytes. */
export function readAedat4Start(head: Uint8Array, file: string, size: number): Aedat4Start {
  const info = readAedat4Header(head, file);
  const evStreams = info.streams.filter((s) => s.type === 'EVTS');
  if (evStreams.length === 0) throw new EventFileError(file, 'BAD_HEADER', MAGIC.length + 4, 'an EVTS stream in the IOHeader info node');
  // One event stream is read (the first; DV recordings have one camera per file).
  const stream = evStreams[0];
  const W = stream.width ?? 0, H = stream.height ?? 0;
  if (!(W > 0 && H > 0 && W <= 65535 && H <= 65535)) throw new EventFileError(file, 'BAD_HEADER', MAGIC.length + 4, 'sizeX/sizeY of the EVTS stream', `${stream.width}x${stream.height}`);
  const end = info.dataTablePosition >= info.dataStart && info.dataTablePosition <= size ? info.dataTablePosition : size;
  return { info, stream, end };
}

export function parseAedat4(bytes: Uint8Array, file: string): EventRecording {
  const s = readAedat4Start(bytes, file, bytes.length);
  const d = new Aedat4Decoder(s, file);
  const ev = d.push(bytes.subarray(s.info.dataStart), s.info.dataStart);
  d.finish();
  return makeRecording(ev, ev.t.length, 'aedat4', undefined);
}

export class Aedat4Decoder implements ChunkDecoder {
  readonly width: number;
  readonly height: number;
  private readonly head = new Uint8Array(8);
  private headFill = 0;
  /** File offset of the current packet header. */
  private at: number;
  private id = 0;
  /** Payload size of the current packet, -1 while its header is incomplete. */
  private size = -1;
  private payload = new Uint8Array(0);
  private payloadFill = 0;
  private last = -Infinity;
  private readonly scratch = new Scratch();
  constructor(
    private readonly s: Aedat4Start,
    private readonly file: string,
  ) {
    this.width = s.stream.width ?? 0;
    this.height = s.stream.height ?? 0;
    this.at = s.info.dataStart;
  }

  push(bytes: Uint8Array, offset: number): EventStream {
    // Sized by what packets hold, not by the chunk: a chunk of skipped streams allocates nothing big.
    const out = new EventBuilder(16);
    const end = this.s.end;
    // Bytes at or past the file table are not packets.
    const len = Math.max(0, Math.min(bytes.length, end - offset));
    let o = 0;
    while (o < len) {
      if (this.size < 0) {
        if (this.headFill === 0) {
          this.at = offset + o;
          if (this.at + 8 > end) throw new EventFileError(this.file, 'TRUNCATED', this.at, 'an 8-byte packet header (stream id, size)', `${end - this.at} bytes`);
        }
        const take = Math.min(8 - this.headFill, len - o);
        this.head.set(bytes.subarray(o, o + take), this.headFill);
        this.headFill += take;
        o += take;
        if (this.headFill === 8) {
          this.headFill = 0;
          this.startPacket();
        }
        continue;
      }
      if (this.payloadFill === 0 && len - o >= this.size) {
        // The whole packet lies in this chunk: decode it in place, no copy.
        const size = this.size;
        this.packet(bytes.subarray(o, o + size), out);
        o += size;
        continue;
      }
      const take = Math.min(this.size - this.payloadFill, len - o);
      if (this.payload.length < this.size) this.payload = new Uint8Array(this.size);
      this.payload.set(bytes.subarray(o, o + take), this.payloadFill);
      this.payloadFill += take;
      o += take;
      if (this.payloadFill === this.size) {
        this.payloadFill = 0;
        this.packet(this.payload.subarray(0, this.size), out);
      }
    }
    return out.finish(this.width, this.height);
  }

  private startPacket(): void {
    const v = new DataView(this.head.buffer);
    const id = v.getInt32(0, true);
    const size = v.getInt32(4, true);
    const body = this.at + 8;
    const end = this.s.end;
    const streams = this.s.info.streams;
    if (size <= 0 || body + size > end) throw new EventFileError(this.file, 'TRUNCATED', this.at + 4, `a packet size within the file (${end - body} bytes left)`, `${size}`);
    if (!streams.some((s) => s.id === id)) {
      throw new EventFileError(this.file, 'UNKNOWN_PACKET', this.at, `a stream id listed in the header (${streams.map((s) => s.id).join(', ')})`, `${id}`);
    }
    this.id = id;
    this.size = size;
  }

  private packet(raw: Uint8Array, out: EventBuilder): void {
    const body = this.at + 8;
    this.size = -1;
    if (this.id !== this.s.stream.id) return;
    const c = this.s.info.compression;
    const payload = c === 'none' ? raw : c.startsWith('lz4') ? lz4Frame(raw, this.file, body, this.scratch) : zstdFrame(raw, this.file, body);
    this.last = readEventPacket(payload, this.file, body, this.width, this.height, this.last, out);
  }

  finish(): void {
    if (this.headFill > 0) throw new EventFileError(this.file, 'TRUNCATED', this.at, 'an 8-byte packet header (stream id, size)', `${this.headFill} bytes`);
    if (this.size >= 0) throw new EventFileError(this.file, 'TRUNCATED', this.at + 8, `${this.size} bytes of packet payload`, `${this.payloadFill} bytes`);
  }
}

/** Append one size-prefixed EVTS flatbuffer's events; returns the last timestamp. */
function readEventPacket(buf: Uint8Array, file: string, base: number, W: number, H: number, last: number, out: EventBuilder): number {
  if (buf.length < 12) throw new EventFileError(file, 'CORRUPT', base, 'a size-prefixed flatbuffer (12+ bytes decompressed)', `${buf.length} bytes`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const declared = dv.getUint32(0, true);
  if (declared !== buf.length - 4) throw new EventFileError(file, 'CORRUPT', base, `a size prefix of ${buf.length - 4} (decompressed length - 4)`, `${declared}`);
  const bb = new ByteBuffer(buf.subarray(4));
  if (!bb.__has_identifier('EVTS')) throw new EventFileError(file, 'UNKNOWN_PACKET', base, 'flatbuffer identifier "EVTS" in an event-stream packet');
  const t = new FbTable(bb, bb.readUint32(0), file, base);
  const [start, len] = t.vector(0, 16);
  out.reserve(len);
  const n0 = out.n;
  const n = decodeEvents(buf, 4 + start, len, out.x, out.y, out.p, out.t, n0, W, H, last);
  if (n < 0) {
    // The kernel reports the failing event as -(index + 1); rebuild the message here, off the hot path.
    const i = -n - 1;
    const o = 4 + start + i * 16;
    const ts = dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
    const x = dv.getInt16(o + 8, true), y = dv.getInt16(o + 10, true);
    if (x < 0 || y < 0 || x >= W || y >= H) throw new EventFileError(file, 'OUT_OF_RANGE', base, `x < ${W} and y < ${H} in this packet`, `x=${x} y=${y}`);
    throw new EventFileError(file, 'NON_MONOTONIC', base, `non-decreasing timestamps in this packet (event ${i})`, `${ts} us`);
  }
  out.n = n;
  return len > 0 ? out.t[n - 1] : last;
}

/**
 * 16-byte Event structs to the arrays, little-endian bytes assembled directly (DataView calls were
 * the second cost after LZ4). Returns the new count, or -(i + 1) for the first bad event i.
 */
function decodeEvents(buf: Uint8Array, o0: number, len: number, X: Uint16Array, Y: Uint16Array, P: Uint8Array, T: Float64Array, n0: number, W: number, H: number, last: number): number {
  let n = n0;
  for (let i = 0; i < len; i++) {
    const o = o0 + i * 16;
    const lo = (buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)) >>> 0;
    const hi = buf[o + 4] | (buf[o + 5] << 8) | (buf[o + 6] << 16) | (buf[o + 7] << 24);
    const ts = hi * 4294967296 + lo;
    const x = ((buf[o + 8] | (buf[o + 9] << 8)) << 16) >> 16;
    const y = ((buf[o + 10] | (buf[o + 11] << 8)) << 16) >> 16;
    if (ts < last || x < 0 || y < 0 || x >= W || y >= H) return -(i + 1);
    X[n] = x;
    Y[n] = y;
    P[n] = buf[o + 12] ? 1 : 0;
    T[n] = ts;
    last = ts;
    n++;
  }
  return n;
}

