/**
 * Parsed recordings of the last few files, so scrubbing and previewing a file parse it once. Bounded
 * both in entries and in bytes (13 bytes an event), least recently used first out; an entry is valid
 * while the file's size and modification time are unchanged. Concurrent loads of one file share one
 * parse.
 */
import type { EventRecording } from '../../data/events/types';

interface Entry {
  key: string;
  rec: EventRecording;
  bytes: number;
}

export class EventCache {
  private readonly entries: Entry[] = [];
  private readonly pending = new Map<string, Promise<EventRecording>>();
  constructor(
    private readonly maxEntries = 4,
    private readonly maxBytes = 768 << 20,
  ) {}

  static key(path: string, size: number, mtimeMs: number): string {
    return `${path}\0${size}\0${mtimeMs}`;
  }

  get(key: string): EventRecording | undefined {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i < 0) return undefined;
    const [e] = this.entries.splice(i, 1);
    this.entries.unshift(e);
    return e.rec;
  }

  /** The cached recording, or the one `load` makes (shared with any load already in flight for `key`). */
  async load(key: string, load: () => Promise<EventRecording>): Promise<EventRecording> {
    const hit = this.get(key);
    if (hit) return hit;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const p = load().then(
      (rec) => {
        this.put(key, rec);
        return rec;
      },
    ).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private put(key: string, rec: EventRecording): void {
    const bytes = rec.t.length * 13;
    if (bytes > this.maxBytes) return;
    this.entries.unshift({ key, rec, bytes });
    let total = this.entries.reduce((a, e) => a + e.bytes, 0);
    while (this.entries.length > this.maxEntries || total > this.maxBytes) total -= this.entries.pop()?.bytes ?? 0;
  }

  get size(): number {
    return this.entries.length;
  }
}
