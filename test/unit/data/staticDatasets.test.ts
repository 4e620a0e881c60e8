import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadCifar, parseCifarBatch } from '../../../core/data/cifar';
import { DatasetError } from '../../../core/data/idx';
import { decodeImage, loadImage, scanImageFolder, toTensor } from '../../../core/data/imageFolder';

function cifarRecord(labels: number[], fill: (i: number) => number): Buffer {
  const img = Buffer.alloc(3072);
  for (let i = 0; i < 3072; i++) img[i] = fill(i);
  return Buffer.concat([Buffer.from(labels), img]);
}

describe('CIFAR binary batches', () => {
  it('parses CIFAR-10 and CIFAR-100 records (CHW planes)', () => {
    const c10 = Buffer.concat([cifarRecord([3], (i) => i >> 10), cifarRecord([9], () => 7)]);
    const b = parseCifarBatch(new Uint8Array(c10), 'x.bin', 'cifar10');
    expect(b.count).toBe(2);
    expect(Array.from(b.labels)).toEqual([3, 9]);
    expect([b.images[0], b.images[1024], b.images[2048], b.images[3072]]).toEqual([0, 1, 2, 7]);
    const c100 = parseCifarBatch(new Uint8Array(cifarRecord([19, 99], () => 1)), 'y.bin', 'cifar100');
    expect(Array.from(c100.coarseLabels ?? [])).toEqual([19]);
    expect(Array.from(c100.labels)).toEqual([99]);
  });
  it('validates record sizes and labels, naming the file and byte', () => {
    const one = cifarRecord([3], () => 0);
    expect(() => parseCifarBatch(new Uint8Array(one.subarray(0, 3000)), 'short.bin', 'cifar10')).toThrow(/short\.bin: .*3073-byte cifar10 record/);
    expect(() => parseCifarBatch(new Uint8Array(one), 'wrong.bin', 'cifar100')).toThrow(DatasetError);
    expect(() => parseCifarBatch(new Uint8Array(cifarRecord([12], () => 0)), 'lbl.bin', 'cifar10')).toThrow(/label 12 of record 0 at byte 0/);
    expect(() => parseCifarBatch(new Uint8Array(0), 'empty.bin', 'cifar10')).toThrow(/empty/);
  });
  it('loads a split from the release file names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cifar-'));
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), cifarRecord([i], () => i));
    const train = await loadCifar(dir, 'cifar10', 'train');
    expect(Array.from(train.labels)).toEqual([1, 2, 3, 4, 5]);
    await expect(loadCifar(dir, 'cifar10', 'test')).rejects.toThrow(/test_batch\.bin/);
  });
});

function png(width: number, height: number, rgba: (x: number, y: number) => [number, number, number]): Buffer {
  const p = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b] = rgba(x, y);
    p.data.set([r, g, b, 255], (y * width + x) * 4);
  }
  return PNG.sync.write(p);
}

describe('image folders', () => {
  it('decodes PNG and JPEG by magic bytes, converts to gray/RGB, resizes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgs-'));
    mkdirSync(join(dir, 'cat'));
    mkdirSync(join(dir, 'dog'));
    writeFileSync(join(dir, 'cat', 'a.png'), png(4, 2, (x) => (x < 2 ? [255, 0, 0] : [0, 0, 255])));
    const jpg = encodeJpeg({ width: 8, height: 8, data: Buffer.alloc(8 * 8 * 4, 200) }, 95);
    writeFileSync(join(dir, 'dog', 'b.jpg'), jpg.data);
    writeFileSync(join(dir, 'dog', 'notes.txt'), 'ignored');
    const idx = scanImageFolder(dir);
    expect(idx.classes).toEqual(['cat', 'dog']);
    expect(idx.items.map((i) => i.label)).toEqual([0, 1]);
    const rgb = await loadImage(idx.items[0].file, { channels: 3, width: 2, height: 1 });
    expect(Array.from(rgb)).toEqual([255, 0, 0, 0, 0, 255]); // R plane, G plane, B plane
    const gray = await loadImage(idx.items[0].file, { channels: 1, width: 4, height: 2 });
    expect(gray[0]).toBe(Math.round(255 * 0.299));
    const j = await loadImage(idx.items[1].file, { channels: 1, width: 4, height: 4, resize: 'bilinear' });
    for (const v of j) expect(Math.abs(v - 200)).toBeLessThanOrEqual(2);
  });
  it('bilinear resize interpolates between pixel centres', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 100, 100, 100, 255]) };
    expect(Array.from(toTensor(img, { channels: 1, width: 4, height: 1, resize: 'bilinear' }))).toEqual([0, 25, 75, 100]);
    expect(Array.from(toTensor(img, { channels: 1, width: 4, height: 1 }))).toEqual([0, 0, 100, 100]);
  });
  it('rejects unknown and corrupt files with the file named', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), 'x.png')).toThrow(/x\.png: not a PNG/);
    const bad = png(2, 2, () => [1, 2, 3]).subarray(0, 40);
    expect(() => decodeImage(new Uint8Array(bad), 'cut.png')).toThrow(DatasetError);
  });
});
