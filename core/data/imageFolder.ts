/**
 * Image folders: one sub-folder per class holding PNG or JPEG files (torchvision ImageFolder's
 * layout). Files are decoded with pngjs / jpeg-js, chosen by magic bytes rather than extension,
 * converted to grayscale or RGB and resized (nearest or bilinear) to a fixed CHW byte tensor.
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PNG } from 'pngjs';
import { decode as decodeJpeg } from 'jpeg-js';
import { DatasetError } from './idx';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, RGBA row-major. */
  data: Uint8Array;
}

export interface ImageOptions {
  channels: 1 | 3;
  width: number;
  height: number;
  resize?: 'nearest' | 'bilinear';
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (isJpeg) {
      // maxMemoryUsageInMB bounds what a corrupt header can make the decoder allocate.
      const img = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw new DatasetError(file, `cannot decode ${isPng ? 'PNG' : 'JPEG'} (${(e as Error).message})`);
  }
  throw new DatasetError(file, 'not a PNG (89 50 4E 47) or JPEG (FF D8 FF) file: unknown magic bytes at byte 0');
}

/** Luma of ITU-R BT.601 (what PIL's convert("L") uses). */
function luma(r: number, g: number, b: number): number {
  return (r * 299 + g * 587 + b * 114) / 1000;
}

/** Convert and resize to CHW bytes. Bilinear sampling uses pixel centres (align_corners = false). */
export function toTensor(img: RgbaImage, opts: ImageOptions): Uint8Array {
  const { channels: C, width: W, height: H } = opts;
  const sw = img.width, sh = img.height, src = img.data;
  const out = new Uint8Array(C * H * W);
  const sx = sw / W, sy = sh / H;
  const sample = (x: number, y: number, c: number): number => {
    const o = (y * sw + x) * 4;
    return c < 0 ? luma(src[o], src[o + 1], src[o + 2]) : src[o + c];
  };
  for (let c = 0; c < C; c++) {
    const ch = C === 1 ? -1 : c;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let v: number;
        if (opts.resize === 'bilinear') {
          const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
          const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
          const x0 = Math.floor(fx), y0 = Math.floor(fy);
          const x1 = Math.min(x0 + 1, sw - 1), y1 = Math.min(y0 + 1, sh - 1);
          const ax = fx - x0, ay = fy - y0;
          v = (1 - ay) * ((1 - ax) * sample(x0, y0, ch) + ax * sample(x1, y0, ch)) + ay * ((1 - ax) * sample(x0, y1, ch) + ax * sample(x1, y1, ch));
        } else {
          v = sample(Math.min(sw - 1, Math.floor((x + 0.5) * sx)), Math.min(sh - 1, Math.floor((y + 0.5) * sy)), ch);
        }
        out[(c * H + y) * W + x] = Math.round(v);
      }
    }
  }
  return out;
}

export interface ImageFolderIndex {
  root: string;
  classes: string[];
  items: Array<{ file: string; label: number }>;
}

/** List `root/<class>/*.{png,jpg,jpeg}`; classes sorted by name, labels their index. */
export function scanImageFolder(root: string): ImageFolderIndex {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch (e) {
    throw new DatasetError(root, `cannot list folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const classes = entries.filter((e) => statSync(join(root, e)).isDirectory());
  const items: ImageFolderIndex['items'] = [];
  classes.forEach((c, label) => {
    for (const f of readdirSync(join(root, c)).sort()) {
      if (IMAGE_EXT.has(extname(f).toLowerCase())) items.push({ file: join(root, c, f), label });
    }
  });
  if (items.length === 0) throw new DatasetError(root, 'no images found (expected <root>/<class>/*.png|jpg)');
  return { root, classes, items };
}

export async function loadImage(file: string, opts: ImageOptions): Promise<Uint8Array> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new DatasetError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return toTensor(decodeImage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file), opts);
}
