/** Theme colours read from the CSS variables at draw time, so both themes apply without a reload. */
import { parseColor } from './rasterGeometry';

export function cssVar(name: string, fallback = ''): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function cssRgb(name: string, fallback: [number, number, number]): [number, number, number] {
  return parseColor(cssVar(name), fallback);
}
