/**
 * Layout and pixels of the receptive-field grid: `count` maps of rows x cols laid out in a near
 * square grid, each value mapped linearly from [min, max] onto a two-colour ramp, written into a
 * 32-bit pixel buffer so the canvas gets one putImageData per frame.
 */
export interface FieldGridLayout {
  gridCols: number;
  gridRows: number;
  /** Device pixels per weight. */
  scale: number;
  /** Device pixels between maps. */
  gap: number;
  width: number;
  height: number;
}

/** The largest integer scale at which the grid fits `maxWidth` device pixels (at least 1). */
export function fieldGridLayout(count: number, rows: number, cols: number, maxWidth: number, gap = 2): FieldGridLayout {
  const gridCols = Math.max(1, Math.ceil(Math.sqrt(count)));
  const gridRows = Math.max(1, Math.ceil(count / gridCols));
  const scale = Math.max(1, Math.floor((maxWidth - gap * (gridCols - 1)) / (gridCols * cols)));
  return { gridCols, gridRows, scale, gap, width: gridCols * cols * scale + gap * (gridCols - 1), height: gridRows * rows * scale + gap * (gridRows - 1) };
}

/** Writes the maps into `pixels` (width = layout.width); colours are packed RGBA (little-endian ABGR words). */
export function paintFields(pixels: Uint32Array, layout: FieldGridLayout, f: { rows: number; cols: number; count: number; data: ArrayLike<number>; min: number; max: number }, low: [number, number, number], high: [number, number, number], background: number): void {
  pixels.fill(background);
  const span = f.max > f.min ? f.max - f.min : 1;
  const ramp = new Uint32Array(256);
  for (let k = 0; k < 256; k++) {
    const a = k / 255;
    const c = [0, 1, 2].map((i) => Math.round(low[i] + (high[i] - low[i]) * a));
    ramp[k] = (255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0];
  }
  const { scale, gap, gridCols, width } = layout;
  const plane = f.rows * f.cols;
  for (let m = 0; m < f.count; m++) {
    const x0 = (m % gridCols) * (f.cols * scale + gap);
    const y0 = Math.floor(m / gridCols) * (f.rows * scale + gap);
    for (let r = 0; r < f.rows; r++) {
      for (let c = 0; c < f.cols; c++) {
        const v = f.data[m * plane + r * f.cols + c];
        const k = Math.max(0, Math.min(255, Math.round(((v - f.min) / span) * 255)));
        const color = ramp[k];
        for (let dy = 0; dy < scale; dy++) {
          const row = (y0 + r * scale + dy) * width + x0 + c * scale;
          for (let dx = 0; dx < scale; dx++) pixels[row + dx] = color;
        }
      }
    }
  }
}
