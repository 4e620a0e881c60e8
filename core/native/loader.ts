/**
 * Picks the kernel backend for this process: the native addon when it is built and loads, else the
 * TypeScript reference kernels. The reason for a fallback is logged once per process, since every
 * worker and layer asks for kernels and one warning is enough.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { referenceKernels } from '../snn/kernels/reference';
import type { Kernels } from '../snn/kernels/types';
import { NativeLoadError } from './errors';
import { NATIVE_ADDON_FUNCTIONS, NativeKernels, type NativeAddon, type NativeInfo } from './nativeKernels';

export interface LoadedKernels {
  kernels: Kernels;
  /** Why the reference kernels are in use; null when the native kernels are. */
  note: string | null;
}

/**
 * Threads the native kernels run with (the addon's own rule in native/src/addon.cc: SPIKELAB_THREADS,
 * else every hardware thread), for estimates of what they allocate.
 */
export function defaultKernelThreads(env: NodeJS.ProcessEnv = process.env, hardware = os.availableParallelism()): number {
  const n = Number.parseInt(env.SPIKELAB_THREADS ?? '', 10);
  return n > 0 ? n : Math.max(1, hardware);
}

/** Relative to the package root; node-gyp writes it there. */
export const ADDON_RELATIVE_PATH = path.join('native', 'build', 'Release', 'spikelab_native.node');
const PACKAGE_NAME = 'spikelab';

let cached: { addon: NativeAddon | null; result: LoadedKernels } | null = null;
let warned = false;

/**
 * The kernels to use. Env: SPIKELAB_KERNELS=reference forces the reference backend;
 * SPIKELAB_NATIVE_PATH points at an addon file elsewhere (e.g. unpacked from an app bundle).
 */
export function loadKernels(): LoadedKernels {
  if (cached === null) cached = resolve();
  if (cached.result.note !== null && !warned) {
    warned = true;
    console.warn(`[spikelab] ${cached.result.note}`);
  }
  return cached.result;
}

/** Threads and BLAS of the loaded addon, for app info; null when the native kernels are not in use. */
export function nativeInfo(): NativeInfo | null {
  loadKernels();
  return cached?.addon ? cached.addon.info() : null;
}

/**
 * An export that only some addon builds have (the board emulator's `BoardMesh`), or null when the
 * native kernels are not in use or the addon predates it: callers keep their TypeScript path.
 */
export function optionalNativeExport(name: string): unknown {
  loadKernels();
  const fn = cached?.addon ? (cached.addon as unknown as Record<string, unknown>)[name] : undefined;
  return typeof fn === 'function' ? fn : null;
}

/**
 * Sets the thread count of the addon's pool and of OpenBLAS (process-wide: affects every worker).
 * Returns false when the native kernels are not in use.
 */
export function setNativeThreads(threads: number): boolean {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`setNativeThreads: expected a positive integer but received ${threads}`);
  }
  loadKernels();
  if (!cached?.addon) return false;
  cached.addon.setThreads(threads);
  return true;
}

/**
 * Loads the addon at `file` and checks it exports every kernel. Throws NativeLoadError with the
 * reason; exported so tests and tools can load a specific build.
 */
export function loadAddon(file: string): NativeAddon {
  if (!fs.existsSync(file)) {
    throw new NativeLoadError(`native kernel addon not found at ${file} (build it with \`npm run build:native\`)`);
  }
  // OpenBLAS's idle threads spin for 2^28 cycles (about 0.1 s) after every call before they sleep.
  // On a 2-core machine that spinning takes a core from the kernels running between GEMMs
  // (measured: 5 to 17 % of the CPU time of an MLP training step). OpenBLAS reads the timeout from the
  // environment once, when the library loads with the addon, so it is set just before; 4 is its
  // minimum (2^4 cycles). A value the user set is kept.
  if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  try {
    // process.dlopen instead of require: bundlers (electron-vite) leave it alone, and a computed
    // require path would otherwise be rewritten or rejected at build time.
    process.dlopen(mod, file);
  } catch (err) {
    throw new NativeLoadError(`native kernel addon at ${file} failed to load: ${err instanceof Error ? err.message : String(err)}`);
  }
  const missing = NATIVE_ADDON_FUNCTIONS.filter((f) => typeof mod.exports[f] !== 'function');
  if (missing.length > 0) {
    throw new NativeLoadError(`native kernel addon at ${file} lacks ${missing.join(', ')}; rebuild it with \`npm run build:native\``);
  }
  return mod.exports as unknown as NativeAddon;
}

/**
 * The folder holding the package.json named "spikelab", walking up from `start`. Works from the TS
 * sources (core/native), from tsc output (out/node/core/native) and from a bundle (out/main).
 */
export function findPackageRoot(start: string = __dirname): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const parsed: unknown = JSON.parse(fs.readFileSync(pkg, 'utf8'));
        if (typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function resolve(): { addon: NativeAddon | null; result: LoadedKernels } {
  const reference = (note: string) => ({ addon: null, result: { kernels: referenceKernels, note } });
  const choice = process.env.SPIKELAB_KERNELS;
  if (choice === 'reference') {
    return reference('SPIKELAB_KERNELS=reference: using the TypeScript reference kernels');
  }
  if (choice !== undefined && choice !== '' && choice !== 'native') {
    return reference(`SPIKELAB_KERNELS=${choice} is not one of native, reference; using the TypeScript reference kernels`);
  }
  let file = process.env.SPIKELAB_NATIVE_PATH;
  if (!file) {
    const root = findPackageRoot();
    if (root === null) {
      return reference(
        `native kernels unavailable: no package.json named "${PACKAGE_NAME}" above ${__dirname}; using the slower TypeScript reference kernels`,
      );
    }
    file = path.join(root, ADDON_RELATIVE_PATH);
  }
  try {
    const addon = loadAddon(file);
    return { addon, result: { kernels: new NativeKernels(addon), note: null } };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return reference(`${reason}; using the slower TypeScript reference kernels`);
  }
}
