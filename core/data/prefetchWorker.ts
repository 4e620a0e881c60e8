/**
 * Worker-thread side of `WorkerEventLoader`: runs an `EventFrameLoader` off the main thread and
 * posts finished batches (their buffers transferred, not copied). Flow control is by credit: the
 * main thread grants one credit per batch it can hold, so at most `prefetch` batches are in flight
 * and memory stays bounded however slow the consumer is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EventDatasetIndex, EventSample } from './eventDatasets';
import { EventFrameLoader, type EventLoaderOptions } from './eventLoader';
import { FrameCache } from './frameCache';

export interface PrefetchInit {
  index: EventDatasetIndex;
  samples: EventSample[];
  opts: Omit<EventLoaderOptions, 'cache'>;
  cacheDir?: string;
  epoch: number;
}

export type PrefetchMessage =
  | { type: 'batch'; x: Float32Array; shape: [number, number, number, number, number]; labels: Int32Array; indices: number[] }
  | { type: 'done' }
  | { type: 'error'; message: string; name: string; file?: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('prefetchWorker must run in a worker thread');
  const init = workerData as PrefetchInit;
  const loader = new EventFrameLoader(init.index, init.samples, { ...init.opts, cache: init.cacheDir ? new FrameCache(init.cacheDir) : undefined });
  const position = new Map(init.samples.map((s, i) => [s, i]));
  let credits = 0;
  let wake: (() => void) | undefined;
  port.on('message', (m: { type: 'credit'; n: number }) => {
    credits += m.n;
    wake?.();
  });
  try {
    for await (const b of loader.epoch(init.epoch)) {
      while (credits === 0) await new Promise<void>((r) => (wake = r));
      credits--;
      const msg: PrefetchMessage = { type: 'batch', x: b.x, shape: b.shape, labels: b.labels, indices: b.samples.map((s) => position.get(s) as number) };
      port.postMessage(msg, [b.x.buffer as ArrayBuffer, b.labels.buffer as ArrayBuffer]);
    }
    port.postMessage({ type: 'done' } satisfies PrefetchMessage);
  } catch (e) {
    const err = e as Error & { file?: string };
    port.postMessage({ type: 'error', message: err.message, name: err.name, file: err.file } satisfies PrefetchMessage);
  }
  port.close();
}

void main();
