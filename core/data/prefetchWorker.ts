/**
 * Worker-thread side of `WorkerEventLoader`: runs `EventFrameLoader`s off the main thread and posts
 * finished batches (their buffers transferred, not copied). One worker serves several loaders (a
 * run's training and validation sets share it: a V8 isolate costs ~25 MB) and lives as long as they
 * do, so readers, cache handles and optimised code carry over from one epoch to the next. Each epoch
 * (or resumed part of one) is a numbered stream of its loader; starting a stream ends the loader's
 * previous one. Flow control is by credit: the main thread grants one credit per batch it can hold,
 * so at most `prefetch` batches per loader are in flight however slow the consumer is.
 */
import { parentPort } from 'node:worker_threads';
import type { EventDatasetIndex, EventSample } from './eventDatasets';
import { EventFrameLoader, type EpochPlan, type EventLoaderOptions } from './eventLoader';
import { FrameCache } from './frameCache';

export interface PrefetchInit {
  index: EventDatasetIndex;
  samples: EventSample[];
  opts: Omit<EventLoaderOptions, 'cache'>;
  cacheDir?: string;
}

export type PrefetchRequest =
  | { type: 'attach'; loader: number; init: PrefetchInit }
  | { type: 'detach'; loader: number }
  | { type: 'start'; loader: number; stream: number; epoch: number; plan: EpochPlan; credits: number }
  | { type: 'credit'; loader: number; stream: number; n: number }
  | { type: 'cancel'; loader: number; stream: number }
  | { type: 'recycle'; loader: number; buffer: ArrayBuffer };

export type PrefetchMessage =
  | { type: 'batch'; loader: number; stream: number; x: Float32Array; shape: [number, number, number, number, number]; labels: Int32Array; indices: number[]; batch: number; prepMs: number; cacheHits: number; cacheMisses: number }
  | { type: 'done'; loader: number; stream: number }
  | { type: 'error'; loader: number; stream: number; message: string; name: string; file?: string };

interface Served {
  loader: EventFrameLoader;
  position: Map<EventSample, number>;
  current: number;
  credits: number;
  wake: (() => void) | undefined;
  // A loader's streams run one after another so two never share its reader or double its memory.
  running: Promise<void>;
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('prefetchWorker must run in a worker thread');
  const served = new Map<number, Served>();

  const run = async (id: number, s: Served, stream: number, epoch: number, plan: EpochPlan): Promise<void> => {
    if (stream !== s.current) return;
    try {
      for await (const b of s.loader.epoch(epoch, plan)) {
        while (s.credits === 0 && stream === s.current) await new Promise<void>((r) => (s.wake = r));
        if (stream !== s.current) return;
        s.credits--;
        const msg: PrefetchMessage = {
          type: 'batch',
          loader: id,
          stream,
          x: b.x,
          shape: b.shape,
          labels: b.labels,
          indices: b.samples.map((x) => s.position.get(x) as number),
          batch: b.batch,
          prepMs: b.prepMs,
          cacheHits: b.cacheHits,
          cacheMisses: b.cacheMisses,
        };
        port.postMessage(msg, [b.x.buffer as ArrayBuffer, b.labels.buffer as ArrayBuffer]);
      }
      if (stream === s.current) port.postMessage({ type: 'done', loader: id, stream } satisfies PrefetchMessage);
    } catch (e) {
      const err = e as Error & { file?: string };
      if (stream === s.current) port.postMessage({ type: 'error', loader: id, stream, message: err.message, name: err.name, file: err.file } satisfies PrefetchMessage);
    }
  };

  port.on('message', (m: PrefetchRequest) => {
    if (m.type === 'attach') {
      const { index, samples, opts, cacheDir } = m.init;
      // One batch prepared ahead inside the worker is enough: the main thread's credits are the queue.
      const loader = new EventFrameLoader(index, samples, { ...opts, prefetch: 1, cache: cacheDir ? new FrameCache(cacheDir) : undefined });
      served.set(m.loader, { loader, position: new Map(samples.map((x, i) => [x, i])), current: -1, credits: 0, wake: undefined, running: Promise.resolve() });
      return;
    }
    const s = served.get(m.loader);
    if (!s) return;
    if (m.type === 'recycle') {
      s.loader.recycle(m.buffer);
      return;
    }
    if (m.type === 'detach') {
      s.current = -1;
      served.delete(m.loader);
    } else if (m.type === 'start') {
      s.current = m.stream;
      s.credits = m.credits;
      const { loader, stream, epoch, plan } = m;
      s.running = s.running.then(() => run(loader, s, stream, epoch, plan));
    } else if (m.type === 'credit') {
      if (m.stream === s.current) s.credits += m.n;
    } else if (m.stream === s.current) {
      s.current = -1;
    }
    s.wake?.();
  });
}

main();
