import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../../cli/io';
import type { LabServiceOptions } from '../../../core/lab/service';

export interface Captured {
  io: CliIo;
  out(): string;
  err(): string;
  interrupt(): void;
}

export function captureIo(serviceDefaults: Partial<LabServiceOptions> = {}, env: NodeJS.ProcessEnv = {}): Captured {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  return {
    io: {
      stdout: { write: (t) => void (out += t) },
      stderr: { write: (t) => void (err += t), isTTY: false },
      env,
      serviceDefaults,
      onInterrupt(h) {
        handlers.add(h);
        return () => handlers.delete(h);
      },
    },
    out: () => out,
    err: () => err,
    interrupt: () => {
      for (const h of [...handlers]) h();
    },
  };
}

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the CLI from sources in a child process: real argv, real exit code, real streams. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), join(ROOT, 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
