/**
 * The board emulator: a board that speaks the protocol over any Transport. It keeps a shadow image
 * (filled by CONFIG / NEURON / ROUTE / WEIGHT_*) and an active one (swapped in by COMMIT, only while
 * stopped, only if complete and matching the CRCs the host names), and runs the active network on
 * a MeshEngine tick by tick as SPIKE_IN batches arrive.
 *
 * Tick rule (streaming RUN): tick t runs once a batch for t without FLAG_MORE has arrived, or any
 * batch for a later tick (the batch for t was lost: it runs with what arrived). STEP n runs n ticks
 * with whatever input is buffered, so a host can finish a run whose last batch was lost.
 */
import { crc32c } from '../crc32c';
import { FLAG_MORE, FLAG_SPIKE, type Frame } from '../frame';
import { decodeRouteEntries, imageCrcs, neuronLayerOffset, neuronRegionBytes, weightRegionBytes } from '../image';
import { FrameLink } from '../link';
import {
  decodeCommit, decodeConfig, decodeHelloRequest, decodeNeuronChunk, decodePing, decodeReadbackRequest, decodeRouteChunk, decodeRun,
  decodeSpikeBatch, decodeStateReadRequest, decodeStep, decodeVerifyRequest, decodeWeightBegin, decodeWeightChunk,
  encodeCapabilities, encodeCounters, encodeImageCrcs, encodeLog, encodePing, encodeReadbackReply, encodeSpikeBatch,
  encodeStateReadReply, encodeStatus, encodeTickEnd, encodeWeightEndReply, MSG, PROTOCOL_MAJOR, PROTOCOL_MINOR,
  ROUTE_ENTRY_BYTES, zeroCounters, type Bank, type Capabilities, type Counters, type NetworkConfig, type Region, type RouteEntry, type Status,
} from '../messages';
import { NakError, ReliableResponder, type Reply } from '../reliableChannel';
import { seqAdd } from '../seq';
import { SpikeSeqTracker } from '../spikeChannel';
import type { Transport } from '../transport';
import { MeshEngine } from './meshEngine';

export const DEFAULT_CAPABILITIES: Capabilities = {
  protocolMajor: PROTOCOL_MAJOR,
  protocolMinor: PROTOCOL_MINOR,
  firmware: { major: 0, minor: 1, patch: 0 },
  logicVersion: 0x454d5531, // "EMU1"
  boardId: 'spikelab-emulator',
  meshX: 4,
  meshY: 4,
  neuronsPerCore: 256,
  maxFanIn: 1024,
  weightBits: [8, 16],
  membraneBits: 24,
  leakModes: ['none', 'shift', 'subtract'],
  resetModes: ['zero', 'subtract', 'none'],
  maxLayers: 8,
  maxPayload: 1024,
  window: 8,
  spikeBuffer: 16,
  fifoDepth: 1024,
  tickNs: 1000,
  clockHz: 100_000_000,
};

export interface EmulatorOptions {
  caps?: Partial<Capabilities>;
  /** Synaptic ops (or neuron updates) per core per cycle in the cycle model. */
  lanes?: number;
  cyclesPerHop?: number;
}

interface Shadow {
  config: Uint8Array;
  cfg: NetworkConfig;
  neuron: Uint8Array;
  neuronWritten: Uint8Array;
  route: Uint8Array;
  routeCount: number;
  weight: Uint8Array | null;
  weightWritten: Uint8Array | null;
  weightWrittenCount: number;
  weightCrc: number;
  weightEnded: boolean;
}

interface Active {
  config: Uint8Array;
  neuron: Uint8Array;
  route: Uint8Array;
  weight: Uint8Array;
  engine: MeshEngine;
  inputs: number;
}

function nak(name: ConstructorParameters<typeof NakError>[0], message: string): never {
  throw new NakError(name, message);
}

export class BoardEmulator {
  readonly caps: Capabilities;
  private link: FrameLink;
  private responder: ReliableResponder;
  private transportNow: Transport;
  private shadow: Shadow | null = null;
  private active: Active | null = null;
  private running = false;
  private tick = 0;
  private ticksLeft = 0;
  private readonly counters: Counters = zeroCounters();
  private readonly spikeIn = new SpikeSeqTracker();
  private pending = new Map<number, { ids: number[]; complete: boolean }>();
  private pendingFrames = 0;
  private spikeOutSeq = 0;
  private readonly lanes: number;
  private readonly cyclesPerHop: number;

