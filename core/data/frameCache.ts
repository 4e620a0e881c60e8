/**
 * On-disk cache of transformed samples (frames), keyed by the source file's identity (absolute path,
 * size, mtime, ctime, inode) plus the transform description, so a second epoch or a second run skips
 * reading and parsing, and editing either the file or the transform misses the cache instead of
 * serving stale frames (ctime and inode catch a rewrite that restores the old mtime, or a file
 * replaced by rename).
 *
 * One file per sample: "SLFR" magic, u32 version, u32 rank, rank x u32 dims, u32 encoding, then
 * little-endian data. Event frames are mostly empty (an N-MNIST sample at T = 10 fills about 1 900
 * of 23 120 cells), so a frame with under a third of its cells set is stored sparse: u32 count n,
 * n x u32 flat indices (ascending), n x i16 values; otherwise dense i16. Sparse files are a third of
 * the dense size and let the loader scatter only the set cells into a batch.
 * Writes go to a temp file renamed into place, so a crash never leaves half a file under a valid
 * key; a file that fails validation is treated as a miss and rewritten.
 *
 * The folder is bounded: past `maxBytes` the least recently used files go (a hit refreshes a file's
 * mtime), down to three quarters of the cap so that pruning is rare; temp files that a crashed
 * writer left behind go too. Several processes may share a folder: a file pruned under a reader is
 * only a miss.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Frames } from './transforms/toFrame';

const MAGIC = 0x52464c53; // "SLFR" read as little-endian u32
const VERSION = 2;
const DENSE = 0;
const SPARSE = 1;
const HEAD = 32; // magic, version, rank = 4, 4 dims, encoding

/** Frames as the set cells only: flat indices into [frames, P, H, W] (ascending) and their counts. */
export interface SparseFrames {
  shape: [number, number, number, number];
  index: Uint32Array;
  value: Int16Array;
}

export function toSparse(f: Frames): SparseFrames {
  const d = f.data;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  const index = new Uint32Array(n);
  const value = new Int16Array(n);
  for (let i = 0, k = 0; i < d.length; i++) {
    if (d[i] !== 0) {
      index[k] = i;
      value[k++] = d[i];
    }
  }
  return { shape: f.shape, index, value };
}

export function toDense(s: SparseFrames): Frames {
  const data = new Int16Array(s.shape[0] * s.shape[1] * s.shape[2] * s.shape[3]);
  for (let k = 0; k < s.index.length; k++) data[s.index[k]] = s.value[k];
  return { data, shape: s.shape };
}

/**
 * Where runs cache frames unless told otherwise: $SPIKELAB_FRAME_CACHE ('off' disables the cache),
 * else the user's cache folder ($XDG_CACHE_HOME or ~/.cache) under spikelab/frames. Frames can always
 * be rebuilt from the data, so they live with other caches, not in the workspace beside the runs.
 */
export function defaultFrameCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.SPIKELAB_FRAME_CACHE?.trim();
  if (explicit === 'off') return null;
  if (explicit) return resolve(explicit);
  const base = env.XDG_CACHE_HOME?.trim() ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'spikelab', 'frames');
}

/** Default cap of a frame cache folder: 60 000 N-MNIST samples at T = 10 take about 0.7 GB. */
export const DEFAULT_FRAME_CACHE_MAX_BYTES = 4 * 2 ** 30;
/** A temp file this old belongs to a writer that died (a write takes milliseconds). */
const STALE_TMP_MS = 10 * 60_000;

/** The cap from $SPIKELAB_FRAME_CACHE_MAX_MB, else the default; a bad value is an error naming it. */
export function frameCacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SPIKELAB_FRAME_CACHE_MAX_MB?.trim();
  if (!raw) return DEFAULT_FRAME_CACHE_MAX_BYTES;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`SPIKELAB_FRAME_CACHE_MAX_MB must be a positive number of megabytes, got ${JSON.stringify(raw)}`);
  return mb * 2 ** 20;
}

export class FrameCache {
  hits = 0;
  misses = 0;
  evicted = 0;
  /** Bytes in the folder as of the last prune plus what this instance wrote since. */
  private bytes: number;
  constructor(
    readonly dir: string,
    readonly maxBytes = frameCacheMaxBytes(),
  ) {
    mkdirSync(dir, { recursive: true });
    this.bytes = this.prune();
  }

