/**
 * CIFAR-10 / CIFAR-100 binary batches (Krizhevsky 2009, "binary version"). Records, no header:
 *   CIFAR-10:  1 byte label (0..9), 3072 bytes image;
 *   CIFAR-100: 1 byte coarse label (0..19), 1 byte fine label (0..99), 3072 bytes image.
 * The image is 3 planes (R, G, B) of 32x32 bytes, row-major: already the engine's CHW layout.
 * The variant is checked against the file length (10000 CIFAR-10 records would not divide evenly
 * as CIFAR-100 records, and vice versa for the usual batch sizes).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './idx';

export type CifarVariant = 'cifar10' | 'cifar100';

export interface CifarBatch {
  variant: CifarVariant;
  count: number;
  /** count * 3 * 32 * 32 bytes, CHW per image. */
  images: Uint8Array;
  /** CIFAR-10 label, or CIFAR-100 fine label. */
  labels: Uint8Array;
  /** CIFAR-100 only. */
  coarseLabels?: Uint8Array;
  channels: 3;
  height: 32;
  width: 32;
}

const IMAGE = 3 * 32 * 32;

export function parseCifarBatch(bytes: Uint8Array, file: string, variant: CifarVariant): CifarBatch {
  const head = variant === 'cifar10' ? 1 : 2;
  const rec = head + IMAGE;
  if (bytes.length === 0) throw new DatasetError(file, `empty file (expected ${variant} records of ${rec} bytes)`);
  if (bytes.length % rec !== 0) {
    throw new DatasetError(file, `length ${bytes.length} is not a multiple of the ${rec}-byte ${variant} record (${Math.floor(bytes.length / rec)} whole records, ${bytes.length % rec} bytes left at byte ${bytes.length - (bytes.length % rec)}); wrong variant or truncated file`);
  }
  const count = bytes.length / rec;
  const images = new Uint8Array(count * IMAGE);
  const labels = new Uint8Array(count);
  const coarse = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  const maxLabel = variant === 'cifar10' ? 9 : 99;
  for (let i = 0; i < count; i++) {
    const o = i * rec;
    const label = bytes[o + head - 1];
    if (label > maxLabel) throw new DatasetError(file, `label ${label} of record ${i} at byte ${o + head - 1} is outside 0..${maxLabel}`);
    if (coarse) {
      if (bytes[o] > 19) throw new DatasetError(file, `coarse label ${bytes[o]} of record ${i} at byte ${o} is outside 0..19`);
      coarse[i] = bytes[o];
    }
    labels[i] = label;
    images.set(bytes.subarray(o + head, o + rec), i * IMAGE);
  }
  return { variant, count, images, labels, coarseLabels: coarse, channels: 3, height: 32, width: 32 };
}

export async function readCifarBatch(file: string, variant: CifarVariant): Promise<CifarBatch> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new DatasetError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCifarBatch(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file, variant);
}

/** Batch file names of the official binary releases. */
export function cifarFiles(variant: CifarVariant, split: 'train' | 'test'): string[] {
  if (variant === 'cifar100') return [split === 'train' ? 'train.bin' : 'test.bin'];
  return split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
}

/** Load a split from a folder holding the release's batch files; concatenates the batches. */
export async function loadCifar(dir: string, variant: CifarVariant, split: 'train' | 'test'): Promise<CifarBatch> {
  const files = cifarFiles(variant, split).map((f) => join(dir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new DatasetError(missing[0], `file not found (a ${variant} ${split} split needs ${cifarFiles(variant, split).join(', ')})`);
  const parts = await Promise.all(files.map((f) => readCifarBatch(f, variant)));
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((a, p) => a + p.count, 0);
  const images = new Uint8Array(count * IMAGE);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * IMAGE);
    labels.set(p.labels, at);
    at += p.count;
  }
  return { variant, count, images, labels, channels: 3, height: 32, width: 32 };
}
