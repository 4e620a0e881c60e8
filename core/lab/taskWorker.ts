/** Worker-thread entry for core/lab/tasks.ts: loads one function of a fixed task module and runs it once. */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { TASK_MODULES, type TaskInit, type TaskMessage } from './tasks';
import { lowerThreadPriority } from './threadPriority';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('taskWorker must run in a worker thread');
  // Before any kernel loads: the pool and BLAS threads it starts inherit this priority.
  lowerThreadPriority();
  const init = workerData as TaskInit;
  const post = (m: TaskMessage): void => port.postMessage(m);
  try {
    const rel = Object.prototype.hasOwnProperty.call(TASK_MODULES, init.module) ? TASK_MODULES[init.module] : null;
    if (!rel) throw new Error(`unknown task module ${init.module}`);
    const mod = createRequire(__filename)(`./${rel}`) as Record<string, unknown>;
    const fn = Object.prototype.hasOwnProperty.call(mod, init.fn) ? mod[init.fn] : undefined;
    if (typeof fn !== 'function') throw new Error(`task ${init.module}.${init.fn} does not exist`);
    const result: unknown = await (fn as (a: unknown, r: (p: unknown) => void) => unknown)(init.args, (progress) => post({ type: 'progress', progress }));
    post({ type: 'result', result });
  } catch (err) {
    const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'INTERNAL';
    post({ type: 'error', code, message: err instanceof Error ? err.message : String(err) });
  }
}

void main();