  /**
   * Deletes stale temp files and, while the folder holds more than `maxBytes`, the least recently
   * used frames down to 3/4 of it. Returns the bytes left.
   */
  prune(now = Date.now()): number {
    const files: { path: string; size: number; used: number }[] = [];
    let total = 0;
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      try {
        const st = statSync(path);
        if (name.endsWith('.tmp')) {
          if (now - st.mtimeMs > STALE_TMP_MS) unlinkSync(path);
          else total += st.size;
        } else if (name.endsWith('.slfr')) {
          files.push({ path, size: st.size, used: st.mtimeMs });
          total += st.size;
        }
      } catch {
        // gone meanwhile (another process pruned or replaced it)
      }
    }
    if (total <= this.maxBytes) return total;
    files.sort((a, b) => a.used - b.used);
    for (const f of files) {
      if (total <= this.maxBytes * 0.75) break;
      try {
        unlinkSync(f.path);
        total -= f.size;
        this.evicted++;
      } catch {
        // already gone
      }
    }
    return total;
  }

  /** Key of (file identity, transform). `transform` must be a JSON-able description. */
  key(file: string, transform: unknown, extra = ''): string {
    const abs = resolve(file);
    const st = statSync(abs);
    return createHash('sha256').update(JSON.stringify([VERSION, abs, st.size, st.mtimeMs, st.ctimeMs, st.ino, transform, extra])).digest('hex').slice(0, 40);
  }

  /** Cached frames in whichever layout they were stored; undefined on a miss or a damaged file. */
  getSparse(key: string): SparseFrames | Frames | undefined {
    const path = join(this.dir, `${key}.slfr`);
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch {
      this.misses++;
      return undefined;
    }
    const frames = decode(buf);
    if (frames) {
      this.hits++;
      this.touch(path);
    } else this.misses++;
    return frames;
  }

  get(key: string): Frames | undefined {
    const f = this.getSparse(key);
    return f && 'index' in f ? toDense(f) : f;
  }

  put(key: string, frames: Frames | SparseFrames): void {
    const count = frames.shape[0] * frames.shape[1] * frames.shape[2] * frames.shape[3];
    let nnz = 0;
    if ('index' in frames) nnz = frames.index.length;
    else for (let i = 0; i < frames.data.length; i++) if (frames.data[i] !== 0) nnz++;
    // Sparse costs 6 bytes a set cell, dense 2 a cell.
    const asSparse = 3 * nnz < count;
    const head = Buffer.alloc(HEAD + (asSparse ? 4 : 0));
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(VERSION, 4);
    head.writeUInt32LE(4, 8);
    frames.shape.forEach((d, i) => head.writeUInt32LE(d, 12 + 4 * i));
    head.writeUInt32LE(asSparse ? SPARSE : DENSE, 28);
    let parts: Buffer[];
    if (asSparse) {
      const sp = 'index' in frames ? frames : toSparse(frames);
      head.writeUInt32LE(nnz, HEAD);
      parts = [head, bytesOf(sp.index), bytesOf(sp.value)];
    } else {
      parts = [head, bytesOf('index' in frames ? toDense(frames).data : frames.data)];
    }
    const target = join(this.dir, `${key}.slfr`);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const bytes = Buffer.concat(parts);
    writeFileSync(tmp, bytes);
    renameSync(tmp, target);
    this.bytes += bytes.length;
    if (this.bytes > this.maxBytes) this.bytes = this.prune();
  }

  /** Marks a file as just used (mtime = now), which is what pruning orders by. */
  private touch(path: string): void {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      // pruned by another process meanwhile: it is rewritten on its next miss
    }
  }
}

function bytesOf(a: Uint32Array | Int16Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function decode(buf: Buffer): SparseFrames | Frames | undefined {
  if (buf.length < HEAD || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION || buf.readUInt32LE(8) !== 4) return undefined;
  const shape: [number, number, number, number] = [buf.readUInt32LE(12), buf.readUInt32LE(16), buf.readUInt32LE(20), buf.readUInt32LE(24)];
  const count = shape[0] * shape[1] * shape[2] * shape[3];
  const encoding = buf.readUInt32LE(28);
  // Copies into fresh aligned arrays: Buffer slices from the pool may be misaligned for typed views.
  if (encoding === DENSE) {
    if (buf.length !== HEAD + 2 * count) return undefined;
    const data = new Int16Array(count);
    new Uint8Array(data.buffer).set(buf.subarray(HEAD));
    return { data, shape };
  }
  if (encoding !== SPARSE || buf.length < HEAD + 4) return undefined;
  const n = buf.readUInt32LE(HEAD);
  if (buf.length !== HEAD + 4 + 6 * n) return undefined;
  const index = new Uint32Array(n);
  const value = new Int16Array(n);
  new Uint8Array(index.buffer).set(buf.subarray(HEAD + 4, HEAD + 4 + 4 * n));
  new Uint8Array(value.buffer).set(buf.subarray(HEAD + 4 + 4 * n));
  // A damaged index would scatter outside the batch: reject rather than trust it.
  for (let k = 0; k < n; k++) if (index[k] >= count || (k > 0 && index[k] <= index[k - 1])) return undefined;
  return { shape, index, value };
}
