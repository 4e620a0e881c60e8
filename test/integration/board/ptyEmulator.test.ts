/**
 * Board client against the emulator running as a separate process on a real pty pair made by
 * socat (the DESIGN.md integration path), plus unplug: killing the emulator mid-upload and socat
 * mid-run must fail the operation cleanly, never hang. Skipped where socat is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardClient } from '../../../core/board/client';
import { quantiseNetwork } from '../../../core/board/quantise';
import { QuantReference } from '../../../core/board/referenceSim';
import { openPtyPair } from '../../../core/board/transportPty';
import { SerialTransport } from '../../../core/board/transportSerial';
import { makeNetwork, mlpSpec, poissonInput } from '../../unit/board/helpers';

const root = resolve(__dirname, '../../..');
const hasSocat = spawnSync('socat', ['-V']).status === 0;
const children: ChildProcess[] = [];
const ports: SerialTransport[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const p of ports.splice(0)) await p.close().catch(() => {});
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of closers.splice(0)) await c();
});

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function ptyPair(): Promise<{ host: string; board: string; socat: ChildProcess }> {
  const pair = await openPtyPair();
  closers.push(() => pair.close());
  return { host: pair.hostPath, board: pair.boardPath, socat: pair.process };
}

/**
 * The compiled entry when `npm run build:node` output is current (starts in ~0.1 s), else the
 * source through node with tsx as a loader (not the tsx CLI, which forks a grandchild that a kill
 * would miss).
 */
function emulatorEntry(): string[] {
  const src = join(root, 'core/board/emulator/standalone.ts');
  const built = join(root, 'out/node/core/board/emulator/standalone.js');
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(src).mtimeMs) return [built];
  return ['--import', 'tsx', src];
}

async function startEmulator(port: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [...emulatorEntry(), '--port', port, '--neurons-per-core', '32'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  children.push(p);
  let out = '';
  let err = '';
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await waitFor(() => out.includes('"ready":true') || p.exitCode !== null, 10_000, `emulator process (${err})`);
  if (p.exitCode !== null) throw new Error(`emulator exited: ${err}`);
  return p;
}

const rto = { initialRtoMs: 50, maxRtoMs: 200, maxRetries: 4, runIdleMs: 100 };

describe.skipIf(!hasSocat)('board client <-> emulator process over a socat pty pair', () => {
  it('handshake, upload, verify, commit, run: output counts equal the quantised reference', async () => {
    const { host, board } = await ptyPair();
    await startEmulator(board);
    const t = await SerialTransport.open({ path: host });
    ports.push(t);
    const client = await BoardClient.connect(t, rto);
    expect(client.capabilities.neuronsPerCore).toBe(32);
    const q = quantiseNetwork(makeNetwork(mlpSpec([100, 64, 10]), 5));
    const img = await client.upload(q);
    await client.commit(img);
    const ref = new QuantReference(q);
    for (let s = 0; s < 3; s++) {
      const x = poissonInput(100, 16, 40 + s);
      const r = await client.runSample(x, 1, 10);
      expect([...r.outputCounts]).toEqual([...ref.run(x).outputCounts]);
    }
    await client.close();
  }, 14_000);

  it('unplug: killing the emulator mid-upload fails with BOARD_TIMEOUT; killing socat mid-run fails cleanly', async () => {
    const { host, board, socat } = await ptyPair();
    const emu = await startEmulator(board);
    const t = await SerialTransport.open({ path: host });
    ports.push(t);
    const client = await BoardClient.connect(t, rto);
    // ~300 KB of int16 weights: the kill lands long before the upload could finish.
    const q = quantiseNetwork(makeNetwork(mlpSpec([600, 256, 10]), 6), { weightBits: 16 });
    let killed = false;
    const up = client.upload(q, (p) => {
      if (!killed && p.phase === 'weight') {
        emu.kill('SIGKILL');
        killed = true;
      }
    });
    await expect(up).rejects.toMatchObject({ code: expect.stringMatching(/BOARD_TIMEOUT|BOARD_CLOSED/) });

    // A fresh board on the same pty pair; then the link itself goes away mid-run.
    await client.close();
    await startEmulator(board);
    const t2 = await SerialTransport.open({ path: host });
    ports.push(t2);
    const c2 = await BoardClient.connect(t2, rto);
    const small = quantiseNetwork(makeNetwork(mlpSpec([100, 64, 10]), 5));
    await c2.commit(await c2.upload(small));
    // Pull the link as soon as the board streams anything back for this run.
    let running = false;
    t2.onData(() => {
      if (running && socat.exitCode === null && socat.signalCode === null) socat.kill('SIGKILL');
    });
    running = true;
    const run = c2.runSample(poissonInput(100, 2000, 1), 1, 10);
    await expect(run).rejects.toMatchObject({ code: expect.stringMatching(/BOARD_TIMEOUT|BOARD_CLOSED/) });
  }, 14_000);
});
