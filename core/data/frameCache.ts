/**
 * On-disk cache of transformed samples (frames), keyed by the source file's identity (absolute path,
 * size, mtime) plus the transform description, so a second epoch or a second run skips parsing,
 * and editing either the file or the transform misses the cache instead of serving stale frames.
 * One file per sample: "SLFR" magic, u32 version, u32 rank, rank x u32 dims, then Int16 data,
 * little-endian. Writes go to a temp file renamed into place, so a crash never leaves half a file
 * under a valid key; a file that fails validation is treated as a miss and rewritten.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frames } from './transforms/toFrame';

const MAGIC = 0x52464c53; // "SLFR" read as little-endian u32
const VERSION = 1;

export class FrameCache {
  hits = 0;
  misses = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Key of (file identity, transform). `transform` must be a JSON-able description. */
  key(file: string, transform: unknown, extra = ''): string {
    const abs = resolve(file);
    const st = statSync(abs);
    return createHash('sha256').update(JSON.stringify([VERSION, abs, st.size, st.mtimeMs, transform, extra])).digest('hex').slice(0, 40);
  }

  get(key: string): Frames | undefined {
    let buf: Buffer;
    try {
      buf = readFileSync(join(this.dir, `${key}.slfr`));
    } catch {
      this.misses++;
      return undefined;
    }
    const frames = decode(buf);
    if (frames) this.hits++;
    else this.misses++;
    return frames;
  }

  put(key: string, frames: Frames): void {
    const head = Buffer.alloc(12 + 4 * frames.shape.length);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(VERSION, 4);
    head.writeUInt32LE(frames.shape.length, 8);
    frames.shape.forEach((d, i) => head.writeUInt32LE(d, 12 + 4 * i));
    const body = Buffer.from(frames.data.buffer, frames.data.byteOffset, frames.data.byteLength);
    const target = join(this.dir, `${key}.slfr`);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, Buffer.concat([head, body]));
    renameSync(tmp, target);
  }
}

function decode(buf: Buffer): Frames | undefined {
  if (buf.length < 28 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION || buf.readUInt32LE(8) !== 4) return undefined;
  const shape: [number, number, number, number] = [buf.readUInt32LE(12), buf.readUInt32LE(16), buf.readUInt32LE(20), buf.readUInt32LE(24)];
  const count = shape[0] * shape[1] * shape[2] * shape[3];
  if (buf.length !== 28 + 2 * count) return undefined;
  // Copy into a fresh aligned buffer: Buffer slices from the pool may be misaligned for Int16Array.
  const data = new Int16Array(count);
  new Uint8Array(data.buffer).set(buf.subarray(28));
  return { data, shape };
}
