/** Backend selection: native when built, reference on request or when the addon cannot load. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadAddon, findPackageRoot, ADDON_RELATIVE_PATH } from '../../../core/native/loader';
import { NativeLoadError } from '../../../core/native/errors';
import { loadBuiltAddon } from './helpers';

type LoaderModule = typeof import('../../../core/native/loader');

const ENV_KEYS = ['SPIKELAB_KERNELS', 'SPIKELAB_NATIVE_PATH'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

/** A fresh copy of the loader, since it caches its choice per process. */
async function freshLoader(env: Partial<Record<(typeof ENV_KEYS)[number], string>>): Promise<LoaderModule> {
  for (const k of ENV_KEYS) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  vi.resetModules();
  return import('../../../core/native/loader');
}

afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.restoreAllMocks();
});

describe('findPackageRoot', () => {
  const root = findPackageRoot(__dirname);

  it('finds the spikelab package from sources, tsc output and bundle locations', () => {
    expect(root).not.toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(root!, 'package.json'), 'utf8')).name).toBe('spikelab');
    for (const rel of ['core/native', 'out/node/core/native', 'out/main', 'out/main/chunks']) {
      expect(findPackageRoot(path.join(root!, rel))).toBe(root);
    }
  });

  it('skips package.json files of other packages on the way up', () => {
    expect(findPackageRoot(path.join(root!, 'node_modules', 'vitest', 'dist'))).toBe(root);
  });

  it('returns null outside any spikelab package', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikelab-loader-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'other' }));
      expect(findPackageRoot(dir)).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadAddon', () => {
  it('throws NativeLoadError naming the missing file', () => {
    const file = path.join(os.tmpdir(), 'no-such-dir', 'spikelab_native.node');
    expect(() => loadAddon(file)).toThrow(NativeLoadError);
    expect(() => loadAddon(file)).toThrow(`native kernel addon not found at ${file}`);
  });

  it('throws NativeLoadError for a file that is not a loadable addon', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikelab-loader-'));
    const file = path.join(dir, 'spikelab_native.node');
    try {
      fs.writeFileSync(file, 'not an ELF file');
      let err: unknown;
      try {
        loadAddon(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NativeLoadError);
      expect((err as NativeLoadError).code).toBe('NATIVE_LOAD');
      expect((err as Error).message).toContain(`native kernel addon at ${file} failed to load`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadKernels', () => {
  it('SPIKELAB_KERNELS=reference selects the reference kernels and warns once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loader = await freshLoader({ SPIKELAB_KERNELS: 'reference' });
    const first = loader.loadKernels();
    const second = loader.loadKernels();
    expect(first.kernels.name).toBe('reference');
    expect(first.note).toMatch(/SPIKELAB_KERNELS=reference/);
    expect(second).toBe(first);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(loader.nativeInfo()).toBeNull();
    expect(loader.setNativeThreads(1)).toBe(false);
  });

  it('falls back with the reason when the addon file is missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const missing = path.join(os.tmpdir(), 'missing', 'spikelab_native.node');
    const loader = await freshLoader({ SPIKELAB_NATIVE_PATH: missing });
    const { kernels, note } = loader.loadKernels();
    expect(kernels.name).toBe('reference');
    expect(note).toContain(`native kernel addon not found at ${missing}`);
    expect(note).toContain('TypeScript reference kernels');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('[spikelab]');
  });

  it('rejects an unknown SPIKELAB_KERNELS value by falling back with a note', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loader = await freshLoader({ SPIKELAB_KERNELS: 'gpu' });
    const { kernels, note } = loader.loadKernels();
    expect(kernels.name).toBe('reference');
    expect(note).toMatch(/SPIKELAB_KERNELS=gpu is not one of native, reference/);
  });

  const built = loadBuiltAddon('native loader') !== null;
  it.skipIf(!built)('loads the built addon by default and reports threads and BLAS', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loader = await freshLoader({});
    const { kernels, note } = loader.loadKernels();
    expect(note).toBeNull();
    expect(kernels.name).toBe('native');
    expect(warn).not.toHaveBeenCalled();
    const info = loader.nativeInfo();
    expect(info).not.toBeNull();
    expect(info!.threads).toBeGreaterThanOrEqual(1);
    expect(info!.blas).toMatch(/OpenBLAS/);
    expect(path.isAbsolute(path.join(findPackageRoot()!, ADDON_RELATIVE_PATH))).toBe(true);
  });
});
