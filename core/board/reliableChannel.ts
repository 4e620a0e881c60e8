/**
 * Reliable control channel over frames (Go-Back-N with a reply cache).
 *
 * Host (ReliableRequester): up to `window` requests in flight, each with a 16-bit seq. Every
 * request gets exactly one reply frame (FLAG_REPLY, same seq): typed data, ACK, or NAK. A request
 * without a reply after its retransmission timeout (RTO) is sent again with the RTO doubled (binary
 * exponential backoff, capped); after `maxRetries` the request and everything behind it fail with
 * BOARD_TIMEOUT.
 *
 * Board (ReliableResponder): executes requests strictly in seq order, so a reply for seq s is a
 * cumulative acknowledgement of everything up to s. A request ahead of the expected seq (one was
 * lost) is discarded and answered with a standalone ACK naming the last in-order seq, which makes
 * the host retransmit at once instead of waiting for its timer. A request already executed (its
 * reply was lost, or the link duplicated it) is answered from a cache of recent replies and not
 * executed again, so every request is idempotent on the wire. HELLO is always accepted and starts
 * a new session at its seq.
 */
import { BoardError } from './errors';
import { FLAG_REPLY, FLAG_REQUEST, type Frame } from './frame';
import { decodeNak, encodeNak, MSG, msgName, nakName, NAK_CODES, type NakName } from './messages';
import { seqAdd, seqDiff } from './seq';

export type SendFrame = (type: number, flags: number, seq: number, payload: Uint8Array) => void;

export interface RequesterOptions {
  window: number;
  initialRtoMs: number;
  maxRtoMs: number;
  maxRetries: number;
  /** First seq; random by default so a stale reply from an earlier session is not mistaken. */
  initialSeq?: number;
}

export const DEFAULT_REQUESTER_OPTIONS: RequesterOptions = { window: 8, initialRtoMs: 100, maxRtoMs: 2000, maxRetries: 10 };

export interface RequesterStats {
  requests: number;
  retransmits: number;
  fastRetransmits: number;
  naks: number;
  staleReplies: number;
}

interface Outstanding {
  seq: number;
  type: number;
  payload: Uint8Array;
  tries: number;
  rto: number;
  lastSent: number;
  timer: NodeJS.Timeout | null;
  resolve: (f: Frame) => void;
  reject: (e: Error) => void;
}

interface Queued {
  type: number;
  payload: Uint8Array;
  resolve: (f: Frame) => void;
  reject: (e: Error) => void;
}

export class ReliableRequester {
  readonly stats: RequesterStats = { requests: 0, retransmits: 0, fastRetransmits: 0, naks: 0, staleReplies: 0 };
  private nextSeq: number;
  private readonly inFlight = new Map<number, Outstanding>();
  private readonly queue: Queued[] = [];
  private failed: Error | null = null;
  private window: number;

