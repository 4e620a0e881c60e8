/**
 * Board protocol messages: type ids, payload layouts and typed encode/decode. Every layout is
 * little-endian and fixed-order so an FPGA can parse it with a byte counter; docs/board-protocol.md
 * is the byte-by-byte description and must change together with this file.
 *
 * Requests travel host -> board with FLAG_REQUEST on the reliable channel. The board answers each
 * with exactly one reply (FLAG_REPLY, same seq): the request's own type carrying reply data, ACK
 * (no data) or NAK (named error). Spike-channel messages (SPIKE_IN, SPIKE_OUT, TICK_END, RUN_DONE,
 * LOG) carry FLAG_SPIKE and are best effort.
 */
import { ByteReader, ByteWriter } from './bytes';
import { BoardError } from './errors';

export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 0;

export const MSG = {
  HELLO: 0x01,
  PING: 0x02,
  CONFIG: 0x03,
  NEURON: 0x04,
  ROUTE: 0x05,
  WEIGHT_BEGIN: 0x06,
  WEIGHT_CHUNK: 0x07,
  WEIGHT_END: 0x08,
  VERIFY: 0x09,
  READBACK: 0x0a,
  COMMIT: 0x0b,
  RUN: 0x0c,
  STEP: 0x0d,
  STOP: 0x0e,
  RESET_STATE: 0x0f,
  STATUS: 0x10,
  STATE_READ: 0x11,
  SPIKE_IN: 0x20,
  SPIKE_OUT: 0x21,
  TICK_END: 0x22,
  RUN_DONE: 0x23,
  ACK: 0x30,
  NAK: 0x31,
  LOG: 0x32,
} as const;
export type MsgName = keyof typeof MSG;
export type MsgType = (typeof MSG)[MsgName];

const NAMES = new Map<number, MsgName>(Object.entries(MSG).map(([k, v]) => [v, k as MsgName]));
export function msgName(type: number): string {
  return NAMES.get(type) ?? `0x${type.toString(16).padStart(2, '0')}`;
}

/** NAK reasons. Numbers are wire values; the UI shows the names. */
export const NAK_CODES = {
  BAD_MESSAGE: 1,
  UNKNOWN_TYPE: 2,
  BAD_VERSION: 3,
  NOT_STOPPED: 4,
  NO_CONFIG: 5,
  OUT_OF_RANGE: 6,
  EXCEEDS_LIMIT: 7,
  IMAGE_CRC: 8,
  IMAGE_INCOMPLETE: 9,
  NOT_COMMITTED: 10,
  BAD_STATE: 11,
  UNSUPPORTED: 12,
  /** The board hit an internal fault executing the request (a bug on the board side). */
  INTERNAL: 13,
} as const;
export type NakName = keyof typeof NAK_CODES;
const NAK_NAMES = new Map<number, NakName>(Object.entries(NAK_CODES).map(([k, v]) => [v, k as NakName]));
export function nakName(code: number): string {
  return NAK_NAMES.get(code) ?? `NAK_${code}`;
}

// ---------------------------------------------------------------------------------------------
// Enumerations shared by HELLO and CONFIG.

export const LEAK_MODES = { none: 0, shift: 1, subtract: 2 } as const;
export type LeakMode = keyof typeof LEAK_MODES;
export const RESET_MODES = { zero: 0, subtract: 1, none: 2 } as const;
export type ResetMode = keyof typeof RESET_MODES;

function enumName<K extends string>(table: Record<K, number>, v: number, what: string): K {
  for (const k of Object.keys(table) as K[]) if (table[k] === v) return k;
  throw new BoardError('BOARD_DECODE', `${what}: unknown value ${v}`);
}
function maskOf<K extends string>(table: Record<K, number>, keys: readonly K[]): number {
  let m = 0;
  for (const k of keys) m |= 1 << table[k];
  return m;
}
function maskKeys<K extends string>(table: Record<K, number>, mask: number): K[] {
  return (Object.keys(table) as K[]).filter((k) => (mask >> table[k]) & 1);
}

// ---------------------------------------------------------------------------------------------
// HELLO

export interface HelloRequest {
  protocolMajor: number;
  protocolMinor: number;
}