  constructor(transport: Transport, opts: EmulatorOptions = {}) {
    this.caps = { ...DEFAULT_CAPABILITIES, ...opts.caps };
    this.lanes = opts.lanes ?? 16;
    this.cyclesPerHop = opts.cyclesPerHop ?? 2;
    this.transportNow = transport;
    this.link = new FrameLink(transport, (f) => this.onFrame(f), this.caps.maxPayload);
    this.responder = this.newResponder();
  }

  private newResponder(): ReliableResponder {
    return new ReliableResponder((t, fl, s, p) => this.link.send(t, fl, s, p), (t, p) => this.handle(t, p), this.caps.window * 4);
  }

  get transport(): Transport {
    return this.transportNow;
  }

  /**
   * Moves the board to a new link, keeping its images and state, as a board keeps them when its
   * USB cable is pulled and plugged back: a host that reconnects finds its shadow upload intact.
   */
  attach(transport: Transport): void {
    this.link.detach();
    this.transportNow = transport;
    this.link = new FrameLink(transport, (f) => this.onFrame(f), this.caps.maxPayload);
    this.responder = this.newResponder();
  }

  get linkStats(): FrameLink['stats'] {
    return this.link.stats;
  }
  get responderStats(): ReliableResponder['stats'] {
    return this.responder.stats;
  }

  private onFrame(f: Frame): void {
    if (this.responder.handleFrame(f)) return;
    if (f.flags & FLAG_SPIKE && f.type === MSG.SPIKE_IN) this.onSpikeIn(f);
  }

  private status(): Status {
    return { state: this.running ? 'running' : 'stopped', committed: this.active !== null, tick: this.tick, ticksLeft: this.ticksLeft, creditSeq: this.creditSeq(), counters: { ...this.counters } };
  }

  private creditSeq(): number {
    return seqAdd(this.spikeIn.next, this.caps.spikeBuffer - 1 - this.pendingFrames);
  }

  private requireShadow(): Shadow {
    if (!this.shadow) nak('NO_CONFIG', 'send CONFIG first');
    return this.shadow;
  }
  private requireActive(): Active {
    if (!this.active) nak('NOT_COMMITTED', 'no committed network');
    return this.active;
  }

