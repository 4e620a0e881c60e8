/**
 * End to end: `spikelab board emulator --pty` as a separate process (a socat pty pair), then
 * `board info`, `board upload` (incl. the capability check) and `board run` against it; the run's
 * counts equal `spikelab emulate` in-process. SIGTERM stops the emulator cleanly (exit 0, socat
 * gone). The child runs in its own process group so a failed test still kills socat with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { makeNetwork, mlpSpec, poissonInput } from '../unit/board/helpers';
import { captureIo } from '../unit/cli/cliHarness';
import { tempDir } from '../unit/lab/helpers';

const root = resolve(__dirname, '../..');
const hasSocat = spawnSync('socat', ['-V']).status === 0;
const t = tempDir('spikelab-boardcli-e2e-');
const children: ChildProcess[] = [];

function killGroup(p: ChildProcess): void {
  if (p.pid !== undefined && p.exitCode === null && p.signalCode === null) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

afterAll(() => {
  for (const c of children.splice(0)) killGroup(c);
  t.cleanup();
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

async function startEmulator(args: string[]): Promise<{ proc: ChildProcess; port: string; exited: Promise<number | null>; err: () => string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), 'board', 'emulator', ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const t0 = Date.now();
  while (!out.includes('\n')) {
    if (proc.exitCode !== null || Date.now() - t0 > 15_000) throw new Error(`emulator did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ready = JSON.parse(out.split('\n')[0]) as { ready: boolean; port: string };
  expect(ready.ready).toBe(true);
  return { proc, port: ready.port, exited, err: () => err };
}

describe.skipIf(!hasSocat)('spikelab board <-> `board emulator --pty` process', () => {
  it('info, upload (capability check, progress, verify, commit), run = emulate; SIGTERM stops it', { timeout: 30_000 }, async () => {
    const spec = mlpSpec([40, 24, 5], undefined, 12);
    const net = makeNetwork(spec, 3);
    writeFileSync(join(t.dir, 'mlp.json'), JSON.stringify(spec));
    writeFileSync(join(t.dir, 'mlp.safetensors'), net.saveWeights());
    const wide = mlpSpec([40, 300, 5], undefined, 12);
    writeFileSync(join(t.dir, 'wide.json'), JSON.stringify(wide));
    writeFileSync(join(t.dir, 'wide.safetensors'), makeNetwork(wide, 4).saveWeights());
    const events: [number, number][] = [];
    poissonInput(40, 12, 9, 0.4).forEach((ids, tick) => ids.forEach((id) => events.push([tick, id])));
    const input = join(t.dir, 'input.json');
    writeFileSync(input, JSON.stringify({ ticks: 12, events }));

    const emu = await startEmulator(['--pty', '--json', '--neurons-per-core', '16']);
    const common = ['--port', emu.port, '--timeout', '2000'];

    const info = await cli(['board', 'info', ...common, '--json']);
    expect(info.err).toBe('');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.out)).toMatchObject({ port: emu.port, boardId: 'spikelab-emulator', neuronsPerCore: 16, protocolMajor: 1 });

    // 300 neurons at 16 per core need 19 cores; the board has 16: one message per violation, exit 1.
    const tooWide = await cli(['board', 'upload', ...common, '--model', join(t.dir, 'wide.json')]);
    expect(tooWide.code).toBe(1);
    expect(tooWide.err).toMatch(/capability: \[.*\] layer ".*" has 300 neurons: at 16 per core it needs 19 cores, the board has 16/);
    expect(tooWide.err).toMatch(/does not fit board spikelab-emulator \(1 problem above\)/);

    const up = await cli(['board', 'upload', ...common, '--model', join(t.dir, 'mlp.json'), '--json']);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out)).toMatchObject({ action: 'uploaded', verified: true, committed: true });
    expect(up.err).toContain('upload: weight'); // progress on stderr (one line per phase when piped)
    const again = await cli(['board', 'upload', ...common, '--model', join(t.dir, 'mlp.json')]);
    expect(again.out).toContain('already active on the board');

    const run = await cli(['board', 'run', ...common, '--model', join(t.dir, 'mlp.json'), '--input', input, '--json']);
    expect(run.code).toBe(0);
    const onBoard = JSON.parse(run.out) as { outputCounts: number[]; predicted: number; counters: Record<string, number>; estimates: Record<string, { estimate: boolean }> };
    const emulated = JSON.parse((await cli(['emulate', '--model', join(t.dir, 'mlp.json'), '--input', input, '--json'])).out) as typeof onBoard;
    expect(onBoard.outputCounts).toEqual(emulated.outputCounts);
    expect(onBoard.predicted).toBe(emulated.predicted);
    expect(onBoard.counters.synOps).toBe(emulated.counters.synOps);
    expect(onBoard.counters.spikes).toBe(emulated.counters.spikes);
    expect(onBoard.estimates.horowitz45.estimate).toBe(true);
    expect(Object.keys(onBoard).sort()).toEqual(Object.keys(emulated).sort());

    emu.proc.kill('SIGTERM');
    expect(await emu.exited).toBe(0);
    expect(existsSync(emu.port)).toBe(false); // socat gone: the pty link was removed

    // The port is gone now: a clear error, exit 1.
    const gone = await cli(['board', 'info', '--port', emu.port]);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/cannot open/);
  });

  it('a device that is not a board: "not a board", exit 1', { timeout: 20_000 }, async () => {
    // A bare pty pair with nobody on the other end never answers HELLO.
    const socat = spawn('socat', [`pty,raw,echo=0,link=${join(t.dir, 'a')}`, `pty,raw,echo=0,link=${join(t.dir, 'b')}`], { detached: true, stdio: 'ignore' });
    children.push(socat);
    const t0 = Date.now();
    while (!existsSync(join(t.dir, 'a'))) {
      if (Date.now() - t0 > 5000) throw new Error('socat did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await cli(['board', 'info', '--port', join(t.dir, 'a'), '--timeout', '300']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not a board \(no HELLO answer\)/);
    killGroup(socat);
  });
});
