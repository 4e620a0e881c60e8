import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createWsClient } from '../../../core/api/wsClient';
import { tempDir } from '../lab/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const t = tempDir('spikelab-serve-');
afterAll(() => t.cleanup());

function startServe(cmd: string[], ws: string): Promise<{ url: string; stop(): Promise<number | null>; stderr(): string }> {
  const child = spawn(process.execPath, [...cmd, 'serve', '--port', '0', '--workspace', ws], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /web host at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stderr: () => err, stop: () => (child.kill('SIGINT'), exited) });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

async function exercise(cmd: string[], name: string): Promise<void> {
  const ws = join(t.dir, name);
  const server = await startServe(cmd, ws);
  const client = createWsClient(server.url, { WebSocketImpl: WebSocket });
  try {
    await client.ready;
    const info = await client.getAppInfo();
    expect(info.workspace).toBe(ws);
    expect(info.host).toBe('web');
    expect(await client.listRuns()).toEqual([]);
  } finally {
    client.close();
  }
  expect(await server.stop()).toBe(0);
  expect(server.stderr()).toContain('shutting down');
}

describe('spikelab serve', () => {
  it('serves the API from sources and shuts down cleanly on SIGINT', async () => {
    await exercise(['--require', require.resolve('tsx/cjs'), join(ROOT, 'cli', 'main.ts')], 'src');
  });

  // `npm test` builds first; a bare `vitest run` without a build skips the compiled variant.
  it.skipIf(!existsSync(join(ROOT, 'out', 'node', 'cli', 'main.js')))('serves through bin/spikelab.js (compiled)', async () => {
    await exercise([join(ROOT, 'bin', 'spikelab.js')], 'compiled');
  });
});
