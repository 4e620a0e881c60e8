/** `npm start` where no Electron binary can be had (this machine): it must fall back to the web host. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../unit/lab/helpers';

const ROOT = join(__dirname, '..', '..');
const t = tempDir('spikelab-start-');
afterAll(() => t.cleanup());

describe('scripts/start.js', () => {
  // `npm test` builds first; without out/node the script would run a full build, too slow for a test.
  it.skipIf(!existsSync(join(ROOT, 'out', 'node', 'host', 'web', 'server.js')))('falls back to the web host and prints its URL', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
      cwd: ROOT,
      // SPIKELAB_WEB forces the fallback even on a machine that has the binary, so the test means the same everywhere.
      env: { ...process.env, SPIKELAB_PORT: '0', SPIKELAB_HOME: join(t.dir, 'ws'), SPIKELAB_WEB: '1', PATH: '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect(out).toMatch(/Electron unavailable \(.+\); starting the web host instead/);
    const r = await fetch(url);
    expect([200, 503]).toContain(r.status);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
