/**
 * In-memory transport pair: what one end writes, the other receives on a later macrotask
 * (setImmediate), so neither side's handlers re-enter each other synchronously, as on a real link.
 */
import { TransportEvents, type Transport } from './transport';

class MemoryEnd implements Transport {
  readonly events = new TransportEvents();
  peer: MemoryEnd | null = null;
  private pending: Uint8Array[] = [];
  private scheduled = false;

  get closed(): boolean {
    return this.events.closed;
  }
  write(bytes: Uint8Array): void {
    const peer = this.peer;
    if (this.closed || !peer || peer.closed) return;
    // Copy: the caller may reuse its buffer.
    peer.enqueue(bytes.slice());
  }
  private enqueue(chunk: Uint8Array): void {
    this.pending.push(chunk);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const chunks = this.pending;
      this.pending = [];
      for (const c of chunks) this.events.emitData(c);
    });
  }
  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.events.onData(cb);
  }
  onClose(cb: (reason: Error | null) => void): () => void {
    return this.events.onClose(cb);
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.events.emitClose(null);
    // The peer sees the link go away, as a serial peer sees a hang-up.
    const peer = this.peer;
    if (peer && !peer.closed) setImmediate(() => peer.events.emitClose(new Error('peer closed the link')));
  }
}

export function createMemoryPair(): [Transport, Transport] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
