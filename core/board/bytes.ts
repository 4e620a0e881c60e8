/**
 * Little-endian byte writer/reader for message payloads. The reader raises BoardError
 * BOARD_DECODE on a short payload, so message decoders are plain sequences of reads and a
 * truncated or corrupted payload can never read out of bounds.
 */
import { BoardError } from './errors';

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private n = 0;

  constructor(initial = 64) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + extra));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private check(v: number, lo: number, hi: number, what: string): void {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new BoardError('BOARD_ENCODE', `${what} ${v} is outside [${lo}, ${hi}]`);
  }

  u8(v: number): this {
    this.check(v, 0, 0xff, 'u8');
    this.ensure(1);
    this.buf[this.n++] = v;
    return this;
  }
  u16(v: number): this {
    this.check(v, 0, 0xffff, 'u16');
    this.ensure(2);
    this.view.setUint16(this.n, v, true);
    this.n += 2;
    return this;
  }
  u32(v: number): this {
    this.check(v, 0, 0xffffffff, 'u32');
    this.ensure(4);
    this.view.setUint32(this.n, v, true);
    this.n += 4;
    return this;
  }
  i32(v: number): this {
    this.check(v, -0x80000000, 0x7fffffff, 'i32');
    this.ensure(4);
    this.view.setInt32(this.n, v, true);
    this.n += 4;
    return this;
  }
  /** Non-negative integers up to 2^53 (counters) as u64. */
  u64(v: number): this {
    this.check(v, 0, Number.MAX_SAFE_INTEGER, 'u64');
    this.ensure(8);
    this.view.setUint32(this.n, v % 0x100000000, true);
    this.view.setUint32(this.n + 4, Math.floor(v / 0x100000000), true);
    this.n += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  /** u8 length + UTF-8 bytes (truncated to 255 bytes). */
  str8(s: string): this {
    let b = new TextEncoder().encode(s);
    if (b.length > 255) b = b.subarray(0, 255);
    return this.u8(b.length).bytes(b);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

export class ByteReader {
  private readonly view: DataView;
  private n = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(k: number): void {
    if (this.n + k > this.buf.length) throw new BoardError('BOARD_DECODE', `${this.what}: payload of ${this.buf.length} bytes is too short`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.n++];
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.n, true);
    this.n += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.n, true);
    this.n += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.n, true);
    this.n += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getUint32(this.n, true) + this.view.getUint32(this.n + 4, true) * 0x100000000;
    this.n += 8;
    return v;
  }
  bytes(k: number): Uint8Array {
    this.need(k);
    const b = this.buf.slice(this.n, this.n + k);
    this.n += k;
    return b;
  }
  rest(): Uint8Array {
    return this.bytes(this.buf.length - this.n);
  }
  str8(): string {
    return new TextDecoder().decode(this.bytes(this.u8()));
  }
  remaining(): number {
    return this.buf.length - this.n;
  }
  /** Trailing bytes are an error: a payload must be exactly one message. */
  end(): void {
    if (this.n !== this.buf.length) throw new BoardError('BOARD_DECODE', `${this.what}: ${this.buf.length - this.n} unexpected trailing bytes`);
  }
}
