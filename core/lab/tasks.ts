/**
 * Short jobs off the service's thread: probing a network, measuring an accuracy curve, quantising
 * for a board, parsing a large event file. Each task runs in a fresh worker thread (so a crash or a
 * runaway parse cannot take the service with it, and `cancel` is a terminate), loading its function
 * from a fixed table of task modules (TASK_MODULES): no caller can make a worker load arbitrary code.
 *
 * A task module exports functions `(args, report) => result | Promise<result>`; `report(progress)`
 * streams structured-cloneable progress to the caller's `onProgress`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../api/contract';

/** Task module id -> path relative to this folder, without extension. */
export const TASK_MODULES = {
  probe: 'probe/tasks',
  methods: 'methods/tasks',
  data: 'data/tasks',
  board: 'board/tasks',
  models: 'models/tasks',
  engine: 'engineTasks',
} as const;

export type TaskModule = keyof typeof TASK_MODULES;

export type TaskReport = (progress: unknown) => void;

export interface TaskInit {
  module: TaskModule;
  fn: string;
  args: unknown;
}

export type TaskMessage = { type: 'progress'; progress: unknown } | { type: 'result'; result: unknown } | { type: 'error'; code: string; message: string };

export interface TaskOptions {
  onProgress?: (progress: unknown) => void;
  /** Terminates the worker and rejects with CONFLICT when aborted. */
  signal?: AbortSignal;
  /** Worker heap cap in MB (default 4096). */
  maxOldGenerationSizeMb?: number;
}

let explicitEntry: string | null = null;

/**
 * Bundled hosts (Electron's main process is one file in out/main) have no taskWorker.js beside this
 * module; they name the compiled one (out/node/core/lab/taskWorker.js) here once at start.
 */
export function setTaskWorkerEntry(filename: string | null): void {
  explicitEntry = filename;
}

function entry(): { filename: string; execArgv: string[] } {
  if (explicitEntry) return { filename: explicitEntry, execArgv: explicitEntry.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [] };
  const js = join(__dirname, 'taskWorker.js');
  if (__filename.endsWith('.js') && existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: join(__dirname, 'taskWorker.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] };
}

/** Runs `fn` of a task module in a worker thread; errors come back as ApiError with the task's code when it is an API code. */
export function runTask<T>(module: TaskModule, fn: string, args: unknown, opts: TaskOptions = {}): Promise<T> {
  const e = entry();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(e.filename, {
      workerData: { module, fn, args } satisfies TaskInit,
      execArgv: e.execArgv,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxOldGenerationSizeMb ?? 4096 },
    });
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = (): void => settle(() => reject(new ApiError('CONFLICT', `${module}.${fn} was cancelled`)));
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) onAbort();
    worker.on('message', (msg: TaskMessage) => {
      if (msg.type === 'progress') opts.onProgress?.(msg.progress);
      else if (msg.type === 'result') settle(() => resolve(msg.result as T));
      else settle(() => reject(new ApiError(isApiCode(msg.code) ? msg.code : 'INTERNAL', msg.message)));
    });
    worker.on('error', (err) => settle(() => reject(new ApiError('INTERNAL', `${module}.${fn} failed: ${err.message}`))));
    worker.on('exit', (code) => settle(() => reject(new ApiError('INTERNAL', `${module}.${fn}: worker exited with code ${code} before answering`))));
  });
}

const API_CODES = new Set(['BAD_REQUEST', 'NOT_FOUND', 'UNKNOWN_PRESET', 'CONFLICT', 'WORKSPACE_UNWRITABLE', 'DATASET_INVALID', 'TRANSPORT', 'INTERNAL']);
function isApiCode(c: string): c is ApiError['code'] {
  return API_CODES.has(c);
}