/** Capabilities and limits a board advertises; the quantiser and capability check read them. */
export interface Capabilities {
  protocolMajor: number;
  protocolMinor: number;
  firmware: { major: number; minor: number; patch: number };
  /** Version of the FPGA logic (bitstream), free-form 32 bits. */
  logicVersion: number;
  boardId: string;
  meshX: number;
  meshY: number;
  neuronsPerCore: number;
  maxFanIn: number;
  /** Supported weight widths (8 and/or 16). */
  weightBits: number[];
  membraneBits: number;
  leakModes: LeakMode[];
  resetModes: ResetMode[];
  maxLayers: number;
  /** Largest payload the board accepts in one frame. */
  maxPayload: number;
  /** Reliable-channel window (requests in flight). */
  window: number;
  /** Spike-in frames the board buffers (credit pool). */
  spikeBuffer: number;
  /** AER events each core's input FIFO holds per tick. */
  fifoDepth: number;
  /** Minimum tick period in nanoseconds. */
  tickNs: number;
  clockHz: number;
}

export function encodeHelloRequest(m: HelloRequest): Uint8Array {
  return new ByteWriter(2).u8(m.protocolMajor).u8(m.protocolMinor).finish();
}
export function decodeHelloRequest(p: Uint8Array): HelloRequest {
  const r = new ByteReader(p, 'HELLO');
  const m = { protocolMajor: r.u8(), protocolMinor: r.u8() };
  r.end();
  return m;
}

export function encodeCapabilities(c: Capabilities): Uint8Array {
  let wb = 0;
  for (const b of c.weightBits) {
    if (b !== 8 && b !== 16) throw new BoardError('BOARD_ENCODE', `weight width ${b} is not 8 or 16`);
    wb |= b === 8 ? 1 : 2;
  }
  return new ByteWriter(64)
    .u8(c.protocolMajor).u8(c.protocolMinor)
    .u8(c.firmware.major).u8(c.firmware.minor).u8(c.firmware.patch)
    .u32(c.logicVersion)
    .str8(c.boardId)
    .u8(c.meshX).u8(c.meshY)
    .u16(c.neuronsPerCore).u16(c.maxFanIn)
    .u8(wb).u8(c.membraneBits)
    .u8(maskOf(LEAK_MODES, c.leakModes)).u8(maskOf(RESET_MODES, c.resetModes))
    .u8(c.maxLayers)
    .u16(c.maxPayload).u8(c.window).u8(c.spikeBuffer).u16(c.fifoDepth)
    .u32(c.tickNs).u32(c.clockHz)
    .finish();
}
export function decodeCapabilities(p: Uint8Array): Capabilities {
  const r = new ByteReader(p, 'HELLO reply');
  const protocolMajor = r.u8();
  const protocolMinor = r.u8();
  const firmware = { major: r.u8(), minor: r.u8(), patch: r.u8() };
  const logicVersion = r.u32();
  const boardId = r.str8();
  const meshX = r.u8();
  const meshY = r.u8();
  const neuronsPerCore = r.u16();
  const maxFanIn = r.u16();
  const wb = r.u8();
  const membraneBits = r.u8();
  const leakModes = maskKeys(LEAK_MODES, r.u8());
  const resetModes = maskKeys(RESET_MODES, r.u8());
  const maxLayers = r.u8();
  const maxPayload = r.u16();
  const window = r.u8();
  const spikeBuffer = r.u8();
  const fifoDepth = r.u16();
  const tickNs = r.u32();
  const clockHz = r.u32();
  // Later minor versions may append fields: ignore what we do not know (forward compatible).
  const weightBits = [...(wb & 1 ? [8] : []), ...(wb & 2 ? [16] : [])];
  return { protocolMajor, protocolMinor, firmware, logicVersion, boardId, meshX, meshY, neuronsPerCore, maxFanIn, weightBits, membraneBits, leakModes, resetModes, maxLayers, maxPayload, window, spikeBuffer, fifoDepth, tickNs, clockHz };
}

// ---------------------------------------------------------------------------------------------
// PING

export function encodePing(nonce: number): Uint8Array {
  return new ByteWriter(4).u32(nonce).finish();
}
export function decodePing(p: Uint8Array): number {
  const r = new ByteReader(p, 'PING');
  const v = r.u32();
  r.end();
  return v;
}

// ---------------------------------------------------------------------------------------------
// CONFIG: the network's shape and per-layer dynamics (into the shadow image).

