/**
 * Link frames: `0x00 | COBS(header | payload | CRC-32C) | 0x00`.
 * Header (7 bytes, little-endian): ver u8, type u8, flags u8, seq u16, len u16 (payload bytes).
 * The CRC-32C (u32 LE) covers header and payload. Leading and trailing delimiters let a receiver
 * that joins mid-stream, or loses bytes, resynchronise at the next 0x00 (an empty frame between
 * two delimiters is simply skipped).
 */
import { cobsDecodeOrNull, cobsEncodeInto, cobsMaxEncodedLength } from './cobs';
import { crc32c } from './crc32c';
import { BoardError } from './errors';

/** Frame format version carried in every header; bumps only if the framing itself changes. */
export const FRAME_VERSION = 1;
export const HEADER_BYTES = 7;
export const CRC_BYTES = 4;
/** Payload limit of the format (len is u16); a board advertises its own, smaller max frame. */
export const MAX_PAYLOAD = 0xffff;

/** Header flag bits. */
export const FLAG_REQUEST = 0x01;
export const FLAG_REPLY = 0x02;
export const FLAG_SPIKE = 0x04;
/** SPIKE_IN: more batches follow for the same tick. */
export const FLAG_MORE = 0x08;

export interface Frame {
  ver: number;
  type: number;
  flags: number;
  seq: number;
  payload: Uint8Array;
}

/** Wire bytes for one frame, both delimiters included. */
export function encodeFrame(type: number, flags: number, seq: number, payload: Uint8Array, ver = FRAME_VERSION): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new BoardError('BOARD_ENCODE', `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const raw = new Uint8Array(HEADER_BYTES + payload.length + CRC_BYTES);
  raw[0] = ver & 0xff;
  raw[1] = type & 0xff;
  raw[2] = flags & 0xff;
  raw[3] = seq & 0xff;
  raw[4] = (seq >>> 8) & 0xff;
  raw[5] = payload.length & 0xff;
  raw[6] = payload.length >>> 8;
  raw.set(payload, HEADER_BYTES);
  const crc = crc32c(raw, 0, 0, HEADER_BYTES + payload.length);
  new DataView(raw.buffer).setUint32(HEADER_BYTES + payload.length, crc, true);
  const wire = new Uint8Array(cobsMaxEncodedLength(raw.length) + 2);
  wire[0] = 0;
  const end = cobsEncodeInto(raw, wire, 1);
  wire[end] = 0;
  return wire.subarray(0, end + 1);
}

/** Wire size of a frame with `payloadBytes` of payload (worst case of COBS). */
export function frameWireBytes(payloadBytes: number): number {
  return cobsMaxEncodedLength(HEADER_BYTES + payloadBytes + CRC_BYTES) + 2;
}

export interface DecoderStats {
  frames: number;
  /** CRC mismatch: corrupted bytes. */
  badCrc: number;
  /** Decoded block shorter than header + CRC, or header len disagrees with the block. */
  badLength: number;
  /** Malformed COBS (a code running past the delimiter). */
  cobsErrors: number;
  /** More bytes than the largest allowed frame before a delimiter: dropped up to the next 0x00. */
  oversize: number;
  /** Valid CRC but an unknown frame version. */
  badVersion: number;
  /** Bytes discarded while resynchronising (in rejected frames). */
  discardedBytes: number;
}

/**
 * Streaming frame decoder: push byte chunks of any size, get whole frames back. It never throws on
 * input; every rejected frame is counted in `stats` and decoding resumes at the next delimiter.
 */
export class FrameDecoder {
  readonly stats: DecoderStats = { frames: 0, badCrc: 0, badLength: 0, cobsErrors: 0, oversize: 0, badVersion: 0, discardedBytes: 0 };
  private buf: Uint8Array;
  private len = 0;
  private overflowed = false;

  constructor(private readonly maxPayload = MAX_PAYLOAD) {
    this.buf = new Uint8Array(cobsMaxEncodedLength(HEADER_BYTES + maxPayload + CRC_BYTES));
  }

  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 0) {
        if (this.len < this.buf.length) this.buf[this.len++] = b;
        else {
          if (!this.overflowed) this.stats.oversize++;
          this.overflowed = true;
          this.stats.discardedBytes++;
        }
        continue;
      }
      if (this.overflowed) {
        this.stats.discardedBytes += this.len;
        this.overflowed = false;
      } else if (this.len > 0) {
        const f = this.decodeBlock();
        if (f) frames.push(f);
      }
      this.len = 0;
    }
    return frames;
  }

  /** Drops a partial frame (after a reconnect). */
  reset(): void {
    this.len = 0;
    this.overflowed = false;
  }

  private decodeBlock(): Frame | null {
    const n = this.len;
    const raw = cobsDecodeOrNull(this.buf, 0, n);
    if (raw === null) return this.reject('cobsErrors', n);
    if (raw.length < HEADER_BYTES + CRC_BYTES) return this.reject('badLength', n);
    const payloadLen = raw[5] | (raw[6] << 8);
    if (payloadLen !== raw.length - HEADER_BYTES - CRC_BYTES || payloadLen > this.maxPayload) return this.reject('badLength', n);
    const end = HEADER_BYTES + payloadLen;
    const want = (raw[end] | (raw[end + 1] << 8) | (raw[end + 2] << 16) | (raw[end + 3] << 24)) >>> 0;
    if (crc32c(raw, 0, 0, end) !== want) return this.reject('badCrc', n);
    if (raw[0] !== FRAME_VERSION) return this.reject('badVersion', n);
    this.stats.frames++;
    return { ver: raw[0], type: raw[1], flags: raw[2], seq: raw[3] | (raw[4] << 8), payload: raw.slice(HEADER_BYTES, end) };
  }

  private reject(kind: 'cobsErrors' | 'badLength' | 'badCrc' | 'badVersion', bytes: number): null {
    this.stats[kind]++;
    this.stats.discardedBytes += bytes;
    return null;
  }
}
