/**
 * Board domain of the lab service: serial ports and the built-in emulator, capability check,
 * upload, run. The serial link lives here, in the lab process (never the renderer); quantising,
 * the accuracy check and sample encoding run in worker threads (core/lab/board/tasks.ts).
 *
 * One board at a time, one operation at a time (a second upload/run while one is going is a
 * CONFLICT). Link loss (port closed, or the heartbeat PING timing out) drops the connection, sets
 * `lastError` and emits a `board` event with phase `link`; the operation in flight fails with
 * TRANSPORT. Uploads only touch the board's shadow image and COMMIT is the atomic switch, so a
 * failed or interrupted upload leaves the previously committed model active.
 *
 * A lost serial link is then reopened automatically, with a bounded exponential backoff, rather
 * than on the next call: the view learns of loss and return through `link` events without the user
 * acting, a USB board that re-enumerates or a board reset comes back in seconds, and a call made
 * meanwhile fails at once with TRANSPORT instead of paying the HELLO timeout. The budget bounds how
 * long a port that may now belong to another device keeps receiving HELLOs. The in-flight operation
 * is not resumed (it already failed); after the reconnect the committed run is trusted again only
 * if the board's active bank still has its CRCs.
 */
import { ApiError, type RunEvent } from '../../api/contract';
import {
  EMULATOR_PORT, type BoardApi, type BoardCapabilitiesInfo, type BoardCheck, type BoardPort, type BoardProgress, type BoardRunResult, type BoardState,
  type BoardUploadResult,
} from '../../api/contractBoard';
import { BoardClient, type ClientOptions, type UploadProgress } from '../../board/client';
import { DEFAULT_CAPABILITIES } from '../../board/emulator/boardEmulator';
import { ENERGY_TABLES, estimate, type EnergyTableId } from '../../board/emulator/energy';
import { openInProcessBoard } from '../../board/emulator/inProcess';
import { BoardError } from '../../board/errors';
import { crc32c } from '../../board/crc32c';
import { buildImage } from '../../board/image';
import { argmax } from '../../board/evaluate';
import { COUNTER_KEYS, type Capabilities } from '../../board/messages';
import type { QuantNetwork } from '../../board/quantise';
import type { Transport } from '../../board/transport';
import { listSerialPorts, SerialTransport, type SerialPortInfo } from '../../board/transportSerial';
import type { LabContext } from '../context';
import { runTask } from '../tasks';
import type { CheckArgs, PreparedSample, QuantiseArgs, SampleArgs } from './tasks';

/**
 * USB ids of bridges found on FPGA boards (FTDI FT2232H: Digilent Arty/Basys, Lattice iCEstick;
 * FT232H). Only a hint shown in the port list: HELLO decides whether a port is a board.
 */
export const LIKELY_BOARD_USB: readonly { vendorId: string; productId: string }[] = [
  { vendorId: '0403', productId: '6010' },
  { vendorId: '0403', productId: '6014' },
];

/** Test samples of the float-vs-quantised comparison in checkBoardModel. */
export const CHECK_SAMPLES = 100;

export interface BoardServiceOptions {
  /** Opens a serial port by path (tests hand in a transport to an emulator they can unplug). */
  openPort?: (path: string) => Promise<Transport>;
  listPorts?: () => Promise<SerialPortInfo[]>;
  /** PING interval of the liveness check. */
  heartbeatMs?: number;
  /** Request timing on serial links: HELLO and heartbeat give up after about 8 x initialRtoMs. */
  serialClient?: ClientOptions;
  checkSamples?: number;
  /** Automatic reopening of a lost serial link; `false` leaves it to the user. */
  reconnect?: Partial<ReconnectOptions> | false;
}

export interface ReconnectOptions {
  /** Delay before the first attempt; doubled after each failed one. */
  initialDelayMs: number;
  /** Cap of the delay between attempts. */
  maxDelayMs: number;
  /** No attempt starts later than this after the loss; then the service gives up. */
  budgetMs: number;
}

/**
 * 0.25 s doubling to 2 s: quick enough for a board reset, and a USB re-enumeration (1-3 s) is
 * caught by the second or third attempt; 30 s covers re-plugging a cable by hand.
 */
