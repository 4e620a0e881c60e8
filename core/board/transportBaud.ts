/**
 * Baud-limited link model: a pty or an in-memory pair moves a MiB in milliseconds, so upload times
 * at a real UART rate must be modelled. Each written chunk occupies the line for
 * bytes * bitsPerByte / baud seconds (8N1: 10 bits per byte) after the line is free, and is
 * delivered when its last bit has arrived. `timeScale` < 1 runs the model faster than real time;
 * `modelledSeconds` is always in line time.
 */
import type { Transport } from './transport';

export interface BaudOptions {
  baud: number;
  /** Start + 8 data + stop bits by default. */
  bitsPerByte?: number;
  timeScale?: number;
}

export class BaudLimitedTransport implements Transport {
  /** Line time consumed by writes so far (seconds), independent of timeScale. */
  modelledSeconds = 0;
  bytesWritten = 0;
  private lineFreeAt = 0;
  /** Chunks on the line in order; one timer drains them so delivery order can never change. */
  private readonly queue: { at: number; bytes: Uint8Array }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly inner: Transport,
    private readonly opts: BaudOptions,
  ) {
    inner.onClose(() => this.stop());
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    const seconds = (bytes.length * (this.opts.bitsPerByte ?? 10)) / this.opts.baud;
    this.modelledSeconds += seconds;
    this.bytesWritten += bytes.length;
    const now = performance.now();
    this.lineFreeAt = Math.max(now, this.lineFreeAt) + seconds * 1000 * (this.opts.timeScale ?? 1);
    this.queue.push({ at: this.lineFreeAt, bytes: bytes.slice() });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = performance.now();
      while (this.queue.length && this.queue[0].at <= now + 0.5) this.inner.write((this.queue.shift() as { bytes: Uint8Array }).bytes);
      this.schedule();
    }, Math.max(0, this.queue[0].at - performance.now()));
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.inner.onData(cb);
  }
  onClose(cb: (reason: Error | null) => void): () => void {
    return this.inner.onClose(cb);
  }
  close(): Promise<void> {
    this.stop();
    return this.inner.close();
  }
}
