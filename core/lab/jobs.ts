/**
 * A training job: one worker_threads Worker per run. The parent only relays control messages and
 * receives already rate-limited events (see trainSession.ts), so the service's thread never trains.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit, WorkerResult } from './workerProtocol';

export interface WorkerEntry {
  filename: string;
  execArgv: string[];
}

/**
 * Compiled layout: trainWorker.js sits next to this file. Source layout (tests, tsx): load the .ts
 * through tsx's CommonJS hook. `--import tsx` is not honoured by worker threads on Node 20 (the entry
 * fails with ERR_UNKNOWN_FILE_EXTENSION), `--require tsx/cjs` is.
 */
export function resolveWorkerEntry(explicit?: string | null): WorkerEntry {
  if (explicit) return { filename: explicit, execArgv: explicit.endsWith('.ts') ? tsxExecArgv() : [] };
  const js = join(__dirname, 'trainWorker.js');
  if (__filename.endsWith('.js') && existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: join(__dirname, 'trainWorker.ts'), execArgv: tsxExecArgv() };
}

function tsxExecArgv(): string[] {
  return ['--require', require.resolve('tsx/cjs')];
}

export type JobOutcome =
  | { kind: 'done'; result: WorkerResult }
  | { kind: 'error'; message: string }
  /** The worker died without reporting (terminated, out of memory, native crash). */
  | { kind: 'crashed'; message: string };

export interface JobEvents {
  message(msg: Exclude<FromWorker, { type: 'done' } | { type: 'error' }>): void;
  exit(outcome: JobOutcome): void;
}

export class TrainJob {
  private readonly worker: Worker;
  private outcome: JobOutcome | null = null;
  private readonly exited: Promise<JobOutcome>;

  constructor(init: WorkerInit, entry: WorkerEntry, events: JobEvents) {
    // Event-data frame caches of lab runs live in the workspace (cache/frames) unless the user chose a place.
    const env = { ...process.env, SPIKELAB_FRAME_CACHE: process.env.SPIKELAB_FRAME_CACHE ?? join(dirname(init.runsDir), 'cache', 'frames') };
    this.worker = new Worker(entry.filename, { workerData: init, execArgv: entry.execArgv, env });
    this.exited = new Promise<JobOutcome>((resolve) => {
      this.worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'done') this.settle({ kind: 'done', result: msg.result });
        else if (msg.type === 'error') this.settle({ kind: 'error', message: msg.message });
        else events.message(msg);
      });
      this.worker.on('error', (err) => this.settle({ kind: 'error', message: err.message }));
      this.worker.on('exit', (code) => {
        const outcome = this.outcome ?? { kind: 'crashed', message: `training worker exited with code ${code} before finishing` };
        this.outcome = outcome;
        events.exit(outcome);
        resolve(outcome);
      });
    });
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  /** Asks the method to checkpoint and return; terminates the worker if it has not within `graceMs`. */
  async stop(graceMs: number): Promise<JobOutcome> {
    this.send({ type: 'stop' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
    const first = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') await this.worker.terminate();
    return this.exited;
  }

  /** Hard kill, as a crash would: no checkpoint, no final message. */
  async kill(): Promise<JobOutcome> {
    await this.worker.terminate();
    return this.exited;
  }

  wait(): Promise<JobOutcome> {
    return this.exited;
  }

  private settle(outcome: JobOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    // Everything durable was written before the final message; ending the thread here frees its memory now.
    void this.worker.terminate();
  }
}
