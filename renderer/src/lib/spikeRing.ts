/**
 * Fixed-capacity ring of spike events for the raster view.
 *
 * Spikes arrive as one SpikeSnapshot per sampled batch (times relative to that sample). The ring
 * lays snapshots side by side on one growing column axis, so the raster can show the recent
 * history as a strip. Storage is two preallocated Int32Arrays: pushing never allocates, and the
 * data stays out of Vue reactivity (a reactive array of 100k spikes would cost a proxy per read).
 */
export interface SpikeWindow {
  /** First column (inclusive) and last column (exclusive) held in the window. */
  colStart: number;
  colEnd: number;
}

export interface SnapshotMark {
  /** Column at which the snapshot starts. */
  col: number;
  epoch: number;
  step: number;
  truncated: boolean;
}

export class SpikeRing {
  readonly capacity: number;
  private readonly cols: Int32Array;
  private readonly ids: Int32Array;
  /** Index of the oldest spike and number held. */
  private head = 0;
  private count = 0;
  /** Total columns pushed so far; the next snapshot starts here. */
  private nextCol = 0;
  private readonly marks: SnapshotMark[] = [];
  private readonly maxMarks: number;
  neurons = 0;
  timesteps = 0;
  /** Bumped on every change so a renderer can skip redraws of unchanged data. */
  revision = 0;
  totalSpikes = 0;

  constructor(capacity: number, maxMarks = 256) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`Expected a positive integer capacity but received ${capacity}`);
    this.capacity = capacity;
    this.cols = new Int32Array(capacity);
    this.ids = new Int32Array(capacity);
    this.maxMarks = maxMarks;
  }

  get size(): number {
    return this.count;
  }

  /** Column one past the newest snapshot. */
  get endCol(): number {
    return this.nextCol;
  }

  get snapshotMarks(): readonly SnapshotMark[] {
    return this.marks;
  }

  /**
   * Appends one snapshot. Times outside [0, timesteps) are dropped rather than trusted, since a
   * bad column would corrupt the strip layout of every later snapshot.
   */
  pushSnapshot(s: { times: ArrayLike<number>; ids: ArrayLike<number>; timesteps: number; neurons: number; epoch: number; step: number; truncated: boolean }): void {
    const base = this.nextCol;
    const n = Math.min(s.times.length, s.ids.length);
    for (let i = 0; i < n; i++) {
      const t = s.times[i];
      const id = s.ids[i];
      if (!(t >= 0 && t < s.timesteps) || !(id >= 0 && id < s.neurons)) continue;
      const slot = (this.head + this.count) % this.capacity;
      this.cols[slot] = base + (t | 0);
      this.ids[slot] = id | 0;
      if (this.count < this.capacity) this.count++;
      else this.head = (this.head + 1) % this.capacity;
      this.totalSpikes++;
    }
    this.marks.push({ col: base, epoch: s.epoch, step: s.step, truncated: s.truncated });
    if (this.marks.length > this.maxMarks) this.marks.shift();
    this.nextCol = base + s.timesteps;
    this.neurons = Math.max(this.neurons, s.neurons);
    this.timesteps = s.timesteps;
    this.revision++;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.nextCol = 0;
    this.marks.length = 0;
    this.neurons = 0;
    this.timesteps = 0;
    this.totalSpikes = 0;
    this.revision++;
  }

  /**
   * Calls fn for every held spike with col in [colStart, colEnd), oldest first. Returns the count
   * visited. A callback (not an array) keeps the hot draw loop allocation-free.
   */
  forEachInWindow(win: SpikeWindow, fn: (col: number, id: number) => void): number {
    let visited = 0;
    const cap = this.capacity;
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head + k) % cap;
      const c = this.cols[slot];
      if (c < win.colStart || c >= win.colEnd) continue;
      fn(c, this.ids[slot]);
      visited++;
    }
    return visited;
  }

  /**
   * Direct view of the storage for hot loops that cannot afford a callback per spike: held spikes
   * are slots head..head+size-1 modulo capacity, oldest first. Read-only by convention.
   */
  raw(): { cols: Int32Array; ids: Int32Array; head: number; size: number } {
    return { cols: this.cols, ids: this.ids, head: this.head, size: this.count };
  }

  /**
   * The window of `columns` columns ending at the newest snapshot. Until that many columns exist
   * the window starts at 0 and the strip fills from the left, so early samples keep the same
   * scale as later ones instead of being stretched across the whole view.
   */
  latestWindow(columns: number): SpikeWindow {
    const colEnd = Math.max(this.nextCol, columns);
    return { colStart: colEnd - columns, colEnd };
  }
}
