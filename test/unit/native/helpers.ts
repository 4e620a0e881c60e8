/** Shared setup for the native kernel tests: load the built addon if there is one, random data. */
import * as path from 'node:path';
import { ADDON_RELATIVE_PATH, findPackageRoot, loadAddon } from '../../../core/native/loader';
import { NativeKernels, type NativeAddon } from '../../../core/native/nativeKernels';
import { Rng } from '../../../core/snn/rng';

export interface NativeUnderTest {
  addon: NativeAddon;
  kernels: NativeKernels;
}

/** The addon built by `npm install`/`npm run build:native`, or null with a visible reason. */
export function loadBuiltAddon(suite: string): NativeUnderTest | null {
  const root = findPackageRoot(__dirname);
  if (root === null) throw new Error('test setup: no package.json named "spikelab" above the tests');
  try {
    const addon = loadAddon(path.join(root, ADDON_RELATIVE_PATH));
    return { addon, kernels: new NativeKernels(addon) };
  } catch (err) {
    console.warn(`[${suite}] SKIPPED: native addon not built (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
}

export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** Binary spikes with probability `density`. */
export function spikeArray(rng: Rng, n: number, density: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() < density ? 1 : 0;
  return a;
}

/**
 * Largest violation of |a - b| <= atol + rtol * |b| (0 when all within), with its index, so a
 * failing assertion says where and by how much.
 */
export function worstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { excess: number; index: number; got: number; want: number } {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let worst = { excess: 0, index: -1, got: 0, want: 0 };
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    const excess = Number.isNaN(diff) ? Infinity : diff - (atol + rtol * Math.abs(b[i]));
    if (excess > worst.excess) worst = { excess, index: i, got: a[i], want: b[i] };
  }
  return worst;
}