export interface LayerConfig {
  neurons: number;
  /** Sources feeding each neuron: the previous layer's size (or the input axons for layer 0). */
  fanIn: number;
  weightBits: 8 | 16;
  leakMode: LeakMode;
  /** shift: k in v -= v >> k; subtract: d in v -= sign(v) min(|v|, d); none: 0. */
  leak: number;
  resetMode: ResetMode;
  /** Layer's output spikes are sent to the host as SPIKE_OUT. */
  output: boolean;
}

export interface NetworkConfig {
  inputs: number;
  /** Saturation width of the membrane (signed), <= the board's membraneBits. */
  membraneBits: number;
  layers: LayerConfig[];
}

export const CONFIG_LAYER_BYTES = 12;

export function encodeConfig(c: NetworkConfig): Uint8Array {
  const w = new ByteWriter(4 + CONFIG_LAYER_BYTES * c.layers.length).u16(c.inputs).u8(c.membraneBits).u8(c.layers.length);
  for (const l of c.layers) {
    w.u16(l.neurons).u16(l.fanIn).u8(l.weightBits).u8(LEAK_MODES[l.leakMode]).u8(RESET_MODES[l.resetMode]).u8(l.output ? 1 : 0).i32(l.leak);
  }
  return w.finish();
}
export function decodeConfig(p: Uint8Array): NetworkConfig {
  const r = new ByteReader(p, 'CONFIG');
  const inputs = r.u16();
  const membraneBits = r.u8();
  const n = r.u8();
  const layers: LayerConfig[] = [];
  for (let i = 0; i < n; i++) {
    const neurons = r.u16();
    const fanIn = r.u16();
    const wb = r.u8();
    if (wb !== 8 && wb !== 16) throw new BoardError('BOARD_DECODE', `CONFIG layer ${i}: weight width ${wb}`);
    const leakMode = enumName(LEAK_MODES, r.u8(), `CONFIG layer ${i} leak mode`);
    const resetMode = enumName(RESET_MODES, r.u8(), `CONFIG layer ${i} reset mode`);
    const output = (r.u8() & 1) === 1;
    const leak = r.i32();
    layers.push({ neurons, fanIn, weightBits: wb, leakMode, leak, resetMode, output });
  }
  r.end();
  return { inputs, membraneBits, layers };
}

// ---------------------------------------------------------------------------------------------
// NEURON chunk: per-neuron bias and threshold.

export interface NeuronChunk {
  layer: number;
  start: number;
  /** Interleaved [bias, threshold] pairs, one per neuron. */
  params: Int32Array;
}
export const NEURON_CHUNK_HEADER = 5;
export function encodeNeuronChunk(c: NeuronChunk): Uint8Array {
  if (c.params.length % 2) throw new BoardError('BOARD_ENCODE', 'NEURON params must be [bias, threshold] pairs');
  const w = new ByteWriter(NEURON_CHUNK_HEADER + c.params.length * 4).u8(c.layer).u16(c.start).u16(c.params.length / 2);
  for (const v of c.params) w.i32(v);
  return w.finish();
}
export function decodeNeuronChunk(p: Uint8Array): NeuronChunk {
  const r = new ByteReader(p, 'NEURON');
  const layer = r.u8();
  const start = r.u16();
  const count = r.u16();
  const params = new Int32Array(count * 2);
  for (let i = 0; i < params.length; i++) params[i] = r.i32();
  r.end();
  return { layer, start, params };
}

// ---------------------------------------------------------------------------------------------
// ROUTE chunk: which core holds which neurons (placement on the mesh).

export interface RouteEntry {
  layer: number;
  firstNeuron: number;
  count: number;
  coreX: number;
  coreY: number;
}
export const ROUTE_ENTRY_BYTES = 7;
export interface RouteChunk {
  /** Index of the first entry in the route table. */
  start: number;
  entries: RouteEntry[];
}
export function encodeRouteChunk(c: RouteChunk): Uint8Array {
  const w = new ByteWriter(4 + ROUTE_ENTRY_BYTES * c.entries.length).u16(c.start).u16(c.entries.length);
  for (const e of c.entries) w.u8(e.layer).u16(e.firstNeuron).u16(e.count).u8(e.coreX).u8(e.coreY);
  return w.finish();
}
export function decodeRouteChunk(p: Uint8Array): RouteChunk {
  const r = new ByteReader(p, 'ROUTE');
  const start = r.u16();
  const n = r.u16();
  const entries: RouteEntry[] = [];
  for (let i = 0; i < n; i++) entries.push({ layer: r.u8(), firstNeuron: r.u16(), count: r.u16(), coreX: r.u8(), coreY: r.u8() });
  r.end();
  return { start, entries };
}

