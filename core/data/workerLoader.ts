/**
 * `EventFrameLoader` in a worker thread, so reading, transforming and framing events never runs on
 * the thread that trains. Same options and batch shape; errors in the worker come back as a
 * DatasetError naming the file.
 *
 * One worker serves every epoch of a loader (`open` starts a stream of batches, and may be called
 * before the batches are wanted, e.g. for the next epoch while the trainer validates), and loaders
 * given the same `DataWorker` share its thread. The worker is unreferenced while nobody waits on it,
 * so a loader that is never closed does not keep the process alive; it ends when its last loader
 * closes.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventDatasetIndex, EventSample } from './eventDatasets';
import type { EpochPlan, EventBatch, EventLoaderOptions } from './eventLoader';
import { DatasetError } from './idx';
import type { PrefetchInit, PrefetchMessage, PrefetchRequest } from './prefetchWorker';

/** Running totals of a worker loader, for logs and benchmarks. */
export interface LoaderStats {
  batches: number;
  /** Worker time spent preparing the delivered batches. */
  prepMs: number;
  /** Time the consumer spent waiting in `next()` for a batch that was not ready yet. */
  waitMs: number;
  cacheHits: number;
  cacheMisses: number;
}

/** The batches of one epoch (or the rest of one), as the worker produces them. */
export class BatchStream {
  private readonly queue: PrefetchMessage[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly owner: WorkerEventLoader,
    readonly id: number,
    readonly epoch: number,
    readonly plan: EpochPlan,
  ) {}

  /** @internal */
  deliver(m: PrefetchMessage): void {
    this.queue.push(m);
    this.wake?.();
  }

  /** @internal */
  fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Batches that arrived and wait for `next()`: at most the loader's `prefetch`. */
  get queued(): number {
    return this.queue.filter((m) => m.type === 'batch').length;
  }

  /** The next batch, or null when the epoch is over. */
  async next(): Promise<EventBatch | null> {
    if (this.ended) return null;
    const t0 = performance.now();
    while (this.queue.length === 0 && !this.failure) {
      this.owner.hold(true);
      try {
        await new Promise<void>((r) => (this.wake = r));
      } finally {
        this.wake = undefined;
        this.owner.hold(false);
      }
    }
    this.owner.stats.waitMs += performance.now() - t0;
    const m = this.queue.shift();
    if (!m) {
      this.ended = true;
      throw this.failure;
    }
    if (m.type === 'done') {
      this.ended = true;
      return null;
    }
    if (m.type === 'error') {
      this.ended = true;
      throw new DatasetError(m.file ?? this.owner.index.root, m.message.replace(/^.*?: /, ''));
    }
    this.owner.credit(this.id);
    const s = this.owner.stats;
    s.batches++;
    s.prepMs += m.prepMs;
    s.cacheHits += m.cacheHits;
    s.cacheMisses += m.cacheMisses;
    return { x: m.x, shape: m.shape, labels: m.labels, samples: m.indices.map((i) => this.owner.samples[i]), batch: m.batch, prepMs: m.prepMs, cacheHits: m.cacheHits, cacheMisses: m.cacheMisses };
  }

  /** Stops the worker producing this stream's batches; queued ones are dropped. */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.owner.cancel(this.id);
  }
}

/** One worker thread shared by several loaders; it starts with the first and ends with the last. */
export class DataWorker {
  private worker: Worker | undefined;
  private readonly loaders = new Map<number, WorkerEventLoader>();
  private nextId = 1;
  private holds = 0;
  private crashed: Error | undefined;

  /** @internal */
  attach(loader: WorkerEventLoader, init: PrefetchInit): number {
    const id = this.nextId++;
    this.loaders.set(id, loader);
    this.post({ type: 'attach', loader: id, init });
    return id;
  }

  /** @internal */
  async detach(id: number): Promise<void> {
    if (!this.loaders.delete(id)) return;
    this.worker?.postMessage({ type: 'detach', loader: id } satisfies PrefetchRequest);
    if (this.loaders.size === 0) {
      const w = this.worker;
      this.worker = undefined;
      if (w) await w.terminate();
    }
  }

  /** @internal */
  post(msg: PrefetchRequest, transfer: ArrayBuffer[] = []): void {
    // Only attaching starts a thread: a late cancel or credit must not revive one that ended.
    const w = msg.type === 'attach' ? this.start() : this.worker;
    w?.postMessage(msg, transfer);
  }

  /** The error that ended the thread, if it ended. */
  get failure(): Error | undefined {
    return this.crashed;
  }

