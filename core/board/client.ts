/**
 * Board client (host side): HELLO handshake, upload with progress, verify, commit, and running a
 * sample. Works over any Transport; the board may be real hardware or the emulator.
 *
 * Upload never leaves a half-committed model: everything goes to the board's shadow image, and
 * COMMIT (which names the CRCs of all four regions) is the single atomic switch. A failure at any
 * point before COMMIT leaves the previously active network running unchanged.
 */
import { BoardError } from './errors';
import { FLAG_SPIKE, type Frame } from './frame';
import { buildImage, imageCrcs, type BoardImage } from './image';
import { FrameLink, type LinkStats } from './link';
import {
  decodeCapabilities, decodeCounters, decodeImageCrcs, decodeLog, decodePing, decodeReadbackReply, decodeSpikeBatch, decodeStateReadReply,
  decodeStatus, decodeTickEnd, decodeWeightEndReply, encodeCommit, encodeConfig, encodeHelloRequest, encodeNeuronChunk, encodePing,
  encodeReadbackRequest, encodeRouteChunk, encodeRun, encodeStateReadRequest, encodeStep, encodeVerifyRequest, encodeWeightBegin,
  encodeWeightChunk, MSG, msgName, NEURON_CHUNK_HEADER, PROTOCOL_MAJOR, PROTOCOL_MINOR, ROUTE_ENTRY_BYTES, WEIGHT_CHUNK_HEADER,
  type Bank, type Capabilities, type Counters, type ImageCrcs, type Region, type StateRegion, type Status,
} from './messages';
import { checkCapabilities, networkConfig, type QuantNetwork } from './quantise';
import { DEFAULT_REQUESTER_OPTIONS, ReliableRequester, type RequesterOptions, type RequesterStats } from './reliableChannel';
import { SpikeSender, SpikeSeqTracker } from './spikeChannel';
import type { Transport } from './transport';
import { crc32c } from './crc32c';
import { estimate, type EnergyTableId, type Estimate } from './emulator/energy';
import { argmax } from './evaluate';

export interface UploadProgress {
  phase: 'config' | 'neuron' | 'route' | 'weight' | 'verify';
  bytesSent: number;
  bytesTotal: number;
}

export interface ClientOptions extends Partial<RequesterOptions> {
  /** How long to wait for RUN_DONE after the last input before polling STATUS. */
  runIdleMs?: number;
}

export interface SampleRun {
  /** Per output neuron: spikes over the run (read reliably with STATE_READ). */
  outputCounts: Int32Array;
  /** Output spikes as received on the best-effort channel (may miss frames; see outputGaps). */
  outputSpikes: { tick: number; layer: number; ids: Uint16Array }[];
  counters: Counters;
  /** SPIKE_OUT / TICK_END frames missing by seq. */
  outputGaps: number;
  inputFrames: number;
}

/**
 * Opens a transport and completes HELLO, retrying until `timeoutMs` (a board being re-plugged, or
 * an emulator process still starting). `open` is called afresh for every attempt.
 */
