/**
 * Worker-thread entry for one training run. Thin: wires worker_threads to a TrainSession.
 * Loaded as compiled JS (out/node/core/lab/trainWorker.js) or, from sources, through tsx.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from './threadPriority';
import { TrainSession, loadTrainMethod } from './trainSession';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('trainWorker must run in a worker thread');
  // Before any kernel loads: the pool and BLAS threads it starts inherit this priority.
  lowerThreadPriority();
  const init = workerData as WorkerInit;
  const post = (msg: FromWorker): void => port.postMessage(msg);
  const session = new TrainSession(init, post);
  port.on('message', (msg: ToWorker) => session.handle(msg));
  let method;
  try {
    // The registry is chosen at run time (built-in or a test/plugin module), so it is loaded by path,
    // resolved relative to this file in both the compiled and the tsx-loaded layout.
    const load = createRequire(__filename);
    method = loadTrainMethod(init.methodModule, init.config.method, (id) => load(id));
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  void session.run(method);
}

main();
