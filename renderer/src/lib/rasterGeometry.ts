/**
 * Geometry and rasterisation of the spike raster, kept free of DOM types so it can be unit-tested
 * in Node and measured without a browser. The component only sizes the canvas, calls
 * rasterizeSpikes into an ImageData buffer and draws a few labels on top.
 */
import type { SpikeRing, SpikeWindow } from './spikeRing';

export interface PlotRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** CSS-pixel margins around a plot. */
export interface Margins {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot inside a `width` x `height` device-pixel canvas, with `margin` in CSS pixels. */
export function insetPlot(width: number, height: number, margin: Margins, dpr: number): PlotRect {
  const left = Math.round(margin.left * dpr);
  const top = Math.round(margin.top * dpr);
  const right = Math.round(margin.right * dpr);
  const bottom = Math.round(margin.bottom * dpr);
  return { x: left, y: top, width: Math.max(1, width - left - right), height: Math.max(1, height - top - bottom) };
}

export interface RasterGeometry {
  plot: PlotRect;
  window: SpikeWindow;
  neurons: number;
  /** Size of one spike mark in device pixels (at least 1x1). */
  markWidth: number;
  markHeight: number;
}

/**
 * Lays out `window` columns and `neurons` rows inside `plot`. Marks fill their cell minus a 1 px
 * gap once cells are wide enough that the gap reads as separation rather than noise.
 */
export function rasterGeometry(plot: PlotRect, window: SpikeWindow, neurons: number): RasterGeometry {
  const cols = Math.max(1, window.colEnd - window.colStart);
  const rows = Math.max(1, neurons);
  const cellW = plot.width / cols;
  const cellH = plot.height / rows;
  const markWidth = Math.max(1, Math.floor(cellW >= 3 ? cellW - 1 : cellW));
  const markHeight = Math.max(1, Math.floor(cellH >= 3 ? cellH - 1 : cellH));
  return { plot, window, neurons: rows, markWidth, markHeight };
}

/** Left edge (device px) of a column. */
export function columnToX(g: RasterGeometry, col: number): number {
  const cols = Math.max(1, g.window.colEnd - g.window.colStart);
  return g.plot.x + ((col - g.window.colStart) * g.plot.width) / cols;
}

/** Top edge (device px) of a neuron row; neuron 0 at the top, as in most raster plots. */
export function neuronToY(g: RasterGeometry, id: number): number {
  return g.plot.y + (id * g.plot.height) / g.neurons;
}

/** Packs a colour for a Uint32Array view of ImageData (little-endian byte order: R, G, B, A). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a & 255) << 24) | ((b & 255) << 16) | ((g & 255) << 8) | (r & 255);
}

/** Parses `#rgb`, `#rrggbb` or `rgb(r, g, b)`; falls back to the given colour when unparseable. */
export function parseColor(css: string, fallback: [number, number, number]): [number, number, number] {
  const s = css.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) {
    const h = m[1];
    return [parseInt(h[0] + h[0], 16), parseInt(h[1] + h[1], 16), parseInt(h[2] + h[2], 16)];
  }
  m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) {
    const v = parseInt(m[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  m = /^rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return fallback;
}

/**
 * Draws every spike of the window into `pixels` (row-major, `stride` pixels per row) with a plain
 * fill loop. One putImageData of the result is far cheaper than one fillRect call per spike, which
 * is what keeps 100k spikes inside a frame. Returns the number of spikes drawn.
 */
export function rasterizeSpikes(pixels: Uint32Array, stride: number, g: RasterGeometry, ring: SpikeRing, color: number): number {
  const rowsTotal = Math.floor(pixels.length / stride);
  const cols = Math.max(1, g.window.colEnd - g.window.colStart);
  const sx = g.plot.width / cols;
  const sy = g.plot.height / g.neurons;
  const colStart = g.window.colStart;
  const colEnd = g.window.colEnd;
  const x0 = g.plot.x - colStart * sx;
  const y0 = g.plot.y;
  const maxX = Math.min(stride, Math.floor(g.plot.x + g.plot.width));
  const maxY = Math.min(rowsTotal, Math.floor(g.plot.y + g.plot.height));
  const mw = g.markWidth;
  const mh = g.markHeight;
  const { cols: cs, ids, head, size } = ring.raw();
  const cap = ring.capacity;
  let drawn = 0;
  // Two contiguous segments instead of a modulo per spike; the loop body is plain integer math.
  const firstLen = Math.min(size, cap - head);
  for (let seg = 0; seg < 2; seg++) {
    const from = seg === 0 ? head : 0;
    const to = seg === 0 ? head + firstLen : size - firstLen;
    for (let k = from; k < to; k++) {
      const c = cs[k];
      if (c < colStart || c >= colEnd) continue;
      const px = (x0 + c * sx) | 0;
      const py = (y0 + ids[k] * sy) | 0;
      const xEnd = Math.min(px + mw, maxX);
      const yEnd = Math.min(py + mh, maxY);
      for (let y = py; y < yEnd; y++) {
        const rowBase = y * stride;
        for (let x = px; x < xEnd; x++) pixels[rowBase + x] = color;
      }
      drawn++;
    }
  }
  return drawn;
}
