/**
 * A pseudo-terminal pair made by socat (`socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`): two
 * serial device paths wired to each other, so the emulator can sit on one as a "board" and the
 * client (or any serial tool) open the other. Ptys do not appear in SerialPort.list(): open by path.
 * A pty ignores the baud rate; use BaudLimitedTransport where timing matters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardError } from './errors';

export interface PtyPair {
  /** Path for the host (client) side. */
  hostPath: string;
  /** Path for the board (emulator) side. */
  boardPath: string;
  /** socat's process; killing it is an unplug for both sides. */
  readonly process: ChildProcess;
  close(): Promise<void>;
}

export async function openPtyPair(opts: { dir?: string; timeoutMs?: number } = {}): Promise<PtyPair> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'spikelab-pty-'));
  const hostPath = join(dir, 'host');
  const boardPath = join(dir, 'board');
  const proc = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${boardPath}`], { stdio: 'ignore' });
  let failed: Error | null = null;
  proc.on('error', (e) => (failed = e));
  const t0 = Date.now();
  const cleanup = (): void => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  while (!(existsSync(hostPath) && existsSync(boardPath))) {
    const err: Error | null = failed;
    if (err !== null || proc.exitCode !== null || Date.now() - t0 > (opts.timeoutMs ?? 5000)) {
      cleanup();
      throw new BoardError('BOARD_CLOSED', `socat could not create a pty pair${err ? `: ${(err as Error).message}` : ''} (is socat installed?)`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    hostPath,
    boardPath,
    process: proc,
    close: async () => {
      const exited = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => proc.once('exit', () => r()));
      cleanup();
      await exited;
    },
  };
}
