/** What commands touch of the outside world, injectable so tests run commands in-process. */
import type { LabServiceOptions } from '../core/lab/service';

export interface CliIo {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void; isTTY: boolean };
  env: NodeJS.ProcessEnv;
  /** Service options merged under the CLI's own (tests inject fake presets and methods). */
  serviceDefaults?: Partial<LabServiceOptions>;
  /** Resolves when the user asks to stop (Ctrl-C); the second request forces exit. */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: { write: (t) => process.stderr.write(t), isTTY: Boolean(process.stderr.isTTY) },
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