  private handle(type: number, p: Uint8Array): Reply {
    const ack: Reply = { type: MSG.ACK, payload: new Uint8Array(0) };
    switch (type) {
      case MSG.HELLO: {
        const h = decodeHelloRequest(p);
        if (h.protocolMajor !== PROTOCOL_MAJOR) nak('BAD_VERSION', `board speaks protocol ${PROTOCOL_MAJOR}.x, host ${h.protocolMajor}.${h.protocolMinor}`);
        return { type, payload: encodeCapabilities(this.caps) };
      }
      case MSG.PING:
        return { type, payload: encodePing(decodePing(p)) };
      case MSG.CONFIG:
        this.onConfig(p);
        return ack;
      case MSG.NEURON: {
        const s = this.requireShadow();
        const c = decodeNeuronChunk(p);
        const l = s.cfg.layers[c.layer];
        const count = c.params.length / 2;
        if (!l || c.start + count > l.neurons) nak('OUT_OF_RANGE', `NEURON layer ${c.layer} [${c.start}, ${c.start + count}) is outside the configured layers`);
        const off = neuronLayerOffset(s.cfg, c.layer) + c.start * 8;
        const nv = new DataView(s.neuron.buffer);
        for (let i = 0; i < c.params.length; i++) nv.setInt32(off + i * 4, c.params[i], true);
        s.neuronWritten.fill(1, off / 8, off / 8 + count);
        return ack;
      }
      case MSG.ROUTE: {
        const s = this.requireShadow();
        const c = decodeRouteChunk(p);
        const cores = this.caps.meshX * this.caps.meshY;
        if (c.start + c.entries.length > cores) nak('EXCEEDS_LIMIT', `route table holds ${cores} entries (one per core)`);
        c.entries.forEach((e, i) => {
          const o = (c.start + i) * ROUTE_ENTRY_BYTES;
          const v = new DataView(s.route.buffer);
          v.setUint8(o, e.layer);
          v.setUint16(o + 1, e.firstNeuron, true);
          v.setUint16(o + 3, e.count, true);
          v.setUint8(o + 5, e.coreX);
          v.setUint8(o + 6, e.coreY);
        });
        s.routeCount = Math.max(s.routeCount, c.start + c.entries.length);
        return ack;
      }
      case MSG.WEIGHT_BEGIN: {
        const s = this.requireShadow();
        const b = decodeWeightBegin(p);
        const want = weightRegionBytes(s.cfg);
        if (b.totalBytes !== want) nak('OUT_OF_RANGE', `weight image is ${b.totalBytes} bytes; the configured network needs ${want}`);
        s.weight = new Uint8Array(want);
        s.weightWritten = new Uint8Array(want);
        s.weightWrittenCount = 0;
        s.weightCrc = b.imageCrc;
        s.weightEnded = false;
        return ack;
      }
      case MSG.WEIGHT_CHUNK: {
        const s = this.requireShadow();
        if (!s.weight || !s.weightWritten) nak('BAD_STATE', 'WEIGHT_CHUNK before WEIGHT_BEGIN');
        const c = decodeWeightChunk(p);
        if (c.offset + c.data.length > s.weight.length) nak('OUT_OF_RANGE', `chunk [${c.offset}, ${c.offset + c.data.length}) is outside the ${s.weight.length}-byte image`);
        s.weight.set(c.data, c.offset);
        for (let i = c.offset; i < c.offset + c.data.length; i++) if (!s.weightWritten[i]) {
          s.weightWritten[i] = 1;
          s.weightWrittenCount++;
        }
        return ack;
      }
      case MSG.WEIGHT_END: {
        const s = this.requireShadow();
        if (!s.weight) nak('BAD_STATE', 'WEIGHT_END before WEIGHT_BEGIN');
        if (s.weightWrittenCount !== s.weight.length) nak('IMAGE_INCOMPLETE', `${s.weight.length - s.weightWrittenCount} of ${s.weight.length} weight bytes not written`);
        const crc = crc32c(s.weight);
        if (crc !== s.weightCrc) nak('IMAGE_CRC', `weight CRC 0x${crc.toString(16)} != announced 0x${s.weightCrc.toString(16)}`);
        s.weightEnded = true;
        return { type, payload: encodeWeightEndReply({ imageCrc: crc, bytesWritten: s.weightWrittenCount }) };
      }
      case MSG.VERIFY: {
        const bank = decodeVerifyRequest(p);
        return { type, payload: encodeImageCrcs(imageCrcs(this.regions(bank))) };
      }
      case MSG.READBACK: {
        const r = decodeReadbackRequest(p);
        const region = this.regions(r.bank)[r.region];
        if (r.length > this.caps.maxPayload - 4) nak('EXCEEDS_LIMIT', `READBACK of ${r.length} bytes exceeds the frame limit`);
        if (r.offset + r.length > region.length) nak('OUT_OF_RANGE', `READBACK [${r.offset}, ${r.offset + r.length}) is outside the ${region.length}-byte ${r.region} region`);
        return { type, payload: encodeReadbackReply({ offset: r.offset, data: region.slice(r.offset, r.offset + r.length) }) };
      }
      case MSG.COMMIT:
        this.onCommit(p);
        return ack;
      case MSG.RUN: {
        this.requireActive();
        if (this.running) nak('BAD_STATE', 'already running');
        const r = decodeRun(p);
        this.running = r.ticks > 0;
        this.ticksLeft = r.ticks;
        this.spikeIn.reset(0);
        this.pending.clear();
        this.pendingFrames = 0;
        this.spikeOutSeq = 0;
        return { type, payload: encodeStatus(this.status()) };
      }
      case MSG.STEP: {
        this.requireActive();
        const n = decodeStep(p);
        for (let i = 0; i < n && (!this.running || this.ticksLeft > 0); i++) this.runTick();
        return { type, payload: encodeStatus(this.status()) };
      }
      case MSG.STOP:
        this.running = false;
        this.ticksLeft = 0;
        return { type, payload: encodeStatus(this.status()) };
      case MSG.RESET_STATE: {
        if (this.running) nak('NOT_STOPPED', 'RESET_STATE while running');
        this.active?.engine.resetState();
        // In place: the engine holds this object.
        Object.assign(this.counters, zeroCounters());
        this.tick = 0;
        return ack;
      }
      case MSG.STATUS:
        return { type, payload: encodeStatus(this.status()) };
      case MSG.STATE_READ: {
        const a = this.requireActive();
        const r = decodeStateReadRequest(p);
        if (r.layer >= a.engine.layerCount) nak('OUT_OF_RANGE', `layer ${r.layer} does not exist`);
        const n = a.engine.layerNeurons(r.layer);
        if (r.start + r.count > n) nak('OUT_OF_RANGE', `neurons [${r.start}, ${r.start + r.count}) outside layer of ${n}`);
        if (2 + 4 * r.count > this.caps.maxPayload) nak('EXCEEDS_LIMIT', `${r.count} values do not fit one frame`);
        const all = r.region === 'membrane' ? a.engine.membranes(r.layer) : a.engine.spikeCounts(r.layer);
        return { type, payload: encodeStateReadReply(all.slice(r.start, r.start + r.count)) };
      }
      default:
        nak('UNKNOWN_TYPE', `message type 0x${type.toString(16)} is not a request`);
    }
  }