export async function connectWhenAvailable(open: () => Promise<Transport>, opts: ClientOptions & { retryMs?: number; timeoutMs?: number } = {}): Promise<BoardClient> {
  const t0 = Date.now();
  let last: unknown = null;
  while (Date.now() - t0 < (opts.timeoutMs ?? 10_000)) {
    let t: Transport | null = null;
    try {
      t = await open();
      return await BoardClient.connect(t, { maxRetries: 3, ...opts });
    } catch (e) {
      last = e;
      await t?.close().catch(() => {});
      await new Promise((r) => setTimeout(r, opts.retryMs ?? 250));
    }
  }
  throw last instanceof BoardError ? last : new BoardError('BOARD_TIMEOUT', `no board answered HELLO within ${opts.timeoutMs ?? 10_000} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** The result shape shared by `board run` and `emulate`: plain JSON-able data. */
export interface ModelRunResult {
  /** Spikes per output neuron over the sample. */
  outputCounts: number[];
  /** argmax of outputCounts (lowest index on ties). */
  predicted: number;
  counters: Counters;
  /** Energy/latency from each table; estimates, never measurements. */
  estimates: Record<EnergyTableId, Estimate>;
  /** SPIKE_OUT frames lost on the best-effort channel (the counts above are read reliably). */
  outputGaps: number;
}

export class BoardClient {
  private readonly link: FrameLink;
  private readonly requester: ReliableRequester;
  private caps: Capabilities | null = null;
  private spikeListener: ((f: Frame) => void) | null = null;
  readonly logs: string[] = [];
  private closedReason: Error | null = null;

  private constructor(
    readonly transport: Transport,
    private readonly opts: ClientOptions,
  ) {
    this.link = new FrameLink(transport, (f) => this.onFrame(f));
    this.requester = new ReliableRequester((t, fl, s, p) => this.link.send(t, fl, s, p), { ...DEFAULT_REQUESTER_OPTIONS, ...opts });
    transport.onClose((reason) => {
      this.closedReason = new BoardError('BOARD_CLOSED', `link closed${reason ? `: ${reason.message}` : ''}`);
      this.requester.fail(this.closedReason);
      this.spikeListener?.({ ver: 1, type: -1, flags: 0, seq: 0, payload: new Uint8Array(0) });
    });
  }

  /** Opens a session: HELLO decides that the peer is a board (a port answering anything else is not). */
  static async connect(transport: Transport, opts: ClientOptions = {}): Promise<BoardClient> {
    const c = new BoardClient(transport, opts);
    const f = await c.requester.request(MSG.HELLO, encodeHelloRequest({ protocolMajor: PROTOCOL_MAJOR, protocolMinor: PROTOCOL_MINOR }));
    if (f.type !== MSG.HELLO) throw new BoardError('BOARD_HANDSHAKE', `HELLO answered with ${msgName(f.type)}`);
    const caps = decodeCapabilities(f.payload);
    if (caps.protocolMajor !== PROTOCOL_MAJOR) throw new BoardError('BOARD_HANDSHAKE', `board speaks protocol ${caps.protocolMajor}.${caps.protocolMinor}; this host speaks ${PROTOCOL_MAJOR}.x`);
    c.caps = caps;
    c.requester.setWindow(caps.window);
    return c;
  }

  get capabilities(): Capabilities {
    if (!this.caps) throw new BoardError('BOARD_USAGE', 'not connected');
    return this.caps;
  }

  get stats(): { link: LinkStats; requests: RequesterStats } {
    return { link: this.link.stats, requests: { ...this.requester.stats } };
  }

  private onFrame(f: Frame): void {
    if (this.requester.handleFrame(f)) return;
    if (f.flags & FLAG_SPIKE) {
      if (f.type === MSG.LOG) {
        try {
          this.logs.push(decodeLog(f.payload).text);
        } catch {
          /* a corrupt LOG is not worth failing for */
        }
        return;
      }
      this.spikeListener?.(f);
    }
  }

  private async call(type: number, payload: Uint8Array, expect: number = MSG.ACK): Promise<Uint8Array> {
    const f = await this.requester.request(type, payload);
    if (f.type !== expect) throw new BoardError('BOARD_DECODE', `${msgName(type)} answered with ${msgName(f.type)}, expected ${msgName(expect)}`);
    return f.payload;
  }

  async ping(nonce = 0x5eed): Promise<number> {
    const t0 = performance.now();
    const echo = decodePing(await this.call(MSG.PING, encodePing(nonce), MSG.PING));
    if (echo !== nonce) throw new BoardError('BOARD_DECODE', `PING echoed ${echo}, sent ${nonce}`);
    return performance.now() - t0;
  }

  async status(): Promise<Status> {
    return decodeStatus(await this.call(MSG.STATUS, new Uint8Array(0), MSG.STATUS));
  }

  /**
   * Uploads a quantised network into the shadow image, then verifies the board's CRCs of it.
   * Requests are pipelined up to the window. Does not commit.
   */
  async upload(q: QuantNetwork, onProgress?: (p: UploadProgress) => void): Promise<BoardImage> {
    const caps = this.capabilities;
    const violations = checkCapabilities(q, caps);
    if (violations.length) throw new BoardError('BOARD_CAPABILITY', violations.map((v) => v.message).join('; '));
    const img = buildImage(q, caps);
    const total = img.config.length + img.neuron.length + img.route.length + img.weight.length;
    let sent = 0;
    const progress = (phase: UploadProgress['phase'], n: number): void => {
      sent += n;
      onProgress?.({ phase, bytesSent: sent, bytesTotal: total });
    };
    const maxP = caps.maxPayload;
    await this.call(MSG.CONFIG, encodeConfig(networkConfig(q)));
    progress('config', img.config.length);

    const jobs: Promise<unknown>[] = [];
    const perNeuron = Math.floor((maxP - NEURON_CHUNK_HEADER) / 8);
    q.layers.forEach((l, li) => {
      for (let s = 0; s < l.neurons; s += perNeuron) {
        const n = Math.min(perNeuron, l.neurons - s);
        const params = new Int32Array(n * 2);
        for (let j = 0; j < n; j++) {
          params[2 * j] = l.bias[s + j];
          params[2 * j + 1] = l.threshold[s + j];
        }
        jobs.push(this.call(MSG.NEURON, encodeNeuronChunk({ layer: li, start: s, params })).then(() => progress('neuron', n * 8)));
      }
    });
    const perRoute = Math.floor((maxP - 4) / ROUTE_ENTRY_BYTES);
    for (let s = 0; s < img.routes.length; s += perRoute) {
      const entries = img.routes.slice(s, s + perRoute);
      jobs.push(this.call(MSG.ROUTE, encodeRouteChunk({ start: s, entries })).then(() => progress('route', entries.length * ROUTE_ENTRY_BYTES)));
    }
    jobs.push(this.call(MSG.WEIGHT_BEGIN, encodeWeightBegin({ totalBytes: img.weight.length, imageCrc: crc32c(img.weight) })));
    const perChunk = maxP - WEIGHT_CHUNK_HEADER;
    for (let o = 0; o < img.weight.length; o += perChunk) {
      const data = img.weight.subarray(o, Math.min(img.weight.length, o + perChunk));
      jobs.push(this.call(MSG.WEIGHT_CHUNK, encodeWeightChunk({ offset: o, data })).then(() => progress('weight', data.length)));
    }
    // The requester sends in order and the board executes in order, so queuing everything at once
    // is safe; allSettled first so no rejection goes unobserved, then the first failure is thrown.
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const end = decodeWeightEndReply(await this.call(MSG.WEIGHT_END, new Uint8Array(0), MSG.WEIGHT_END));
    if (end.imageCrc !== crc32c(img.weight)) throw new BoardError('BOARD_VERIFY', `board weight CRC 0x${end.imageCrc.toString(16)} != 0x${crc32c(img.weight).toString(16)}`);
    await this.verify(img, 'shadow');
    onProgress?.({ phase: 'verify', bytesSent: total, bytesTotal: total });
    return img;
  }

  /** Compares the board's CRCs of a bank with the image's; throws BOARD_VERIFY naming the region. */
  async verify(img: BoardImage, bank: Bank): Promise<ImageCrcs> {
    const have = decodeImageCrcs(await this.call(MSG.VERIFY, encodeVerifyRequest(bank), MSG.VERIFY));
    const want = imageCrcs(img);
    for (const k of ['config', 'neuron', 'route', 'weight'] as const)
      if (have[k] !== want[k]) throw new BoardError('BOARD_VERIFY', `${bank} ${k} region CRC 0x${have[k].toString(16)} != uploaded 0x${want[k].toString(16)}`);
    return have;
  }

  async readback(region: Region, bank: Bank, offset: number, length: number): Promise<Uint8Array> {
    const r = decodeReadbackReply(await this.call(MSG.READBACK, encodeReadbackRequest({ region, bank, offset, length }), MSG.READBACK));
    return r.data;
  }

  /** Makes the uploaded shadow image active; the board refuses unless stopped and CRCs match. */
  async commit(img: BoardImage): Promise<void> {
    await this.call(MSG.COMMIT, encodeCommit(imageCrcs(img)));
    await this.verify(img, 'active');
  }

  async resetState(): Promise<void> {
    await this.call(MSG.RESET_STATE, new Uint8Array(0));
  }

  async stop(): Promise<Status> {
    return decodeStatus(await this.call(MSG.STOP, new Uint8Array(0), MSG.STOP));
  }

  async step(ticks: number): Promise<Status> {
    return decodeStatus(await this.call(MSG.STEP, encodeStep(ticks), MSG.STEP));
  }

  async readState(region: StateRegion, layer: number, start: number, count: number): Promise<Int32Array> {
    const per = Math.floor((this.capabilities.maxPayload - 2) / 4);
    const out = new Int32Array(count);
    for (let s = 0; s < count; s += per) {
      const n = Math.min(per, count - s);
      out.set(decodeStateReadReply(await this.call(MSG.STATE_READ, encodeStateReadRequest({ region, layer, start: start + s, count: n }), MSG.STATE_READ)), s);
    }
    return out;
  }

  /**
   * Runs one sample: resets state, streams one AER batch per tick, collects output spikes, then
   * reads the output spike counts and counters reliably. If RUN_DONE does not come (its frame or
   * the last input was lost), STEP finishes the remaining ticks with whatever input arrived.
   */
  async runSample(inputs: readonly ArrayLike<number>[], outputLayer: number, outputNeurons: number): Promise<SampleRun> {
    const caps = this.capabilities;
    if (inputs.length === 0) throw new BoardError('BOARD_USAGE', 'a sample needs at least one tick');
    // A previous run may still be going (cancelled, or its end was lost): STOP is harmless if not.
    await this.stop();
    await this.resetState();
    const outputSpikes: SampleRun['outputSpikes'] = [];
    const tracker = new SpikeSeqTracker(0);
    let done = false;
    let wake: (() => void) | null = null;
    // Set when the link dies while input waits for credit: the credit wait only ends on credit or
    // abort, so without this a dead link would keep it polling STATUS forever.
    const abort = { aborted: false };
    let linkError: BoardError | null = null;
    const sender = new SpikeSender((t, fl, s, p) => this.link.send(t, fl, s, p), {
      maxPayload: caps.maxPayload,
      stallMs: 200,
      onStall: () => {
        this.status().then(
          (s) => sender.updateCredit(s.creditSeq),
          (e: unknown) => {
            // A timed-out request fails the whole session (reliableChannel), so no later STATUS can succeed.
            if (e instanceof BoardError && (e.code === 'BOARD_TIMEOUT' || e.code === 'BOARD_CLOSED')) {
              linkError = e;
              abort.aborted = true;
              sender.cancel();
            }
          },
        );
      },
    });
    this.spikeListener = (f) => {
      if (f.type === -1) {
        abort.aborted = true;
        sender.cancel();
        wake?.();
        return;
      }
      if (!tracker.accept(f.seq)) return;
      try {
        if (f.type === MSG.SPIKE_OUT) outputSpikes.push(decodeSpikeBatch(f.payload));
        else if (f.type === MSG.TICK_END) sender.updateCredit(decodeTickEnd(f.payload).creditSeq);
        else if (f.type === MSG.RUN_DONE) {
          decodeCounters(f.payload);
          done = true;
          wake?.();
        }
      } catch {
        /* corrupt payloads are caught by the CRC; a decode failure here means a newer board */
      }
    };
    try {
      const st = decodeStatus(await this.call(MSG.RUN, encodeRun({ ticks: inputs.length }), MSG.RUN));
      sender.start(st.creditSeq);
      for (let t = 0; t < inputs.length; t++) {
        if (this.closedReason) throw this.closedReason;
        if (linkError) throw linkError;
        await sender.sendTick({ tick: t, layer: 0, ids: Uint16Array.from(inputs[t]) }, abort);
      }
      if (this.closedReason) throw this.closedReason;
      if (linkError) throw linkError;
      const idle = this.opts.runIdleMs ?? 300;
      while (!done) {
        if (this.closedReason) throw this.closedReason;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idle);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
        if (done) break;
        const s = await this.status();
        if (s.state === 'stopped') break;
        // Input for the remaining ticks was lost or is late: finish with what the board has.
        if (s.ticksLeft > 0) await this.step(s.ticksLeft);
      }
      const outputCounts = await this.readState('spikeCount', outputLayer, 0, outputNeurons);
      const s = await this.status();
      return { outputCounts, outputSpikes, counters: s.counters, outputGaps: tracker.stats.gaps, inputFrames: sender.sentFrames };
    } finally {
      abort.aborted = true;
      sender.cancel();
      this.spikeListener = null;
    }
  }

  /**
   * Uploads and commits only what the board lacks, so an operation interrupted by an unplug can
   * resume after reconnecting: the board keeps its shadow image across a new HELLO session.
   * Returns what was done.
   */
  async ensureCommitted(q: QuantNetwork, onProgress?: (p: UploadProgress) => void): Promise<'already-active' | 'committed-shadow' | 'uploaded'> {
    const img = buildImage(q, this.capabilities);
    const matches = async (bank: Bank): Promise<boolean> => {
      try {
        await this.verify(img, bank);
        return true;
      } catch (e) {
        if (e instanceof BoardError && e.code === 'BOARD_VERIFY') return false;
        throw e;
      }
    };
    if (await matches('active')) return 'already-active';
    if (await matches('shadow')) {
      await this.commit(img);
      return 'committed-shadow';
    }
    await this.commit(await this.upload(q, onProgress));
    return 'uploaded';
  }

  /**
   * Liveness: PINGs every `intervalMs` over the reliable channel; calls `onLost` once when a ping
   * times out (after the channel's retries) or the link closes. Returns a function that stops it.
   */
  startHeartbeat(intervalMs: number, onLost: (e: BoardError) => void): () => void {
    let stopped = false;
    let fired = false;
    const lost = (e: unknown): void => {
      if (stopped || fired) return;
      fired = true;
      onLost(e instanceof BoardError ? e : new BoardError('BOARD_CLOSED', String(e)));
    };
    const off = this.transport.onClose(() => lost(this.closedReason ?? new BoardError('BOARD_CLOSED', 'link closed')));
    const timer = setInterval(() => {
      if (this.requester.pending > 0) return; // traffic in flight already proves (or disproves) liveness
      this.ping().catch(lost);
    }, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
      off();
    };
  }

  /** Runs one sample of the committed model `q` and reports counts, class, counters, estimates. */
  async runModel(q: QuantNetwork, inputs: readonly ArrayLike<number>[]): Promise<ModelRunResult> {
    const last = q.layers.length - 1;
    const r = await this.runSample(inputs, last, q.layers[last].neurons);
    const clockHz = this.capabilities.clockHz;
    const estimates = { horowitz45: estimate(r.counters, 'horowitz45', clockHz), loihi: estimate(r.counters, 'loihi', clockHz) };
    return { outputCounts: [...r.outputCounts], predicted: argmax(r.outputCounts), counters: r.counters, estimates, outputGaps: r.outputGaps };
  }

  async close(): Promise<void> {
    this.requester.fail(new BoardError('BOARD_CLOSED', 'client closed'));
    this.link.detach();
    await this.transport.close();
  }
}