// ---------------------------------------------------------------------------------------------
// Weights: BEGIN (size and expected CRC), CHUNKs at offsets (idempotent), END (CRC check).

export interface WeightBegin {
  totalBytes: number;
  imageCrc: number;
}
export function encodeWeightBegin(m: WeightBegin): Uint8Array {
  return new ByteWriter(8).u32(m.totalBytes).u32(m.imageCrc).finish();
}
export function decodeWeightBegin(p: Uint8Array): WeightBegin {
  const r = new ByteReader(p, 'WEIGHT_BEGIN');
  const m = { totalBytes: r.u32(), imageCrc: r.u32() };
  r.end();
  return m;
}
export const WEIGHT_CHUNK_HEADER = 4;
export interface WeightChunk {
  offset: number;
  data: Uint8Array;
}
export function encodeWeightChunk(m: WeightChunk): Uint8Array {
  return new ByteWriter(4 + m.data.length).u32(m.offset).bytes(m.data).finish();
}
export function decodeWeightChunk(p: Uint8Array): WeightChunk {
  const r = new ByteReader(p, 'WEIGHT_CHUNK');
  return { offset: r.u32(), data: r.rest() };
}
/** WEIGHT_END reply: the CRC the board computed over its shadow weight buffer. */
export interface WeightEndReply {
  imageCrc: number;
  bytesWritten: number;
}
export function encodeWeightEndReply(m: WeightEndReply): Uint8Array {
  return new ByteWriter(8).u32(m.imageCrc).u32(m.bytesWritten).finish();
}
export function decodeWeightEndReply(p: Uint8Array): WeightEndReply {
  const r = new ByteReader(p, 'WEIGHT_END reply');
  const m = { imageCrc: r.u32(), bytesWritten: r.u32() };
  r.end();
  return m;
}

// ---------------------------------------------------------------------------------------------
// VERIFY / READBACK / COMMIT

export const REGIONS = { config: 0, neuron: 1, route: 2, weight: 3 } as const;
export type Region = keyof typeof REGIONS;
export const BANKS = { shadow: 0, active: 1 } as const;
export type Bank = keyof typeof BANKS;

/** CRC-32C of each region of a bank, in the region's canonical byte form (see docs). */
export interface ImageCrcs {
  config: number;
  neuron: number;
  route: number;
  weight: number;
}
export function encodeVerifyRequest(bank: Bank): Uint8Array {
  return Uint8Array.of(BANKS[bank]);
}
export function decodeVerifyRequest(p: Uint8Array): Bank {
  const r = new ByteReader(p, 'VERIFY');
  const b = enumName(BANKS, r.u8(), 'VERIFY bank');
  r.end();
  return b;
}
export function encodeImageCrcs(m: ImageCrcs): Uint8Array {
  return new ByteWriter(16).u32(m.config).u32(m.neuron).u32(m.route).u32(m.weight).finish();
}
export function decodeImageCrcs(p: Uint8Array): ImageCrcs {
  const r = new ByteReader(p, 'VERIFY reply');
  const m = { config: r.u32(), neuron: r.u32(), route: r.u32(), weight: r.u32() };
  r.end();
  return m;
}

export interface ReadbackRequest {
  region: Region;
  bank: Bank;
  offset: number;
  length: number;
}
export function encodeReadbackRequest(m: ReadbackRequest): Uint8Array {
  return new ByteWriter(8).u8(REGIONS[m.region]).u8(BANKS[m.bank]).u32(m.offset).u16(m.length).finish();
}
export function decodeReadbackRequest(p: Uint8Array): ReadbackRequest {
  const r = new ByteReader(p, 'READBACK');
  const m = { region: enumName(REGIONS, r.u8(), 'READBACK region'), bank: enumName(BANKS, r.u8(), 'READBACK bank'), offset: r.u32(), length: r.u16() };
  r.end();
  return m;
}
export interface ReadbackReply {
  offset: number;
  data: Uint8Array;
}
export function encodeReadbackReply(m: ReadbackReply): Uint8Array {
  return new ByteWriter(4 + m.data.length).u32(m.offset).bytes(m.data).finish();
}
export function decodeReadbackReply(p: Uint8Array): ReadbackReply {
  const r = new ByteReader(p, 'READBACK reply');
  return { offset: r.u32(), data: r.rest() };
}