export const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 250, maxDelayMs: 2000, budgetMs: 30_000 };

/** How long closing a dead port may take before the link is treated as closed anyway. */
const CLOSE_TIMEOUT_MS = 1000;

interface Link {
  port: string;
  client: BoardClient;
  stopHeartbeat: () => void;
  close: () => Promise<void>;
}

export class BoardService implements BoardApi {
  private link: Link | null = null;
  private committed: { runId: string; q: QuantNetwork } | null = null;
  private lastError: string | null = null;
  private busy: string | null = null;
  /** Bumped by every connect/disconnect/close and every new loss: a reconnect loop that sees another value stops. */
  private reconnectGen = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** The reconnect attempt under way: a user's connect waits for it so the two never hold the port at once. */
  private reconnectAttempt: Promise<void> = Promise.resolve();
  private readonly opts: Required<Omit<BoardServiceOptions, 'serialClient' | 'reconnect'>> & { serialClient: ClientOptions; reconnect: ReconnectOptions | null };

  constructor(
    private readonly ctx: LabContext,
    opts: BoardServiceOptions = {},
  ) {
    this.opts = {
      openPort: opts.openPort ?? ((path) => SerialTransport.open({ path })),
      listPorts: opts.listPorts ?? listSerialPorts,
      heartbeatMs: opts.heartbeatMs ?? 1000,
      serialClient: opts.serialClient ?? { initialRtoMs: 100, maxRtoMs: 400, maxRetries: 4, runIdleMs: 200 },
      checkSamples: opts.checkSamples ?? CHECK_SAMPLES,
      reconnect: opts.reconnect === false ? null : { ...DEFAULT_RECONNECT, ...opts.reconnect },
    };
  }

  async listBoardPorts(): Promise<BoardPort[]> {
    const emulator: BoardPort = { path: EMULATOR_PORT, manufacturer: 'SpikeLab (built-in emulator)', vendorId: null, productId: null, likelyBoard: true, emulator: true };
    let serial: SerialPortInfo[];
    try {
      serial = await this.opts.listPorts();
    } catch (e) {
      throw new ApiError('TRANSPORT', `cannot list serial ports: ${message(e)}`);
    }
    return [
      emulator,
      ...serial.map((p) => ({
        path: p.path,
        manufacturer: p.manufacturer ?? null,
        vendorId: p.vendorId ?? null,
        productId: p.productId ?? null,
        likelyBoard: LIKELY_BOARD_USB.some((u) => u.vendorId === p.vendorId?.toLowerCase() && u.productId === p.productId?.toLowerCase()),
        emulator: false,
      })),
    ];
  }

  async connectBoard(path: string): Promise<BoardState> {
    if (path.trim() === '') throw new ApiError('BAD_REQUEST', 'connectBoard: path is empty');
    this.claim('connecting');
    try {
      this.cancelReconnect();
      await this.reconnectAttempt;
      if (this.link) await this.dropLink(null);
      this.lastError = null;
      this.link = path === EMULATOR_PORT ? await this.openEmulator() : await this.openSerial(path);
      const caps = this.link.client.capabilities;
      this.emit('connect', 1, 1, `connected to ${caps.boardId} on ${path}`);
      return this.state();
    } finally {
      this.busy = null;
    }
  }

  private async openEmulator(): Promise<Link> {
    const board = await openInProcessBoard();
    return this.watch(EMULATOR_PORT, board.client, () => board.close());
  }

  private async openSerial(path: string): Promise<Link> {
    let t: Transport;
    try {
      t = await this.opts.openPort(path);
    } catch (e) {
      throw new ApiError('TRANSPORT', `cannot open ${path}: ${message(e)}`);
    }
    let client: BoardClient;
    try {
      client = await BoardClient.connect(t, this.opts.serialClient);
    } catch (e) {
      await t.close().catch(() => {});
      throw new ApiError('TRANSPORT', `${path} is not a SpikeLab board: no compatible HELLO answer (${message(e)})`);
    }
    return this.watch(path, client, () => client.close());
  }

