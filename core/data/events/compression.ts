/**
 * Decompression of AEDAT 4 packets: LZ4 frames through lz4js, Zstandard through fzstd. lz4js trusts
 * its input (its content-size reader is wrong above 2^32 and it does not check block bounds), so the
 * frame structure is walked and checked here first; the output size is then bounded by the block
 * count times the declared block size, which also caps the allocation a corrupt header can cause.
 */
import { decompressFrame } from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';
import { EventFileError } from './types';

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_SIZES: Record<number, number> = { 4: 1 << 16, 5: 1 << 18, 6: 1 << 20, 7: 1 << 22 };

/**
 * Reusable output buffer: AEDAT 4 files hold thousands of small packets, and a fresh allocation of
 * the frame's declared block size (up to 4 MiB) per packet made reading 20x slower.
 */
export class Scratch {
  buf = new Uint8Array(1 << 16);
  get(size: number): Uint8Array {
    if (this.buf.length < size) this.buf = new Uint8Array(Math.max(size, this.buf.length * 2));
    return this.buf;
  }
}

/**
 * Decompress one LZ4 frame into `scratch` (the result is a view of it, valid until the next call);
 * `base` is the frame's offset in the file, for error messages.
 */
export function lz4Frame(src: Uint8Array, file: string, base: number, scratch: Scratch): Uint8Array {
  const fail = (off: number, expected: string, found?: string): never => {
    throw new EventFileError(file, 'CORRUPT', base + off, expected, found);
  };
  if (src.length < 7) fail(0, 'an LZ4 frame header (7+ bytes)', `${src.length} bytes`);
  const magic = (src[0] | (src[1] << 8) | (src[2] << 16) | (src[3] << 24)) >>> 0;
  if (magic !== LZ4_MAGIC) fail(0, 'LZ4 frame magic 0x184d2204', `0x${magic.toString(16)}`);
  const flg = src[4];
  if ((flg & 0xc0) !== 0x40) fail(4, 'LZ4 frame version 01');
  const blockSum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentSum = (flg & 0x04) !== 0;
  if (flg & 0x01) fail(4, 'no LZ4 dictionary id (not used by AEDAT 4)');
  const maxBlock = LZ4_BLOCK_SIZES[(src[5] >> 4) & 7];
  if (maxBlock === undefined) fail(5, 'an LZ4 block-size code 4..7', `${(src[5] >> 4) & 7}`);
  let p = 6 + (contentSize ? 8 : 0) + 1;
  let bound = 0;
  for (;;) {
    if (p + 4 > src.length) fail(p, 'an LZ4 block size or end mark', 'end of packet');
    const word = (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
    p += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > maxBlock) fail(p - 4, `an LZ4 block of at most ${maxBlock} bytes`, `${size}`);
    // A compressed LZ4 block expands at most ~255x (each extra length byte adds <= 255 bytes).
    bound += word & 0x80000000 ? size : Math.min(maxBlock, size * 255 + 64);
    p += size + (blockSum ? 4 : 0);
    if (p > src.length) fail(p - size, `${size} bytes of LZ4 block`, 'end of packet');
  }
  if (contentSum) p += 4;
  if (p > src.length) fail(p - 4, 'the LZ4 content checksum', 'end of packet');
  // lz4js writes through typed-array indexing, which silently ignores writes past the end, so a
  // lying block can never write outside dst; too short an output is caught by the flatbuffer checks.
  const dst = scratch.get(bound);
  let n: number;
  try {
    n = decompressFrame(src, dst);
  } catch (e) {
    return fail(0, 'a decodable LZ4 frame', (e as Error).message);
  }
  if (!(n >= 0 && n <= bound)) fail(0, 'a decodable LZ4 frame', `decoder returned ${n}`);
  return dst.subarray(0, n);
}

export function zstdFrame(src: Uint8Array, file: string, base: number): Uint8Array {
  try {
    return zstdDecompress(src);
  } catch (e) {
    throw new EventFileError(file, 'CORRUPT', base, 'a decodable Zstandard frame', (e as Error).message);
  }
}
