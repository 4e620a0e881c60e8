/**
 * The lab service's board domain (BoardService) against `spikelab board emulator` running as a
 * separate process on a socat pty pair, through the real serialport transport: connect by path,
 * check, upload, verify, commit, run; then unplugs (the emulator process killed mid-upload, socat
 * killed mid-run and mid-upload), each failing the operation with TRANSPORT, and the service
 * reconnecting by itself once the port is back. Skipped where socat is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../core/api/contract';
import { openPtyPair, type PtyPair } from '../../../core/board/transportPty';
import { BoardService } from '../../../core/lab/board/service';
import { boardEvents, createBoardLab, rejects, type BoardLab } from './labFixture';

const root = resolve(__dirname, '../../..');
const hasSocat = spawnSync('socat', ['-V']).status === 0;
const RUN = '20260102-000000-serial-small-abcdef';
/** 784 -> 200 -> 10, ~157 KB of int8 weights: an upload is still going when the test pulls the link. */
const BIG = '20260102-000000-serial-big-abcdef';

let lab: BoardLab;
let events: RunEvent[];
const services: BoardService[] = [];
const children: ChildProcess[] = [];
const pairs: PtyPair[] = [];
const dirs: string[] = [];

beforeAll(() => {
  lab = createBoardLab();
  events = lab.events;
  lab.addRun(RUN, true);
  lab.addRun(BIG, true, 200);
  return () => lab.cleanup();
});

function killGroup(p: ChildProcess): void {
  if (p.pid !== undefined && p.exitCode === null && p.signalCode === null) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const c of children.splice(0)) killGroup(c);
  for (const p of pairs.splice(0)) await p.close();
  events.length = 0;
});

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A socat pair whose link paths stay the same across restarts (the port "reappears"). */
async function ptyPair(dir: string): Promise<PtyPair> {
  const p = await openPtyPair({ dir });
  pairs.push(p);
  return p;
}

/** Pulls the link: socat dies and, as udev removes a device node, its paths disappear. */
function unplug(pair: PtyPair): void {
  pair.process.kill('SIGKILL');
  rmSync(pair.hostPath, { force: true });
  rmSync(pair.boardPath, { force: true });
}

