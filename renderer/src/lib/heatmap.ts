/**
 * Firing-rate heatmaps, DOM-free so they can be unit-tested and measured in Node. A conv layer's
 * [C, H, W] rates become one small map per channel (feature maps side by side); any other shape
 * becomes one near-square grid. The component paints the result into an ImageData once per frame.
 */
import { packRgba } from './rasterGeometry';

export interface HeatTile {
  /** Channel index (0 for a grid). */
  channel: number;
  /** Device-pixel rectangle of the tile. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeatmapLayout {
  /** Rows and columns of cells inside one tile. */
  rows: number;
  cols: number;
  /** Values per tile: rows * cols for conv maps, the layer size for a grid (its last row may be short). */
  perTile: number;
  tiles: HeatTile[];
}

/** Rows x cols of a near-square grid for n cells, wider than tall like most plots. */
export function gridShape(n: number): { rows: number; cols: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { rows: Math.max(1, Math.ceil(n / cols)), cols };
}

/**
 * Places the tiles of a layer of per-sample `shape` inside a width x height area, with `gap`
 * device pixels between tiles. Tiles keep their cells square: the largest cell size that fits.
 */
export function heatmapLayout(shape: readonly number[], width: number, height: number, gap = 2): HeatmapLayout {
  const n = shape.reduce((a, b) => a * b, 1);
  const conv = shape.length === 3;
  const channels = conv ? shape[0] : 1;
  const { rows, cols } = conv ? { rows: shape[1], cols: shape[2] } : gridShape(n);
  let best = { cell: 0, across: 1 };
  // Try every number of tiles per row; keep the one with the biggest cells.
  for (let across = 1; across <= channels; across++) {
    const down = Math.ceil(channels / across);
    const cell = Math.min((width - gap * (across - 1)) / (across * cols), (height - gap * (down - 1)) / (down * rows));
    if (cell > best.cell) best = { cell, across };
  }
  const cell = Math.max(best.cell >= 1 ? Math.floor(best.cell) : best.cell, 0.01);
  const tw = cols * cell;
  const th = rows * cell;
  const tiles: HeatTile[] = [];
  for (let c = 0; c < channels; c++) {
    const i = c % best.across;
    const j = Math.floor(c / best.across);
    tiles.push({ channel: c, x: i * (tw + gap), y: j * (th + gap), width: tw, height: th });
  }
  return { rows, cols, perTile: conv ? rows * cols : n, tiles };
}

/** The colour ramp from `lo` (silent) to `hi` (the busiest neuron), packed for a Uint32Array view. */
export function colorRamp(lo: [number, number, number], hi: [number, number, number], steps = 256): Uint32Array {
  const ramp = new Uint32Array(steps);
  for (let i = 0; i < steps; i++) {
    // sqrt: rates are skewed (few busy neurons), so low rates get more of the ramp.
    const f = Math.sqrt(i / (steps - 1));
    ramp[i] = packRgba(lo[0] + (hi[0] - lo[0]) * f, lo[1] + (hi[1] - lo[1]) * f, lo[2] + (hi[2] - lo[2]) * f);
  }
  return ramp;
}

/**
 * Paints `rates` (length = layer size) into `pixels` (row-major, `stride` per row) at (ox, oy) with
 * the layout's tiles. Rates are scaled to the largest one (`max`, or the data's own). Returns that
 * scale so the legend can name it.
 */
export function paintHeatmap(pixels: Uint32Array, stride: number, ox: number, oy: number, layout: HeatmapLayout, rates: ArrayLike<number>, ramp: Uint32Array, max?: number): number {
  let scale = max ?? 0;
  if (max === undefined) for (let i = 0; i < rates.length; i++) if (rates[i] > scale) scale = rates[i];
  const top = ramp.length - 1;
  const heightPx = Math.floor(pixels.length / stride);
  for (const tile of layout.tiles) {
    const x0 = Math.round(ox + tile.x);
    const y0 = Math.round(oy + tile.y);
    const x1 = Math.min(stride, Math.round(ox + tile.x + tile.width));
    const y1 = Math.min(heightPx, Math.round(oy + tile.y + tile.height));
    const base = tile.channel * layout.perTile;
    for (let y = Math.max(0, y0); y < y1; y++) {
      const r = Math.min(layout.rows - 1, Math.floor(((y - y0) * layout.rows) / (y1 - y0)));
      const row = y * stride;
      for (let x = Math.max(0, x0); x < x1; x++) {
        const c = Math.min(layout.cols - 1, Math.floor(((x - x0) * layout.cols) / (x1 - x0)));
        const k = r * layout.cols + c;
        if (k >= layout.perTile) continue;
        const v = rates[base + k];
        pixels[row + x] = ramp[scale > 0 ? Math.min(top, Math.round((v / scale) * top)) : 0];
      }
    }
  }
  return scale;
}

/** Spikes per neuron per step of one raster snapshot (the live view's rates). */
export function ratesFromRaster(ids: ArrayLike<number>, neurons: number, timesteps: number): Float32Array {
  const r = new Float32Array(neurons);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && id < neurons) r[id]++;
  }
  const T = Math.max(1, timesteps);
  for (let i = 0; i < neurons; i++) r[i] /= T;
  return r;
}