  /** @internal keeps the process alive exactly while someone awaits a batch */
  hold(on: boolean): void {
    this.holds += on ? 1 : -1;
    if (!this.worker) return;
    if (this.holds > 0) this.worker.ref();
    else this.worker.unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Compiled builds run the .js beside this file; sources (tests, tsx) run the .ts through tsx.
    const ext = extname(__filename);
    const entry = join(__dirname, `prefetchWorker${ext}`);
    // From sources, the worker registers tsx's CommonJS hook first (tsx is a dev dependency, present
    // wherever sources run); `--import tsx` in execArgv is not honoured by workers on Node 20.
    const worker = ext === '.ts' ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, { eval: true }) : new Worker(entry);
    worker.unref();
    worker.on('message', (m: PrefetchMessage) => this.loaders.get(m.loader)?.deliver(m));
    const crash = (e: Error): void => {
      this.crashed ??= e;
      for (const l of this.loaders.values()) l.fail(e);
    };
    worker.on('error', crash);
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = undefined;
        crash(new Error(`data worker exited with code ${code}`));
      }
    });
    this.worker = worker;
    return worker;
  }
}

export class WorkerEventLoader {
  readonly stats: LoaderStats = { batches: 0, prepMs: 0, waitMs: 0, cacheHits: 0, cacheMisses: 0 };
  private active: BatchStream | undefined;
  private nextStream = 1;
  private id: number | undefined;
  private readonly host: DataWorker;

  constructor(
    readonly index: EventDatasetIndex,
    readonly samples: readonly EventSample[],
    readonly opts: Omit<EventLoaderOptions, 'cache'> & { cacheDir?: string },
    /** The thread to run in; default one of its own. */
    host?: DataWorker,
  ) {
    if (!(Number.isInteger(opts.batchSize) && opts.batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    this.host = host ?? new DataWorker();
  }

  get batchCount(): number {
    const n = this.samples.length / this.opts.batchSize;
    return this.opts.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Starts producing batches of `epoch` as `plan` says; ends the stream opened before, if any. */
  open(epoch = 0, plan: EpochPlan = {}): BatchStream {
    if (this.id === undefined) {
      const { cacheDir, ...opts } = this.opts;
      this.id = this.host.attach(this, { index: this.index, samples: [...this.samples], opts, cacheDir });
    }
    this.active?.cancel();
    const stream = new BatchStream(this, this.nextStream++, epoch, plan);
    this.active = stream;
    if (this.host.failure) stream.fail(this.host.failure);
    // Orders travel as a typed array: one copy, not a structured clone of a JS array.
    const order = plan.order ? Uint32Array.from(plan.order) : undefined;
    this.host.post({ type: 'start', loader: this.id, stream: stream.id, epoch, plan: { ...plan, order }, credits: Math.max(1, this.opts.prefetch ?? 2) });
    return stream;
  }

  async *epoch(epoch = 0, plan: EpochPlan = {}): AsyncGenerator<EventBatch> {
    const stream = this.open(epoch, plan);
    try {
      for (let b = await stream.next(); b; b = await stream.next()) yield b;
    } finally {
      stream.cancel();
    }
  }

  async close(): Promise<void> {
    this.active?.cancel();
    this.active = undefined;
    const id = this.id;
    this.id = undefined;
    if (id !== undefined) await this.host.detach(id);
  }

  /**
   * Gives a delivered batch's `x` back to the worker to fill again (moved, not copied: `x` is empty
   * afterwards). Only for a consumer that holds no other reference to it.
   */
  recycle(x: Float32Array): void {
    const buffer = x.buffer as ArrayBuffer;
    if (this.id !== undefined && buffer.byteLength > 0) this.host.post({ type: 'recycle', loader: this.id, buffer }, [buffer]);
  }

  /** @internal */
  deliver(m: PrefetchMessage): void {
    if (this.active?.id === m.stream) this.active.deliver(m);
  }

  /** @internal */
  fail(e: Error): void {
    this.active?.fail(e);
  }

  /** @internal one more batch may be sent on `stream` */
  credit(stream: number): void {
    if (this.id !== undefined) this.host.post({ type: 'credit', loader: this.id, stream, n: 1 });
  }

  /** @internal */
  cancel(stream: number): void {
    if (this.active?.id === stream) this.active = undefined;
    if (this.id !== undefined) this.host.post({ type: 'cancel', loader: this.id, stream });
  }

  /** @internal */
  hold(on: boolean): void {
    this.host.hold(on);
  }
}
