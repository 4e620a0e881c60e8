/**
 * Colour mapping of event counts to pixels: ON and OFF each blend their theme colour over the
 * background in proportion to the count (saturating at `saturation` events), so a pixel with both
 * polarities mixes the two and both the dark and the light theme read correctly.
 */
export type Rgb = [number, number, number];

export interface Palette {
  background: Rgb;
  on: Rgb;
  off: Rgb;
}

/** `#rgb`, `#rrggbb` or `rgb(a)(r, g, b...)` to [r, g, b]; null for anything else. */
export function parseColor(css: string): Rgb | null {
  const s = css.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as Rgb;
  m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

/** The palette from CSS custom properties (a getPropertyValue), with fallbacks for a missing variable. */
export function paletteFrom(get: (name: string) => string): Palette {
  return {
    background: parseColor(get('--raster-bg')) ?? [11, 14, 18],
    on: parseColor(get('--series-3')) ?? [52, 197, 155],
    off: parseColor(get('--danger')) ?? [240, 97, 109],
  };
}

/**
 * Paint plane-major counts (OFF plane then ON plane, each width x height) into RGBA pixels.
 * Intensity is count / saturation clamped to 1; the colour is background + sum of each polarity's
 * (colour - background) * intensity, clamped to 0..255.
 */
export function paintCounts(counts: ArrayLike<number>, offset: number, width: number, height: number, rgba: Uint8ClampedArray, palette: Palette, saturation: number): void {
  const plane = width * height;
  const [br, bg, bb] = palette.background;
  const [onr, ong, onb] = palette.on;
  const [ofr, ofg, ofb] = palette.off;
  const inv = 1 / Math.max(1e-9, saturation);
  for (let i = 0; i < plane; i++) {
    const off = Math.min(1, counts[offset + i] * inv);
    const on = Math.min(1, counts[offset + plane + i] * inv);
    const o = i * 4;
    rgba[o] = br + (onr - br) * on + (ofr - br) * off;
    rgba[o + 1] = bg + (ong - bg) * on + (ofg - bg) * off;
    rgba[o + 2] = bb + (onb - bb) * on + (ofb - bb) * off;
    rgba[o + 3] = 255;
  }
}

/** A saturation that shows structure: the 98th percentile of the non-zero counts (at least 1). */
export function autoSaturation(counts: ArrayLike<number>, offset: number, length: number): number {
  const hist = new Uint32Array(256);
  let nz = 0;
  for (let i = offset; i < offset + length; i++) {
    const c = counts[i];
    if (c > 0) {
      hist[Math.min(255, c)]++;
      nz++;
    }
  }
  if (nz === 0) return 1;
  let seen = 0;
  for (let c = 1; c < 256; c++) {
    seen += hist[c];
    if (seen >= nz * 0.98) return Math.max(1, c);
  }
  return 255;
}