  constructor(
    private readonly send: SendFrame,
    private readonly opts: RequesterOptions = DEFAULT_REQUESTER_OPTIONS,
  ) {
    this.nextSeq = (opts.initialSeq ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
    this.window = opts.window;
  }

  /** Narrows the window to what the board advertised in HELLO. */
  setWindow(n: number): void {
    this.window = Math.max(1, Math.min(n, this.opts.window));
    this.pump();
  }

  get pending(): number {
    return this.inFlight.size + this.queue.length;
  }

  /** Sends a request; resolves with the reply frame (typed or ACK), rejects on NAK or timeout. */
  request(type: number, payload: Uint8Array): Promise<Frame> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<Frame>((resolve, reject) => {
      this.queue.push({ type, payload, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length && this.inFlight.size < this.window) {
      const q = this.queue.shift() as Queued;
      const seq = this.nextSeq;
      this.nextSeq = seqAdd(seq, 1);
      const o: Outstanding = { seq, type: q.type, payload: q.payload, tries: 0, rto: this.opts.initialRtoMs, lastSent: 0, timer: null, resolve: q.resolve, reject: q.reject };
      this.inFlight.set(seq, o);
      this.stats.requests++;
      this.transmit(o);
    }
  }

  private transmit(o: Outstanding): void {
    o.tries++;
    o.lastSent = performance.now();
    if (o.timer) clearTimeout(o.timer);
    o.timer = setTimeout(() => this.onTimeout(o), o.rto);
    this.send(o.type, FLAG_REQUEST, o.seq, o.payload);
  }

  private onTimeout(o: Outstanding): void {
    o.timer = null;
    if (!this.inFlight.has(o.seq)) return;
    if (o.tries > this.opts.maxRetries) {
      this.fail(new BoardError('BOARD_TIMEOUT', `no reply to ${msgName(o.type)} after ${o.tries} tries`));
      return;
    }
    o.rto = Math.min(o.rto * 2, this.opts.maxRtoMs);
    this.stats.retransmits++;
    this.transmit(o);
  }

  /** Consumes reply frames and standalone ACKs; returns false for frames of other channels. */
  handleFrame(f: Frame): boolean {
    if (f.flags & FLAG_REPLY) {
      const o = this.inFlight.get(f.seq);
      if (!o) {
        this.stats.staleReplies++;
        return true;
      }
      this.settle(o, f);
      // Everything before f.seq was executed; a missing reply there was lost, so ask again now
      // (the board answers from its cache) instead of waiting for the timer.
      for (const e of [...this.inFlight.values()]) if (seqDiff(e.seq, f.seq) < 0) this.fastRetransmit(e);
      this.pump();
      return true;
    }
    if (f.type === MSG.ACK && !(f.flags & FLAG_REQUEST)) {
      // Standalone cumulative ACK: the board is waiting for the request after f.seq.
      for (const e of [...this.inFlight.values()]) this.fastRetransmit(e);
      return true;
    }
    return false;
  }

  private fastRetransmit(o: Outstanding): void {
    // At most once per quarter RTO: a burst of discarded requests produces a burst of ACKs.
    if (performance.now() - o.lastSent < o.rto / 4) return;
    this.stats.fastRetransmits++;
    this.transmit(o);
  }

  private settle(o: Outstanding, f: Frame): void {
    this.inFlight.delete(o.seq);
    if (o.timer) clearTimeout(o.timer);
    if (f.type === MSG.NAK) {
      this.stats.naks++;
      let name = 'BAD_MESSAGE';
      let text: string;
      try {
        const n = decodeNak(f.payload);
        name = nakName(n.code);
        text = n.message;
      } catch {
        text = 'unreadable NAK payload';
      }
      o.reject(new BoardError('BOARD_NAK', `board refused ${msgName(o.type)}: ${name}${text ? ` (${text})` : ''}`, name));
    } else o.resolve(f);
  }

  /** Fails every outstanding and queued request (link closed, timeout) and refuses new ones. */
  fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    for (const o of this.inFlight.values()) {
      if (o.timer) clearTimeout(o.timer);
      o.reject(err);
    }
    this.inFlight.clear();
    for (const q of this.queue.splice(0)) q.reject(err);
  }
}

/** What a board-side handler returns for one request. */
export interface Reply {
  type: number;
  payload: Uint8Array;
}

export class NakError extends Error {
  readonly code = 'BOARD_NAK';
  constructor(
    readonly nak: NakName,
    message: string,
  ) {
    super(message);
    this.name = 'NakError';
  }
}

export interface ResponderStats {
  executed: number;
  duplicates: number;
  outOfOrder: number;
}

export class ReliableResponder {
  readonly stats: ResponderStats = { executed: 0, duplicates: 0, outOfOrder: 0 };
  /** Seq of the last executed request; null before the first HELLO. */
  private last: number | null = null;
  private helloSeq: number | null = null;
  private readonly cache = new Map<number, Reply>();

  constructor(
    private readonly send: SendFrame,
    /** Executes one request. Throw NakError to refuse it with a named reason. */
    private readonly handler: (type: number, payload: Uint8Array) => Reply,
    private readonly cacheSize = 32,
  ) {}

  handleFrame(f: Frame): boolean {
    if (!(f.flags & FLAG_REQUEST)) return false;
    // A new session: forget the old sequence space. A repeat of this session's own HELLO (its
    // reply was lost, or the link duplicated it late) is a duplicate like any other, answered from
    // the cache, so it cannot rewind a session that has moved on.
    if (f.type === MSG.HELLO && !(f.seq === this.helloSeq && this.cache.has(f.seq))) {
      this.cache.clear();
      this.last = seqAdd(f.seq, -1);
      this.helloSeq = f.seq;
    }
    if (this.last === null) {
      this.reply(f.seq, this.nak(f.type, 'BAD_STATE', 'send HELLO first'));
      return true;
    }
    const d = seqDiff(f.seq, this.last);
    if (d === 1) {
      const r = this.execute(f);
      this.last = f.seq;
      this.cache.set(f.seq, r);
      this.cache.delete(seqAdd(f.seq, -this.cacheSize));
      this.stats.executed++;
      this.reply(f.seq, r);
    } else if (d <= 0) {
      this.stats.duplicates++;
      const cached = this.cache.get(f.seq);
      if (cached) this.reply(f.seq, cached);
      else this.send(MSG.ACK, 0, this.last, new Uint8Array(0));
    } else {
      this.stats.outOfOrder++;
      this.send(MSG.ACK, 0, this.last, new Uint8Array(0));
    }
    return true;
  }

  private execute(f: Frame): Reply {
    try {
      return this.handler(f.type, f.payload);
    } catch (e) {
      if (e instanceof NakError) return this.nak(f.type, e.nak, e.message);
      if (e instanceof BoardError && e.code === 'BOARD_DECODE') return this.nak(f.type, 'BAD_MESSAGE', e.message);
      // Anything else is a board-side bug: answer it (the host sees a named NAK instead of a
      // timeout) rather than let it escape into the transport's data callback.
      return this.nak(f.type, 'INTERNAL', e instanceof Error ? e.message : String(e));
    }
  }

  private nak(requestType: number, name: NakName, message: string): Reply {
    return { type: MSG.NAK, payload: encodeNak({ code: NAK_CODES[name], requestType, message }) };
  }

  private reply(seq: number, r: Reply): void {
    this.send(r.type, FLAG_REPLY, seq, r.payload);
  }
}