/** COMMIT names the CRCs the host expects, so a board never activates an image the host did not send. */
export function encodeCommit(m: ImageCrcs): Uint8Array {
  return encodeImageCrcs(m);
}
export function decodeCommit(p: Uint8Array): ImageCrcs {
  return decodeImageCrcs(p);
}

// ---------------------------------------------------------------------------------------------
// RUN / STEP / STOP / RESET_STATE / STATUS

export interface RunRequest {
  /** Ticks to run; the board sends RUN_DONE after the last. */
  ticks: number;
}
export function encodeRun(m: RunRequest): Uint8Array {
  return new ByteWriter(4).u32(m.ticks).finish();
}
export function decodeRun(p: Uint8Array): RunRequest {
  const r = new ByteReader(p, 'RUN');
  const m = { ticks: r.u32() };
  r.end();
  return m;
}
export function encodeStep(ticks: number): Uint8Array {
  return new ByteWriter(2).u16(ticks).finish();
}
export function decodeStep(p: Uint8Array): number {
  const r = new ByteReader(p, 'STEP');
  const v = r.u16();
  r.end();
  return v;
}

/** Activity counters since the last RESET_STATE (u64 on the wire). */
export interface Counters {
  ticks: number;
  /** Synaptic operations: one per (delivered event, target neuron) pair. */
  synOps: number;
  /** Neuron state updates (one per neuron per tick). */
  neuronUpdates: number;
  spikesIn: number;
  spikes: number;
  spikesOut: number;
  /** AER packets times mesh hops travelled. */
  hops: number;
  /** Events dropped because a core's FIFO was full. */
  fifoDrops: number;
  /** Highest FIFO occupancy seen on any core. */
  fifoHighWater: number;
  /** Modelled clock cycles (sum over ticks of the slowest core). */
  cycles: number;
  /** SPIKE_IN frames missing by sequence number. */
  spikeGaps: number;
  /** SPIKE_IN batches for ticks already executed. */
  lateBatches: number;
}
export const COUNTER_KEYS: readonly (keyof Counters)[] = ['ticks', 'synOps', 'neuronUpdates', 'spikesIn', 'spikes', 'spikesOut', 'hops', 'fifoDrops', 'fifoHighWater', 'cycles', 'spikeGaps', 'lateBatches'];
export function zeroCounters(): Counters {
  return { ticks: 0, synOps: 0, neuronUpdates: 0, spikesIn: 0, spikes: 0, spikesOut: 0, hops: 0, fifoDrops: 0, fifoHighWater: 0, cycles: 0, spikeGaps: 0, lateBatches: 0 };
}
function writeCounters(w: ByteWriter, c: Counters): void {
  for (const k of COUNTER_KEYS) w.u64(c[k]);
}
function readCounters(r: ByteReader): Counters {
  const c = zeroCounters();
  for (const k of COUNTER_KEYS) c[k] = r.u64();
  return c;
}

export const RUN_STATES = { stopped: 0, running: 1 } as const;
export type RunState = keyof typeof RUN_STATES;

export interface Status {
  state: RunState;
  committed: boolean;
  tick: number;
  /** Ticks left of the current RUN. */
  ticksLeft: number;
  /** Highest SPIKE_IN seq the host may send now (credit, serial arithmetic mod 2^16). */
  creditSeq: number;
  counters: Counters;
}
export function encodeStatus(s: Status): Uint8Array {
  const w = new ByteWriter(16 + 8 * COUNTER_KEYS.length).u8(RUN_STATES[s.state]).u8(s.committed ? 1 : 0).u32(s.tick).u32(s.ticksLeft).u16(s.creditSeq);
  writeCounters(w, s.counters);
  return w.finish();
}
export function decodeStatus(p: Uint8Array): Status {
  const r = new ByteReader(p, 'STATUS');
  const state = enumName(RUN_STATES, r.u8(), 'STATUS state');
  const committed = r.u8() === 1;
  const tick = r.u32();
  const ticksLeft = r.u32();
  const creditSeq = r.u16();
  const counters = readCounters(r);
  r.end();
  return { state, committed, tick, ticksLeft, creditSeq, counters };
}

// ---------------------------------------------------------------------------------------------
// STATE_READ: membranes or per-neuron output spike counts of the active network.

