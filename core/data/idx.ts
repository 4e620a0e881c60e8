/**
 * IDX reader (LeCun's MNIST format, also used by Fashion-MNIST): big-endian header
 * `0x00 0x00 <dtype> <ndims>`, then ndims u32 sizes, then the data. Raw and gzip files are both
 * accepted; gzip is detected from its magic bytes (1f 8b), not from the file name.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export class DatasetError extends Error {
  readonly code = 'DATASET_INVALID' as const;
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DatasetError';
    this.file = file;
  }
}

export interface IdxArray {
  /** Dimension sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** Raw unsigned bytes (only dtype 0x08, unsigned byte, is used by (Fashion-)MNIST). */
  data: Uint8Array;
}

const IDX_UBYTE = 0x08;
const GZIP_MAGIC = [0x1f, 0x8b];

/** Parse an IDX buffer; `file` only labels errors. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  let bytes = buf;
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DatasetError(file, `gzip stream is corrupt (${(e as Error).message})`);
    }
  }
  if (bytes.length < 4) throw new DatasetError(file, `too short for an IDX header (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(file, `bad IDX magic number 0x${hex(bytes, 0, 4)} (expected 0x0000 followed by type and rank)`);
  }
  const dtype = bytes[2];
  if (dtype !== IDX_UBYTE) {
    throw new DatasetError(file, `unsupported IDX element type 0x${dtype.toString(16).padStart(2, '0')} (only 0x08 unsigned byte is supported)`);
  }
  const rank = bytes[3];
  if (rank < 1 || rank > 4) throw new DatasetError(file, `unsupported IDX rank ${rank}`);
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) throw new DatasetError(file, `truncated IDX header: need ${headerLen} bytes, file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) throw new DatasetError(file, `dimension ${i} is zero`);
    dims.push(d);
    count *= d;
  }
  const expected = headerLen + count;
  if (bytes.length !== expected) {
    throw new DatasetError(
      file,
      `size mismatch: header says ${dims.join('x')} = ${count} bytes of data (${expected} in all), file has ${bytes.length}` +
        (bytes.length < expected ? ' (truncated?)' : ' (trailing bytes)'),
    );
  }
  return { dims, data: bytes.subarray(headerLen) };
}

export async function readIdxFile(file: string): Promise<IdxArray> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new DatasetError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseIdx(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file);
}

function hex(b: Uint8Array, start: number, n: number): string {
  return Array.from(b.subarray(start, start + n), (x) => x.toString(16).padStart(2, '0')).join('');
}
