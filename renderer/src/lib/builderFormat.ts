/** Compact numbers for the builder's estimates: counts with SI prefixes, bytes in binary units, energy in joules. */

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  const units = ['k', 'M', 'G', 'T'];
  let v = n;
  let u = -1;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0)}${units[u]}`;
}

export { formatBytes } from '../../../core/api/units';

/** Picojoules to the largest unit that keeps the mantissa >= 1. */
export function formatEnergy(pj: number): string {
  const units: [number, string][] = [
    [1e12, 'J'],
    [1e9, 'mJ'],
    [1e6, 'µJ'],
    [1e3, 'nJ'],
  ];
  for (const [scale, unit] of units) if (pj >= scale) return `${(pj / scale).toFixed(2)} ${unit}`;
  return `${pj.toFixed(1)} pJ`;
}

export function formatShape(s: readonly number[] | undefined): string {
  return s && s.length ? s.join('×') : '—';
}
