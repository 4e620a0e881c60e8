/**
 * Latest-wins rate limiter: at most one emit per interval, one pending slot. High-rate producers
 * (a batch every few ms) can never build a queue; the consumer sees the newest value at a bounded rate.
 */
export class Coalescer<T> {
  private last = Number.NEGATIVE_INFINITY;
  private pending: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: T) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  push(value: T): void {
    const t = this.now();
    if (t - this.last >= this.intervalMs && this.timer === null) {
      this.last = t;
      this.pending = null;
      this.emit(value);
      return;
    }
    this.pending = { value };
    if (this.timer === null) {
      const wait = Math.max(0, this.intervalMs - (t - this.last));
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, wait);
      // A pending progress value must not keep a finished worker or process alive.
      this.timer.unref?.();
    }
  }

  /** Emits the pending value now (before blocking on pause, before an epoch record, at the end). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending) {
      const { value } = this.pending;
      this.pending = null;
      this.last = this.now();
      this.emit(value);
    }
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }
}

/** Cuts a raster to `max` events, keeping the earliest (time-ordered input keeps whole early timesteps). */
export function capEvents(times: number[], ids: number[], max: number): { times: number[]; ids: number[]; truncated: boolean } {
  const n = Math.min(times.length, ids.length);
  if (n <= max) return { times: times.slice(0, n), ids: ids.slice(0, n), truncated: times.length !== ids.length };
  return { times: times.slice(0, max), ids: ids.slice(0, max), truncated: true };
}