  /** Heartbeat + close watch: either one ends the link as lost. */
  private watch(port: string, client: BoardClient, close: () => Promise<void>): Link {
    const link: Link = { port, client, close, stopHeartbeat: () => {} };
    link.stopHeartbeat = client.startHeartbeat(this.opts.heartbeatMs, (e) => {
      if (this.link === link) void this.dropLink(`link to ${port} lost: ${e.message}`);
    });
    return link;
  }

  /**
   * Ends the current link; `lost` (a reason) marks an unplug rather than a disconnect, and starts
   * reopening a serial port.
   */
  private async dropLink(lost: string | null): Promise<void> {
    const link = this.link;
    if (!link) return;
    this.link = null;
    // A connect or disconnect while the port closes below means the user has taken over.
    const gen = this.reconnectGen;
    const committed = this.committed;
    this.committed = null;
    link.stopHeartbeat();
    if (lost) {
      this.lastError = lost;
      this.emit('link', 0, 0, lost);
    }
    // A port in the serialport full-duplex hang may never call back: never wait on it unbounded.
    await withTimeout(link.close().catch(() => {}), CLOSE_TIMEOUT_MS);
    if (lost && gen === this.reconnectGen && link.port !== EMULATOR_PORT && this.opts.reconnect) this.startReconnect(link.port, lost, committed, this.opts.reconnect);
  }

