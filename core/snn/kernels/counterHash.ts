/**
 * The counter-based random numbers of the Poisson encoder: element i of a call draws
 * u(i) = mix(mix(i · φ + key0) ^ key1), with φ = 0x9e3779b9 (the golden-ratio Weyl step) and
 * mix = lowbias32 (C. Wellons, "Prospecting for hash functions", 2018: two multiply–xorshift rounds
 * with bias 0.17 against 2^32 counters). A sequential generator would force one thread through all
 * T·B·F draws in order; a hash of the counter lets any element be drawn alone, so the native
 * encoder runs on every core and still matches this TypeScript version bit for bit.
 */

/** lowbias32 as an unsigned 32-bit integer. */
export function lowbias32(v: number): number {
  let x = v | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** u(i) for counter i (taken mod 2^32) under the key (key0, key1); an unsigned 32-bit integer. */
export function poissonCounterHash(i: number, key0: number, key1: number): number {
  return lowbias32(lowbias32((Math.imul(i, 0x9e3779b9) + key0) | 0) ^ key1);
}
