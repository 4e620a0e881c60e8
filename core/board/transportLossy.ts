/**
 * Link shaper for fault injection: wraps a transport and, with a seeded RNG, drops, duplicates or
 * corrupts (one bit flipped) each written chunk with given probabilities, optionally also per byte.
 * Seeded so a failing run can be replayed exactly.
 */
import { Rng } from '../snn/rng';
import type { Transport } from './transport';

export interface LossyOptions {
  seed: number;
  /** Per written chunk (one frame for the channel code). */
  drop?: number;
  duplicate?: number;
  flip?: number;
  /** Per byte: drop the byte / flip one of its bits. */
  byteDrop?: number;
  byteFlip?: number;
}

export interface LossyStats {
  chunks: number;
  dropped: number;
  duplicated: number;
  flipped: number;
  bytesDropped: number;
  bytesFlipped: number;
}

export class LossyTransport implements Transport {
  readonly stats: LossyStats = { chunks: 0, dropped: 0, duplicated: 0, flipped: 0, bytesDropped: 0, bytesFlipped: 0 };
  private readonly rng: Rng;

  constructor(
    private readonly inner: Transport,
    private readonly opts: LossyOptions,
  ) {
    this.rng = new Rng(opts.seed);
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  write(bytes: Uint8Array): void {
    this.stats.chunks++;
    const o = this.opts;
    if (o.drop && this.rng.next() < o.drop) {
      this.stats.dropped++;
      return;
    }
    let out = bytes;
    if (o.flip && this.rng.next() < o.flip && out.length > 0) {
      out = out.slice();
      out[this.rng.nextU32() % out.length] ^= 1 << (this.rng.nextU32() & 7);
      this.stats.flipped++;
    }
    if (o.byteDrop || o.byteFlip) out = this.perByte(out);
    this.inner.write(out);
    if (o.duplicate && this.rng.next() < o.duplicate) {
      this.stats.duplicated++;
      this.inner.write(out);
    }
  }

  private perByte(bytes: Uint8Array): Uint8Array {
    const kept: number[] = [];
    for (const b of bytes) {
      if (this.opts.byteDrop && this.rng.next() < this.opts.byteDrop) {
        this.stats.bytesDropped++;
        continue;
      }
      if (this.opts.byteFlip && this.rng.next() < this.opts.byteFlip) {
        this.stats.bytesFlipped++;
        kept.push(b ^ (1 << (this.rng.nextU32() & 7)));
      } else kept.push(b);
    }
    return Uint8Array.from(kept);
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.inner.onData(cb);
  }
  onClose(cb: (reason: Error | null) => void): () => void {
    return this.inner.onClose(cb);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
