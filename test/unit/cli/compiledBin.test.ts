/** bin/spikelab.js as installed: the compiled CLI (built by `npm test`), and the hint when it is not built. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../lab/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'spikelab.js');
const t = tempDir('spikelab-bin-');
afterAll(() => t.cleanup());

const run = (bin: string, args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SPIKELAB_HOME: join(t.dir, 'ws') } });

describe('bin/spikelab.js', () => {
  it('says to build when out/node/cli/main.js is missing', () => {
    mkdirSync(join(t.dir, 'pkg', 'bin'), { recursive: true });
    copyFileSync(BIN, join(t.dir, 'pkg', 'bin', 'spikelab.js'));
    const r = run(join(t.dir, 'pkg', 'bin', 'spikelab.js'), ['help']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/out\/node\/cli\/main\.js is missing; run `npm run build` first/);
  });

  it.skipIf(!existsSync(join(ROOT, 'out', 'node', 'cli', 'main.js')))('compiled: bad preset exits 1 naming the preset and the known ones', () => {
    const r = run(BIN, ['train', '--preset', 'no-such-preset', '--epochs', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[UNKNOWN_PRESET\]: .*no-such-preset/);
    expect(r.stdout).toBe('');
    const bad = run(BIN, ['train', '--preset', 'mnist-mlp', '--epochs', '0']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('error [BAD_REQUEST]: request.settings.epochs must be a positive integer, got 0');
    const usage = run(BIN, ['train', '--epochs', 'two']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('train: --epochs must be a number, got "two"');
  });
});
