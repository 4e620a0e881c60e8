/**
 * Best-effort spike channel. Frames carry FLAG_SPIKE and their own 16-bit seq; nothing is
 * retransmitted (a late spike is worthless in a tick-synchronous run), but the receiver counts
 * gaps and duplicates by seq so a lossy link shows up in the counters instead of silently.
 *
 * Flow control is by credit: the board advertises `creditSeq`, the highest SPIKE_IN seq its input
 * buffer can take (last consumed seq + buffer size), in the RUN reply, every TICK_END and STATUS.
 * Credit is absolute, not incremental, so a lost TICK_END costs nothing: the next one carries it.
 */
import { FLAG_MORE, FLAG_SPIKE } from './frame';
import { encodeSpikeBatch, MSG, type SpikeBatch } from './messages';
import type { SendFrame } from './reliableChannel';
import { seqAdd, seqDiff } from './seq';

export interface SpikeReceiverStats {
  frames: number;
  gaps: number;
  duplicates: number;
}

/** Tracks an incoming spike stream's seq: accepts new frames, counts missing and repeated ones. */
export class SpikeSeqTracker {
  readonly stats: SpikeReceiverStats = { frames: 0, gaps: 0, duplicates: 0 };
  private expected: number;

  constructor(first = 0) {
    this.expected = first & 0xffff;
  }

  reset(first = 0): void {
    this.expected = first & 0xffff;
  }

  /** Seq of the next frame expected. */
  get next(): number {
    return this.expected;
  }

  /** True when the frame is new (in order or after a gap); false for duplicates/stale frames. */
  accept(seq: number): boolean {
    const d = seqDiff(seq, this.expected);
    if (d < 0) {
      this.stats.duplicates++;
      return false;
    }
    this.stats.gaps += d;
    this.stats.frames++;
    this.expected = seqAdd(seq, 1);
    return true;
  }
}

export interface SpikeSenderOptions {
  /** Largest SPIKE_IN payload; batches are split with FLAG_MORE to fit. */
  maxPayload: number;
  /** Called when the sender has waited this long for credit (to poll STATUS). */
  stallMs: number;
  onStall: () => void;
}

/** Host side of SPIKE_IN: splits batches to the frame limit and waits for credit before sending. */
export class SpikeSender {
  private seq = 0;
  private creditSeq = -1;
  private waiters: (() => void)[] = [];
  sentFrames = 0;
  stalls = 0;

  constructor(
    private readonly send: SendFrame,
    private readonly opts: SpikeSenderOptions,
  ) {}

  /** A new run: seq restarts at 0 and the credit is what the RUN reply granted. */
  start(creditSeq: number): void {
    this.seq = 0;
    this.creditSeq = creditSeq;
    this.wake();
  }

  updateCredit(creditSeq: number): void {
    // Credit only grows; a stale (reordered or duplicated) grant must not shrink it.
    if (this.creditSeq < 0 || seqDiff(creditSeq, this.creditSeq) > 0) this.creditSeq = creditSeq;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private hasCredit(): boolean {
    return this.creditSeq >= 0 && seqDiff(this.seq, this.creditSeq) <= 0;
  }

  private async waitCredit(signal: { aborted: boolean }): Promise<void> {
    while (!this.hasCredit()) {
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.stalls++;
          this.opts.onStall();
          resolve();
        }, this.opts.stallMs);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends one tick's input events; resolves once every frame of it is on the wire. */
  async sendTick(batch: SpikeBatch, signal: { aborted: boolean } = { aborted: false }): Promise<void> {
    const per = Math.max(1, Math.floor((this.opts.maxPayload - 7) / 2));
    const ids = batch.ids;
    let start = 0;
    do {
      const end = Math.min(ids.length, start + per);
      await this.waitCredit(signal);
      if (signal.aborted) return;
      const more = end < ids.length;
      this.send(MSG.SPIKE_IN, FLAG_SPIKE | (more ? FLAG_MORE : 0), this.seq, encodeSpikeBatch({ tick: batch.tick, layer: 0, ids: ids.subarray(start, end) }));
      this.seq = seqAdd(this.seq, 1);
      this.sentFrames++;
      start = end;
    } while (start < ids.length);
  }

  /** Releases waiters (run ended or link closed). */
  cancel(): void {
    this.wake();
  }
}
