/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 1999): removes every 0x00 from
 * a frame so 0x00 can delimit frames on a byte stream, at a cost of at most 1 byte per 254 plus 1.
 * A receiver that loses sync (noise, a dropped byte) recovers at the next 0x00.
 *
 * Encoding: the data is split at zeros; each piece becomes a code byte (piece length + 1) followed
 * by the piece. A code of 0xFF means "254 data bytes, no zero follows".
 */
import { BoardError } from './errors';

/** Largest encoded size for n input bytes (without delimiters). */
export function cobsMaxEncodedLength(n: number): number {
  // One code byte per started 254-byte run, plus the final code byte.
  return n + Math.floor(n / 254) + 1;
}

/** Encodes src into dst at offset; returns the offset after the last written byte. */
export function cobsEncodeInto(src: Uint8Array, dst: Uint8Array, offset: number): number {
  let codePos = offset;
  let out = offset + 1;
  let code = 1;
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const b = src[i];
    if (b === 0) {
      dst[codePos] = code;
      codePos = out++;
      code = 1;
    } else {
      dst[out++] = b;
      code++;
      if (code === 0xff) {
        dst[codePos] = code;
        // A full block that ends the data needs no further code byte (the published encoding).
        if (i === n - 1) return out;
        codePos = out++;
        code = 1;
      }
    }
  }
  dst[codePos] = code;
  return out;
}

export function cobsEncode(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(cobsMaxEncodedLength(src.length));
  const end = cobsEncodeInto(src, dst, 0);
  return end === dst.length ? dst : dst.slice(0, end);
}

/**
 * Decodes one COBS block (no delimiters). Returns null on malformed input (a zero byte inside, or a
 * code that runs past the end), which the frame decoder counts as a COBS error; `cobsDecode` throws.
 */
export function cobsDecodeOrNull(src: Uint8Array, start = 0, end = src.length): Uint8Array | null {
  const dst = new Uint8Array(Math.max(0, end - start));
  let out = 0;
  let i = start;
  while (i < end) {
    const code = src[i];
    if (code === 0) return null;
    i++;
    const runEnd = i + code - 1;
    if (runEnd > end) return null;
    for (; i < runEnd; i++) {
      const b = src[i];
      if (b === 0) return null;
      dst[out++] = b;
    }
    // A block of 254 bytes (code 0xFF) and the final block carry no implied zero.
    if (code !== 0xff && i < end) dst[out++] = 0;
  }
  return dst.subarray(0, out);
}

export function cobsDecode(src: Uint8Array): Uint8Array {
  const r = cobsDecodeOrNull(src);
  if (r === null) throw new BoardError('BOARD_DECODE', 'malformed COBS block');
  return r;
}