  private buildEngine(cfg: NetworkConfig, neuron: Uint8Array, weight: Uint8Array, routes: RouteEntry[]): MeshEngine {
    return new MeshEngine(cfg, neuron, weight, routes, { meshX: this.caps.meshX, meshY: this.caps.meshY, fifoDepth: this.caps.fifoDepth, lanes: this.lanes, cyclesPerHop: this.cyclesPerHop }, this.counters);
  }

  private onConfig(p: Uint8Array): void {
    const cfg = decodeConfig(p);
    const c = this.caps;
    if (cfg.layers.length === 0 || cfg.layers.length > c.maxLayers) nak('EXCEEDS_LIMIT', `${cfg.layers.length} layers; the board runs 1 to ${c.maxLayers}`);
    if (cfg.membraneBits > c.membraneBits || cfg.membraneBits < 2) nak('EXCEEDS_LIMIT', `membrane of ${cfg.membraneBits} bits; the board has ${c.membraneBits}`);
    let prev = cfg.inputs;
    cfg.layers.forEach((l, i) => {
      if (l.fanIn !== prev) nak('BAD_MESSAGE', `layer ${i} fan-in ${l.fanIn} != size of its source (${prev})`);
      if (l.fanIn > c.maxFanIn) nak('EXCEEDS_LIMIT', `layer ${i} fan-in ${l.fanIn} > ${c.maxFanIn}`);
      if (!c.weightBits.includes(l.weightBits)) nak('UNSUPPORTED', `layer ${i} int${l.weightBits} weights`);
      if (!c.leakModes.includes(l.leakMode)) nak('UNSUPPORTED', `layer ${i} leak mode ${l.leakMode}`);
      if (!c.resetModes.includes(l.resetMode)) nak('UNSUPPORTED', `layer ${i} reset mode ${l.resetMode}`);
      if (l.leakMode === 'shift' && (l.leak < 0 || l.leak > 31)) nak('OUT_OF_RANGE', `layer ${i} leak shift ${l.leak}`);
      if (l.leakMode === 'subtract' && l.leak < 0) nak('OUT_OF_RANGE', `layer ${i} leak ${l.leak}`);
      prev = l.neurons;
    });
    const cores = c.meshX * c.meshY;
    this.shadow = {
      config: p.slice(), cfg, neuron: new Uint8Array(neuronRegionBytes(cfg)), neuronWritten: new Uint8Array(neuronRegionBytes(cfg) / 8),
      route: new Uint8Array(cores * ROUTE_ENTRY_BYTES), routeCount: 0, weight: null, weightWritten: null, weightWrittenCount: 0, weightCrc: 0, weightEnded: false,
    };
  }

  private regions(bank: Bank): Record<Region, Uint8Array> {
    if (bank === 'active') {
      const a = this.active;
      return a ? { config: a.config, neuron: a.neuron, route: a.route, weight: a.weight } : { config: new Uint8Array(0), neuron: new Uint8Array(0), route: new Uint8Array(0), weight: new Uint8Array(0) };
    }
    const s = this.shadow;
    if (!s) return { config: new Uint8Array(0), neuron: new Uint8Array(0), route: new Uint8Array(0), weight: new Uint8Array(0) };
    return { config: s.config, neuron: s.neuron, route: s.route.subarray(0, s.routeCount * ROUTE_ENTRY_BYTES), weight: s.weight ?? new Uint8Array(0) };
  }

  private onCommit(p: Uint8Array): void {
    const want = decodeCommit(p);
    if (this.running) nak('NOT_STOPPED', 'COMMIT only while stopped');
    const s = this.requireShadow();
    if (!s.weight || !s.weightEnded) nak('IMAGE_INCOMPLETE', 'weights not complete (WEIGHT_END missing)');
    if (s.neuronWritten.some((b) => b === 0)) nak('IMAGE_INCOMPLETE', 'not every neuron has parameters');
    const regions = this.regions('shadow');
    const have = imageCrcs(regions);
    for (const k of ['config', 'neuron', 'route', 'weight'] as const)
      if (have[k] !== want[k]) nak('IMAGE_CRC', `${k} region CRC 0x${have[k].toString(16)} != expected 0x${want[k].toString(16)}`);
    const routes = decodeRouteEntries(regions.route);
    this.checkRoutes(s.cfg, routes);
    // Build the whole engine before swapping, so a failure leaves the old network active.
    const engine = this.buildEngine(s.cfg, s.neuron, s.weight, routes);
    this.active = {
      config: s.config.slice(), neuron: s.neuron.slice(), route: regions.route.slice(), weight: s.weight.slice(), engine,
      inputs: s.cfg.inputs,
    };
    this.tick = 0;
  }