/** `spikelab board emulator --port PATH` in its own process group, so a kill takes all of it. */
async function startEmulator(port: string, extra: string[] = []): Promise<ChildProcess> {
  const args = ['--import', 'tsx', join(root, 'cli', 'main.ts'), 'board', 'emulator', '--port', port, '--json', '--neurons-per-core', '64', ...extra];
  const proc = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const t0 = Date.now();
  while (!out.includes('"ready":true')) {
    if (proc.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`emulator did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return proc;
}

function service(): BoardService {
  const s = new BoardService(lab.ctx(), { checkSamples: 10, reconnect: { initialDelayMs: 100, maxDelayMs: 500, budgetMs: 20_000 } });
  services.push(s);
  return s;
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `f` whenever the service emits a board event with `phase` that `when` accepts (once). */
function onEvent(phase: 'upload' | 'run', when: (e: Extract<RunEvent, { type: 'board' }>) => boolean, f: () => void): () => void {
  const orig = events.push.bind(events);
  let fired = false;
  events.push = (...es: RunEvent[]) => {
    for (const e of es) {
      if (!fired && e.type === 'board' && e.phase === phase && when(e)) {
        fired = true;
        f();
      }
    }
    return orig(...es);
  };
  return () => {
    events.push = orig;
  };
}

describe.skipIf(!hasSocat)('BoardService <-> `spikelab board emulator` process over a socat pty pair', () => {
  it('connect by path, check, upload, verify, commit, run; killing the emulator mid-upload fails cleanly, the service reconnects to the restarted one; killing it mid-run fails the run', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikelab-svc-pty-'));
    dirs.push(dir);
    const pair = await ptyPair(dir);
    const emu = await startEmulator(pair.boardPath);
    const s = service();

    const st = await s.connectBoard(pair.hostPath);
    // 64 neurons per core only comes from the process's command line: this is that board.
    expect(st).toMatchObject({ connected: true, port: pair.hostPath, lastError: null, capabilities: { boardId: 'spikelab-emulator', neuronsPerCore: 64, protocol: '1.0' } });
    const check = await s.checkBoardModel(RUN);
    expect(check.ok).toBe(true);
    expect(check.layers.map((l) => [l.name, l.neurons, l.fanIn, l.cores])).toEqual([['lif1', 40, 784, 1], ['lif2', 10, 40, 1]]);

    const up = await s.uploadToBoard(RUN);
    expect(up).toMatchObject({ runId: RUN, verified: true, committed: true });
    expect(up.wireBytes).toBeGreaterThan(up.bytes);
    expect(boardEvents(events, 'verify').length).toBeGreaterThan(0);
    expect(boardEvents(events, 'commit').pop()?.message).toMatch(/committed and verified/);
    for (const sample of [0, 1]) {
      const r = await s.runOnBoard(RUN, sample);
      expect(r.matchesSoftware).toBe(true);
      expect(r.counts).toEqual(r.softwareCounts);
      expect(r.outputGaps).toBe(0);
      expect(r.counters.ticks).toBe(12);
    }
    expect((await s.runOnBoard(RUN, 0)).counts.some((c) => c > 0)).toBe(true);

    // Unplug 1: the board process dies while weights stream; socat (the "cable") stays.
    events.length = 0;
    const off = onEvent('upload', (e) => e.done > 0 && e.done < e.total, () => emu.kill('SIGKILL'));
    const t0 = Date.now();
    try {
      await rejects(s.uploadToBoard(BIG), 'TRANSPORT', /upload failed: the link to .* was lost/);
    } finally {
      off();
    }
    // Bounded by the HELLO/request retries (about 1.5 s), never a hang.
    expect(Date.now() - t0).toBeLessThan(5000);
    const lost = await s.getBoardState();
    expect(lost.connected).toBe(false);
    expect(lost.committedRunId).toBeNull();
    expect(lost.lastError).toMatch(/link to .* lost/);
    expect(boardEvents(events, 'link')[0]?.message).toMatch(/lost/);
    await rejects(s.runOnBoard(BIG, 0), 'TRANSPORT', /no board connected \(link to .* lost.*reconnecting/);

    // The port is open but silent: attempts time out on HELLO until a board answers again.
    const emu2 = await startEmulator(pair.boardPath);
    await until(async () => (await s.getBoardState()).connected, 15_000, 'the automatic reconnect');
    const back = await s.getBoardState();
    expect(back).toMatchObject({ connected: true, port: pair.hostPath, lastError: null, capabilities: { neuronsPerCore: 64 } });
    // A fresh board process holds no model: the service must not claim the old run is active.
    expect(back.committedRunId).toBeNull();
    expect(boardEvents(events, 'link').pop()?.message).toMatch(/^reconnected to spikelab-emulator on .*; run .* is no longer active on the board$/);
    const up2 = await s.uploadToBoard(BIG);
    expect(up2).toMatchObject({ runId: BIG, verified: true, committed: true });
    expect((await s.runOnBoard(BIG, 0)).matchesSoftware).toBe(true);

    // The board process dies while a sample streams: the run fails on the request timeouts.
    events.length = 0;
    const offRun = onEvent('run', (e) => e.done === 0, () => emu2.kill('SIGKILL'));
    const t1 = Date.now();
    try {
      await rejects(s.runOnBoard(BIG, 1), 'TRANSPORT', /run failed: the link to .* was lost/);
    } finally {
      offRun();
    }
    expect(Date.now() - t1).toBeLessThan(5000);
    expect((await s.getBoardState()).lastError).toMatch(/link to .* lost/);
    expect(boardEvents(events, 'link').length).toBeGreaterThan(0);
  });

  it('socat killed mid-run and mid-upload: TRANSPORT, then the port reappears and the board (kept alive) still holds the committed run', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikelab-svc-pty-'));
    dirs.push(dir);
    let pair = await ptyPair(dir);
    await startEmulator(pair.boardPath, ['--reattach']);
    const s = service();
    await s.connectBoard(pair.hostPath);
    await s.uploadToBoard(RUN);
    const ref = await s.runOnBoard(RUN, 3);
    expect(ref.matchesSoftware).toBe(true);

    // Unplug 2: the link vanishes while the sample streams.
    events.length = 0;
    let off = onEvent('run', (e) => e.done === 0, () => unplug(pair));
    try {
      await rejects(s.runOnBoard(RUN, 3), 'TRANSPORT', /run failed: the link to .* was lost/);
    } finally {
      off();
    }
    expect((await s.getBoardState()).lastError).toMatch(/link to .* lost/);
    expect(boardEvents(events, 'link')[0]?.message).toMatch(/lost/);
    // While the device node is gone every attempt fails at open, and calls fail at once.
    await new Promise((r) => setTimeout(r, 400));
    expect((await s.getBoardState()).lastError).toMatch(/reconnecting \(attempt \d+ failed: cannot open/);
    await rejects(s.runOnBoard(RUN, 3), 'TRANSPORT', /reconnecting/);

    pair = await ptyPair(dir);
    await until(async () => (await s.getBoardState()).connected, 15_000, 'the reconnect after the port reappeared');
    // Same board, same image: the active bank's CRCs still match, so the run stays committed.
    expect(await s.getBoardState()).toMatchObject({ connected: true, committedRunId: RUN, lastError: null });
    expect(boardEvents(events, 'link').pop()?.message).toMatch(/still committed$/);
    const again = await s.runOnBoard(RUN, 3);
    expect(again.matchesSoftware).toBe(true);
    expect(again.counts).toEqual(ref.counts);

    // Unplug 3: mid-upload of another model. The board must keep RUN active, never half of BIG.
    events.length = 0;
    const p = pair;
    off = onEvent('upload', (e) => e.done > 0 && e.done < e.total, () => unplug(p));
    try {
      await rejects(s.uploadToBoard(BIG), 'TRANSPORT', /upload failed: the link to .* was lost.*previously committed model/);
    } finally {
      off();
    }
    pair = await ptyPair(dir);
    await until(async () => (await s.getBoardState()).connected, 15_000, 'the second reconnect');
    expect((await s.getBoardState()).committedRunId).toBe(RUN);
    expect((await s.runOnBoard(RUN, 3)).counts).toEqual(ref.counts);
    const up = await s.uploadToBoard(BIG);
    expect(up).toMatchObject({ runId: BIG, verified: true, committed: true });
    expect((await s.runOnBoard(BIG, 1)).matchesSoftware).toBe(true);
  });
});