export const STATE_REGIONS = { membrane: 0, spikeCount: 1 } as const;
export type StateRegion = keyof typeof STATE_REGIONS;
export interface StateReadRequest {
  region: StateRegion;
  layer: number;
  start: number;
  count: number;
}
export function encodeStateReadRequest(m: StateReadRequest): Uint8Array {
  return new ByteWriter(6).u8(STATE_REGIONS[m.region]).u8(m.layer).u16(m.start).u16(m.count).finish();
}
export function decodeStateReadRequest(p: Uint8Array): StateReadRequest {
  const r = new ByteReader(p, 'STATE_READ');
  const m = { region: enumName(STATE_REGIONS, r.u8(), 'STATE_READ region'), layer: r.u8(), start: r.u16(), count: r.u16() };
  r.end();
  return m;
}
export function encodeStateReadReply(values: Int32Array): Uint8Array {
  const w = new ByteWriter(2 + values.length * 4).u16(values.length);
  for (const v of values) w.i32(v);
  return w.finish();
}
export function decodeStateReadReply(p: Uint8Array): Int32Array {
  const r = new ByteReader(p, 'STATE_READ reply');
  const n = r.u16();
  const v = new Int32Array(n);
  for (let i = 0; i < n; i++) v[i] = r.i32();
  r.end();
  return v;
}

// ---------------------------------------------------------------------------------------------
// Spike channel

/** AER batch: the addresses of the events of one tick (input axons, or one layer's neurons). */
export interface SpikeBatch {
  tick: number;
  /** SPIKE_OUT: the layer index; SPIKE_IN: 0. */
  layer: number;
  ids: Uint16Array;
}
export const SPIKE_BATCH_HEADER = 7;
export function encodeSpikeBatch(m: SpikeBatch): Uint8Array {
  const w = new ByteWriter(SPIKE_BATCH_HEADER + 2 * m.ids.length).u32(m.tick).u8(m.layer).u16(m.ids.length);
  for (const id of m.ids) w.u16(id);
  return w.finish();
}
export function decodeSpikeBatch(p: Uint8Array): SpikeBatch {
  const r = new ByteReader(p, 'SPIKE batch');
  const tick = r.u32();
  const layer = r.u8();
  const n = r.u16();
  const ids = new Uint16Array(n);
  for (let i = 0; i < n; i++) ids[i] = r.u16();
  r.end();
  return { tick, layer, ids };
}

export interface TickEnd {
  tick: number;
  creditSeq: number;
  spikesOut: number;
}
export function encodeTickEnd(m: TickEnd): Uint8Array {
  return new ByteWriter(10).u32(m.tick).u16(m.creditSeq).u32(m.spikesOut).finish();
}
export function decodeTickEnd(p: Uint8Array): TickEnd {
  const r = new ByteReader(p, 'TICK_END');
  const m = { tick: r.u32(), creditSeq: r.u16(), spikesOut: r.u32() };
  r.end();
  return m;
}
export function encodeCounters(c: Counters): Uint8Array {
  const w = new ByteWriter(8 * COUNTER_KEYS.length);
  writeCounters(w, c);
  return w.finish();
}
export function decodeCounters(p: Uint8Array): Counters {
  const r = new ByteReader(p, 'counters');
  const c = readCounters(r);
  r.end();
  return c;
}

// ---------------------------------------------------------------------------------------------
// NAK / LOG

export interface Nak {
  code: number;
  requestType: number;
  message: string;
}
export function encodeNak(m: Nak): Uint8Array {
  return new ByteWriter(4 + m.message.length).u16(m.code).u8(m.requestType).str8(m.message).finish();
}
export function decodeNak(p: Uint8Array): Nak {
  const r = new ByteReader(p, 'NAK');
  return { code: r.u16(), requestType: r.u8(), message: r.str8() };
}
export const LOG_LEVELS = { debug: 0, info: 1, warn: 2, error: 3 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;
export function encodeLog(level: LogLevel, text: string): Uint8Array {
  return new ByteWriter(2 + text.length).u8(LOG_LEVELS[level]).str8(text).finish();
}
export function decodeLog(p: Uint8Array): { level: LogLevel; text: string } {
  const r = new ByteReader(p, 'LOG');
  return { level: enumName(LOG_LEVELS, r.u8(), 'LOG level'), text: r.str8() };
}
