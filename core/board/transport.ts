/**
 * The byte-stream contract every link implements (in-memory pair, lossy shaper, baud-limited
 * model, serial port), so the client, the emulator and the conformance tests never know which one
 * they run over.
 */
export interface Transport {
  /** Queues bytes for the peer; never blocks. Writing after close is ignored. */
  write(bytes: Uint8Array): void;
  /** Subscribes to received chunks (arbitrary boundaries); returns an unsubscribe function. */
  onData(cb: (chunk: Uint8Array) => void): () => void;
  /** Called once when the link closes (local close, peer gone, unplug). */
  onClose(cb: (reason: Error | null) => void): () => void;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Shared listener bookkeeping for transports. */
export class TransportEvents {
  private readonly dataCbs = new Set<(chunk: Uint8Array) => void>();
  private readonly closeCbs = new Set<(reason: Error | null) => void>();
  closed = false;

  onData(cb: (chunk: Uint8Array) => void): () => void {
    this.dataCbs.add(cb);
    return () => this.dataCbs.delete(cb);
  }
  onClose(cb: (reason: Error | null) => void): () => void {
    if (this.closed) {
      queueMicrotask(() => cb(null));
      return () => {};
    }
    this.closeCbs.add(cb);
    return () => this.closeCbs.delete(cb);
  }
  emitData(chunk: Uint8Array): void {
    if (this.closed) return;
    for (const cb of [...this.dataCbs]) cb(chunk);
  }
  emitClose(reason: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    const cbs = [...this.closeCbs];
    this.closeCbs.clear();
    this.dataCbs.clear();
    for (const cb of cbs) cb(reason);
  }
}
