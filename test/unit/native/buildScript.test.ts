/**
 * scripts/buildNative.js is the package's `install` script: it must never fail the install. The
 * failure case runs on a copy of native/ in a temp folder, so the real build is left alone.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../../core/native/loader';

const root = findPackageRoot(__dirname)!;

function runScript(scriptPath: string, env: Record<string, string>) {
  // npm passes its config as npm_config_* (a user's `nodedir` among them), which node-gyp would
  // prefer over our flags; run the script as a clean `node` call instead.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && k !== 'SPIKELAB_SKIP_NATIVE'),
  );
  return spawnSync(process.execPath, [scriptPath], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('scripts/buildNative.js', () => {
  it('SPIKELAB_SKIP_NATIVE=1 skips the build and exits 0', () => {
    const r = runScript(path.join(root, 'scripts', 'buildNative.js'), { SPIKELAB_SKIP_NATIVE: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SPIKELAB_SKIP_NATIVE=1: skipping the native kernel build');
  });

  it('a failed build prints one warning naming the cause and the fallback, and exits 0', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikelab-install-'));
    const nativeSrc = path.join(root, 'native');
    try {
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.copyFileSync(path.join(root, 'scripts', 'buildNative.js'), path.join(dir, 'scripts', 'buildNative.js'));
      fs.cpSync(nativeSrc, path.join(dir, 'native'), {
        recursive: true,
        filter: (src) => path.relative(nativeSrc, src).split(path.sep)[0] !== 'build',
      });
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      // Headers that do not exist make node-gyp fail at configure time, before any compiling.
      const r = runScript(path.join(dir, 'scripts', 'buildNative.js'), { SPIKELAB_NODEDIR: path.join(dir, 'no-node-headers') });
      expect(r.status, r.stderr).toBe(0);
      const warnings = r.stderr.split('\n').filter((l) => l.includes('[spikelab] WARNING'));
      expect(warnings, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toHaveLength(1);
      expect(warnings[0]).toContain('the native kernel addon (native/) failed to build');
      expect(r.stderr).toContain('libopenblas-dev');
      expect(r.stderr).toContain('TypeScript kernels');
      expect(fs.existsSync(path.join(dir, 'native', 'build', 'Release', 'spikelab_native.node'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
