/**
 * `EventFrameLoader` in a worker thread, so reading, transforming and framing events never runs on
 * the thread that trains. Same options and batch shape; errors in the worker come back as a
 * DatasetError naming the file.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventDatasetIndex, EventSample } from './eventDatasets';
import type { EventBatch, EventLoaderOptions } from './eventLoader';
import { DatasetError } from './idx';
import type { PrefetchInit, PrefetchMessage } from './prefetchWorker';

export class WorkerEventLoader {
  constructor(
    readonly index: EventDatasetIndex,
    readonly samples: readonly EventSample[],
    readonly opts: Omit<EventLoaderOptions, 'cache'> & { cacheDir?: string },
  ) {}

  async *epoch(epoch = 0): AsyncGenerator<EventBatch> {
    // Compiled builds run the .js beside this file; sources (tests, tsx) run the .ts through tsx.
    const ext = extname(__filename);
    const entry = join(__dirname, `prefetchWorker${ext}`);
    const { cacheDir, ...opts } = this.opts;
    const init: PrefetchInit = { index: this.index, samples: [...this.samples], opts, cacheDir, epoch };
    // From sources, the worker registers tsx's CommonJS hook first (tsx is a dev dependency, present
    // wherever sources run); `--import tsx` in execArgv is not honoured by workers on Node 20.
    const worker =
      ext === '.ts'
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, { eval: true, workerData: init })
        : new Worker(entry, { workerData: init });
    const queue: PrefetchMessage[] = [];
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    worker.on('message', (m: PrefetchMessage) => {
      queue.push(m);
      wake?.();
    });
    worker.on('error', (e) => {
      failure = e;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (code !== 0 && !failure) failure = new Error(`data worker exited with code ${code}`);
      wake?.();
    });
    worker.postMessage({ type: 'credit', n: Math.max(1, opts.prefetch ?? 2) });
    try {
      for (;;) {
        while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
        const m = queue.shift();
        if (!m) throw failure;
        if (m.type === 'done') return;
        if (m.type === 'error') throw new DatasetError(m.file ?? this.index.root, m.message.replace(/^.*?: /, ''));
        worker.postMessage({ type: 'credit', n: 1 });
        yield { x: m.x, shape: m.shape, labels: m.labels, samples: m.indices.map((i) => this.samples[i]) };
      }
    } finally {
      await worker.terminate();
    }
  }
}