  private cancelReconnect(): void {
    this.reconnectGen++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /**
   * Reopens `port` with HELLO until it answers or `budgetMs` has passed. Each attempt is bounded
   * (a missing port fails at open, a silent one after the HELLO retries), so the loop always ends.
   */
  private startReconnect(port: string, lost: string, committed: { runId: string; q: QuantNetwork } | null, o: ReconnectOptions): void {
    this.cancelReconnect();
    const gen = this.reconnectGen;
    const t0 = Date.now();
    let delay = o.initialDelayMs;
    let attempt = 0;
    const live = (): boolean => gen === this.reconnectGen && this.link === null;
    const step = async (): Promise<void> => {
      this.reconnectTimer = null;
      if (!live()) return;
      attempt++;
      let why: string;
      try {
        const link = await this.openSerial(port);
        const discard = async (): Promise<void> => {
          link.stopHeartbeat();
          await withTimeout(link.close().catch(() => {}), CLOSE_TIMEOUT_MS);
        };
        let still: { runId: string; q: QuantNetwork } | null;
        try {
          still = await this.stillCommitted(link, committed);
        } catch (e) {
          await discard();
          throw e;
        }
        if (!live()) return await discard();
        this.link = link;
        this.committed = still;
        this.lastError = null;
        const kept = still ? `; run ${still.runId} is still committed` : committed ? `; run ${committed.runId} is no longer active on the board` : '';
        this.emit('link', 1, 1, `reconnected to ${link.client.capabilities.boardId} on ${port} (attempt ${attempt})${kept}`);
        return;
      } catch (e) {
        why = message(e);
      }
      if (!live()) return;
      if (Date.now() - t0 + delay > o.budgetMs) {
        this.lastError = `${lost}; gave up reconnecting after ${attempt} attempts in ${Math.round((Date.now() - t0) / 100) / 10} s (${why})`;
        this.emit('link', 0, 0, this.lastError);
        return;
      }
      this.lastError = `${lost}; reconnecting (attempt ${attempt} failed: ${why})`;
      schedule();
    };
    const schedule = (): void => {
      this.reconnectTimer = setTimeout(() => (this.reconnectAttempt = step()), delay);
      delay = Math.min(delay * 2, o.maxDelayMs);
    };
    this.lastError = `${lost}; reconnecting`;
    schedule();
  }

  /**
   * The run committed before the loss, if the board's active bank still has exactly its image (the
   * same board, powered through the unplug); null for a reset or different board. Link failures
   * propagate so the attempt counts as failed.
   */
  private async stillCommitted(link: Link, committed: { runId: string; q: QuantNetwork } | null): Promise<{ runId: string; q: QuantNetwork } | null> {
    if (!committed) return null;
    let img;
    try {
      img = buildImage(committed.q, link.client.capabilities);
    } catch {
      return null; // a board with other limits cannot hold that image
    }
    try {
      await link.client.verify(img, 'active');
      return committed;
    } catch (e) {
      if (e instanceof BoardError && (e.code === 'BOARD_VERIFY' || e.code === 'BOARD_NAK')) return null;
      throw e;
    }
  }

  async disconnectBoard(): Promise<BoardState> {
    if (this.busy) throw new ApiError('CONFLICT', `the board is busy (${this.busy}); wait for it to finish`);
    this.cancelReconnect();
    await this.reconnectAttempt;
    await this.dropLink(null);
    this.lastError = null;
    return this.state();
  }

  async getBoardState(): Promise<BoardState> {
    return this.state();
  }

  private state(): BoardState {
    const link = this.link;
    return { connected: link !== null, port: link?.port ?? null, capabilities: link ? capabilitiesInfo(link.client.capabilities) : null, committedRunId: this.committed?.runId ?? null, lastError: this.lastError };
  }

  async checkBoardModel(runId: string): Promise<BoardCheck> {
    this.ctx.summary(runId);
    const caps = this.link?.client.capabilities ?? DEFAULT_CAPABILITIES;
    const args: CheckArgs = { runId, runDir: this.ctx.store.runDir(runId), caps, samples: this.opts.checkSamples };
    return runTask<BoardCheck>('board', 'checkModel', args);
  }

  async uploadToBoard(runId: string): Promise<BoardUploadResult> {
    this.ctx.summary(runId);
    const link = this.requireLink();
    this.claim('uploading');
    const t0 = performance.now();
    try {
      const args: QuantiseArgs = { runId, runDir: this.ctx.store.runDir(runId), caps: link.client.capabilities };
      const q = await runTask<QuantNetwork>('board', 'quantiseForBoard', args);
      if (this.link !== link) throw new ApiError('TRANSPORT', this.lastError ?? 'the board was disconnected');
      const bytesOut0 = link.client.stats.link.bytesOut;
      let lastEmit = 0;
      const progress = (p: UploadProgress): void => {
        const now = performance.now();
        // At most ~20 events/s, but always the end of the transfer.
        if (p.bytesSent < p.bytesTotal && now - lastEmit < 50) return;
        lastEmit = now;
        this.emit(p.phase === 'verify' ? 'verify' : 'upload', p.bytesSent, p.bytesTotal, p.phase === 'verify' ? 'shadow image verified (CRC of every region)' : `uploading ${p.phase}`);
      };
      const img = await this.boardCall(link, 'upload', () => link.client.upload(q, progress));
      this.emit('commit', 0, 1, 'committing');
      await this.boardCall(link, 'commit', () => link.client.commit(img));
      this.committed = { runId, q };
      this.emit('commit', 1, 1, `run ${runId} committed and verified`);
      const bytes = img.config.length + img.neuron.length + img.route.length + img.weight.length;
      return { runId, bytes, wireBytes: link.client.stats.link.bytesOut - bytesOut0, imageCrc: `0x${crc32c(img.weight).toString(16).padStart(8, '0')}`, verified: true, committed: true, ms: performance.now() - t0 };
    } finally {
      this.busy = null;
    }
  }

  async runOnBoard(runId: string, sample: number): Promise<BoardRunResult> {
    this.ctx.summary(runId);
    const link = this.requireLink();
    const committed = this.committed;
    if (committed?.runId !== runId)
      throw new ApiError('CONFLICT', committed ? `the board holds run ${committed.runId}; upload run ${runId} first` : `no model is committed on the board; upload run ${runId} first`);
    this.claim('running');
    try {
      const args: SampleArgs = { runId, runDir: this.ctx.store.runDir(runId), sample, q: committed.q };
      const prep = await runTask<PreparedSample>('board', 'prepareSample', args);
      if (this.link !== link) throw new ApiError('TRANSPORT', this.lastError ?? 'the board was disconnected');
      const q = committed.q;
      const last = q.layers.length - 1;
      const ticks = prep.inputs.length;
      this.emit('run', 0, ticks, `sample ${sample}: ${ticks} ticks`);
      const r = await this.boardCall(link, 'run', () => link.client.runSample(prep.inputs, last, q.layers[last].neurons));
      const outTimes: number[] = [];
      const outIds: number[] = [];
      for (const b of r.outputSpikes)
        if (b.layer === last)
          for (const id of b.ids) {
            outTimes.push(b.tick);
            outIds.push(id);
          }
      const counts = [...r.outputCounts];
      const sw = prep.software;
      const matchesSoftware = sameArray(counts, sw.counts) && r.outputGaps === 0 && sameRaster(outTimes, outIds, sw.outTimes, sw.outIds);
      const clockHz = link.client.capabilities.clockHz;
      const estimates = (Object.keys(ENERGY_TABLES) as EnergyTableId[]).map((id) => {
        const e = estimate(r.counters, id, clockHz);
        return { estimate: true as const, table: e.table, source: e.source, joules: e.energyJ, latencyUs: e.latencyS * 1e6 };
      });
      const counters: Record<string, number> = {};
      for (const k of COUNTER_KEYS) counters[k] = r.counters[k];
      this.emit('run', ticks, ticks, `sample ${sample} done`);
      return {
        runId, sample, label: prep.label, predicted: argmax(counts), softwarePredicted: sw.predicted, matchesSoftware, counts, softwareCounts: sw.counts,
        outTimes, outIds, ticks, counters, outputGaps: r.outputGaps, estimates,
      };
    } finally {
      this.busy = null;
    }
  }

  /** Called when the lab service closes: drop the serial link or the emulator. */
  async close(): Promise<void> {
    this.cancelReconnect();
    // An attempt under way may be holding the port; it sees the cancel and lets go.
    await this.reconnectAttempt;
    await this.dropLink(null);
  }

  private requireLink(): Link {
    if (!this.link) throw new ApiError('TRANSPORT', this.lastError ? `no board connected (${this.lastError})` : 'no board connected: connect one (or the emulator) first');
    return this.link;
  }

  private claim(what: string): void {
    if (this.busy) throw new ApiError('CONFLICT', `the board is busy (${this.busy}); wait for it to finish`);
    this.busy = what;
  }

  /** A board request: BoardErrors become TRANSPORT errors naming the step; a lost link is dropped. */
  private async boardCall<T>(link: Link, step: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof BoardError)) throw e;
      if (e.code === 'BOARD_CLOSED' || e.code === 'BOARD_TIMEOUT') {
        if (this.link === link) await this.dropLink(`link to ${link.port} lost during ${step}: ${e.message}`);
        throw new ApiError('TRANSPORT', `${step} failed: the link to ${link.port} was lost (${e.message}); the board keeps its previously committed model`);
      }
      throw new ApiError('TRANSPORT', `${step} failed (${e.code}${e.nak ? ` ${e.nak}` : ''}): ${e.message}`);
    }
  }

  private emit(phase: BoardProgress['phase'], done: number, total: number, msg: string): void {
    const event: RunEvent = { type: 'board', phase, done, total, message: msg };
    this.ctx.emit(event);
  }
}

export function capabilitiesInfo(c: Capabilities): BoardCapabilitiesInfo {
  return {
    protocol: `${c.protocolMajor}.${c.protocolMinor}`,
    firmware: `${c.firmware.major}.${c.firmware.minor}.${c.firmware.patch}`,
    boardId: c.boardId,
    cores: c.meshX * c.meshY,
    meshX: c.meshX,
    meshY: c.meshY,
    neuronsPerCore: c.neuronsPerCore,
    fanIn: c.maxFanIn,
    weightBits: [...c.weightBits],
    membraneBits: c.membraneBits,
    maxLayers: c.maxLayers,
    leakModes: [...c.leakModes],
    resetModes: [...c.resetModes],
    maxFrame: c.maxPayload,
    window: c.window,
    fifoDepth: c.fifoDepth,
    tickUs: c.tickNs / 1000,
    clockHz: c.clockHz,
  };
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Rasters compared as sets of (tick, id): frames may arrive split, the order within a tick is ascending on both sides. */
function sameRaster(at: number[], ai: number[], bt: number[], bi: number[]): boolean {
  const key = (t: number[], i: number[]): string => t.map((x, k) => `${x}:${i[k]}`).sort().join();
  return at.length === bt.length && key(at, ai) === key(bt, bi);
}
