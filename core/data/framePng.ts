/**
 * Frames to a PNG picture (`spikelab data frames --out x.png`, previews): frames side by side,
 * ON counts in green, OFF counts in red (the usual DVS display colours), each frame scaled to its
 * own maximum so short and long windows are both visible.
 */
import { PNG } from 'pngjs';
import type { Frames } from './transforms/toFrame';

export function framesToPng(frames: Frames, opts: { gap?: number; scale?: number } = {}): Buffer {
  const [T, P, H, W] = frames.shape;
  const gap = opts.gap ?? 2;
  const k = Math.max(1, Math.floor(opts.scale ?? 1));
  const outW = Math.max(1, T * (W * k + gap) - gap);
  const png = new PNG({ width: outW, height: H * k });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  const plane = H * W;
  for (let t = 0; t < T; t++) {
    let max = 1;
    for (let i = t * P * plane; i < (t + 1) * P * plane; i++) if (frames.data[i] > max) max = frames.data[i];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const off = P === 2 ? frames.data[t * 2 * plane + y * W + x] : 0;
        const on = frames.data[(t * P + (P - 1)) * plane + y * W + x];
        const r = Math.round((255 * Math.max(0, off)) / max);
        const g = Math.round((255 * Math.max(0, on)) / max);
        for (let dy = 0; dy < k; dy++) {
          for (let dx = 0; dx < k; dx++) {
            const o = ((y * k + dy) * outW + t * (W * k + gap) + x * k + dx) * 4;
            png.data[o] = r;
            png.data[o + 1] = g;
          }
        }
      }
    }
  }
  return PNG.sync.write(png);
}