  private checkRoutes(cfg: NetworkConfig, routes: RouteEntry[]): void {
    const used = new Set<number>();
    const covered = cfg.layers.map((l) => new Uint8Array(l.neurons));
    for (const r of routes) {
      if (r.coreX >= this.caps.meshX || r.coreY >= this.caps.meshY) nak('OUT_OF_RANGE', `core (${r.coreX}, ${r.coreY}) is outside the ${this.caps.meshX} x ${this.caps.meshY} mesh`);
      const id = r.coreY * this.caps.meshX + r.coreX;
      if (used.has(id)) nak('BAD_MESSAGE', `core (${r.coreX}, ${r.coreY}) is assigned twice`);
      used.add(id);
      if (r.count > this.caps.neuronsPerCore) nak('EXCEEDS_LIMIT', `${r.count} neurons on one core; the board has ${this.caps.neuronsPerCore}`);
      const cov = covered[r.layer];
      if (!cov || r.firstNeuron + r.count > cov.length) nak('OUT_OF_RANGE', `route for layer ${r.layer} [${r.firstNeuron}, ${r.firstNeuron + r.count}) is outside the network`);
      for (let j = r.firstNeuron; j < r.firstNeuron + r.count; j++) {
        if (cov[j]) nak('BAD_MESSAGE', `layer ${r.layer} neuron ${j} is placed twice`);
        cov[j] = 1;
      }
    }
    covered.forEach((cov, li) => {
      if (cov.some((b) => b === 0)) nak('IMAGE_INCOMPLETE', `layer ${li} has neurons on no core`);
    });
  }

  private onSpikeIn(f: Frame): void {
    if (!this.running || !this.active) return;
    if (!this.spikeIn.accept(f.seq)) return;
    this.counters.spikeGaps = this.spikeIn.stats.gaps;
    let b;
    try {
      b = decodeSpikeBatch(f.payload);
    } catch {
      return;
    }
    if (b.tick < this.tick) {
      this.counters.lateBatches++;
      return;
    }
    const inputs = this.active.inputs;
    let e = this.pending.get(b.tick);
    if (!e) {
      e = { ids: [], complete: false };
      this.pending.set(b.tick, e);
    }
    for (const id of b.ids) if (id < inputs) e.ids.push(id);
    if (!(f.flags & FLAG_MORE)) e.complete = true;
    this.pendingFrames++;
    this.advance();
  }

  /** Runs every tick whose input is known to be complete. */
  private advance(): void {
    while (this.running && this.ticksLeft > 0) {
      const e = this.pending.get(this.tick);
      let later = false;
      for (const t of this.pending.keys()) if (t > this.tick) later = true;
      if (!(e?.complete || later)) break;
      this.runTick();
    }
  }

  private runTick(): void {
    const a = this.requireActive();
    const e = this.pending.get(this.tick);
    this.pending.delete(this.tick);
    if (this.pending.size === 0) this.pendingFrames = 0;
    const input = e ? Uint16Array.from(e.ids) : new Uint16Array(0);
    const t = this.tick;
    let out = 0;
    a.engine.tick(input, (layer, ids) => {
      out += ids.length;
      // Split so a SPIKE_OUT always fits the frame limit.
      const per = Math.floor((this.caps.maxPayload - 7) / 2);
      for (let s = 0; s < ids.length; s += per) this.sendSpike(MSG.SPIKE_OUT, encodeSpikeBatch({ tick: t, layer, ids: ids.slice(s, s + per) }));
    });
    this.tick++;
    if (this.running) {
      this.ticksLeft--;
      this.sendSpike(MSG.TICK_END, encodeTickEnd({ tick: t, creditSeq: this.creditSeq(), spikesOut: out }));
      if (this.ticksLeft === 0) {
        this.running = false;
        this.sendSpike(MSG.RUN_DONE, encodeCounters(this.counters));
      }
    }
  }

  private sendSpike(type: number, payload: Uint8Array): void {
    this.link.send(type, FLAG_SPIKE, this.spikeOutSeq, payload);
    this.spikeOutSeq = seqAdd(this.spikeOutSeq, 1);
  }

  /** A free-text LOG frame to the host (best effort). */
  log(text: string): void {
    this.sendSpike(MSG.LOG, encodeLog('info', text));
  }

  async close(): Promise<void> {
    this.link.detach();
    await this.transportNow.close();
  }
}
