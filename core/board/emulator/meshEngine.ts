/**
 * The emulated neuromorphic fabric: cores on a 2D mesh, each holding a slice of one layer's
 * neurons, its weight rows and an input AER FIFO of finite depth. A tick runs the layers in order
 * (a layer's spikes of tick t reach the next layer in the same tick, as in the trained model):
 *   1. every event for a core enters its FIFO; beyond `fifoDepth` events it is dropped and counted
 *   2. each core pops its FIFO: one event adds its weight row to the core's accumulators
 *      (synaptic ops = events x neurons in the core)
 *   3. each core updates its neurons (leak, add, saturate, fire, reset) as in quantise.ts
 *   4. spikes are multicast by source replication: one packet per destination core, routed X then
 *      Y (dimension-order routing), so it costs |dx| + |dy| hops; output-layer spikes travel to
 *      the host port at core (0, 0)
 * With FIFOs deep enough to never overflow this is bit-exact with QuantReference; the test suite
 * checks that spike by spike.
 *
 * Cycle model (an estimate of a plausible FPGA core, not of any specific board): a core does
 * `lanes` synaptic ops or neuron updates per cycle; a hop costs `cyclesPerHop`; a layer stage
 * takes its slowest core plus its longest route; a tick is the sum of its stages.
 */
import { LEAK_MODES, RESET_MODES, type Counters, type NetworkConfig, type RouteEntry } from '../messages';
import { NATIVE_DELTA_KEYS, nativeMeshConstructor, type NativeBoardMesh, type NativeMeshSpec } from './nativeMesh';

export interface MeshOptions {
  meshX: number;
  meshY: number;
  fifoDepth: number;
  lanes: number;
  cyclesPerHop: number;
  /**
   * Tick loop: 'auto' (default) is the native addon's when it has one, else TypeScript; 'native'
   * throws when the addon lacks it; 'typescript' is the reference the native loop is tested against.
   */
  backend?: 'auto' | 'native' | 'typescript';
}

export type MeshBackend = 'native' | 'typescript';

interface Core {
  x: number;
  y: number;
  layer: number;
  first: number;
  count: number;
  /** The same rows packed several neurons per word (accumulatePacked); null on the native backend. */
  packed: PackedRows | null;
  accPacked: Float64Array;
  bias: Int32Array;
  threshold: Int32Array;
  v: Int32Array;
  acc: Int32Array;
  fifo: Uint16Array;
  fifoLen: number;
  spikeCounts: Int32Array;
}

interface LayerInfo {
  neurons: number;
  fanIn: number;
  /** 0 none, 1 shift, 2 subtract (LEAK_MODES). */
  leakCode: number;
  leak: number;
  /** 0 zero, 1 subtract, 2 none (RESET_MODES). */
  resetCode: number;
  output: boolean;
  cores: Core[];
}

export class MeshEngine {
  private readonly layers: LayerInfo[];
  private readonly satHi: number;
  private readonly satLo: number;
  readonly counters: Counters;
  readonly backend: MeshBackend;
  private fired: Uint16Array;
  private readonly native: { mesh: NativeBoardMesh; out: Uint16Array; outCounts: Int32Array; deltas: Float64Array } | null = null;

  constructor(
    cfg: NetworkConfig,
    neuronRegion: Uint8Array,
    weightRegion: Uint8Array,
    routes: readonly RouteEntry[],
    private readonly opts: MeshOptions,
    counters: Counters,
  ) {
    this.counters = counters;
    this.satHi = 2 ** (cfg.membraneBits - 1) - 1;
    this.satLo = -(2 ** (cfg.membraneBits - 1));
    const nv = new DataView(neuronRegion.buffer, neuronRegion.byteOffset, neuronRegion.byteLength);
    const wv = new DataView(weightRegion.buffer, weightRegion.byteOffset, weightRegion.byteLength);
    let nOff = 0;
    let wOff = 0;
    let maxN = 0;
    const Native = opts.backend === 'typescript' ? null : nativeMeshConstructor();
    if (opts.backend === 'native' && !Native) throw new Error('MeshEngine: the native addon has no BoardMesh (build it with `npm run build:native`)');
    this.backend = Native ? 'native' : 'typescript';
    const nativeSpec: NativeMeshSpec = { membraneBits: cfg.membraneBits, fifoDepth: opts.fifoDepth, lanes: opts.lanes, cyclesPerHop: opts.cyclesPerHop, layers: [] };
    this.layers = cfg.layers.map((l, li) => {
      maxN = Math.max(maxN, l.neurons);
      const cores: Core[] = routes
        .filter((r) => r.layer === li)
        .sort((a, b) => a.firstNeuron - b.firstNeuron)
        .map((r) => {
          const bias = new Int32Array(r.count);
          const threshold = new Int32Array(r.count);
          for (let j = 0; j < r.count; j++) {
            const o = nOff + (r.firstNeuron + j) * 8;
            bias[j] = nv.getInt32(o, true);
            threshold[j] = nv.getInt32(o + 4, true);
          }
          const weights = l.weightBits === 8 ? new Int8Array(l.fanIn * r.count) : new Int16Array(l.fanIn * r.count);
          const bytes = l.weightBits / 8;
          for (let i = 0; i < l.fanIn; i++)
            for (let j = 0; j < r.count; j++) {
              const o = wOff + (i * l.neurons + r.firstNeuron + j) * bytes;
              weights[i * r.count + j] = bytes === 1 ? wv.getInt8(o) : wv.getInt16(o, true);
            }
          if (Native) {
            let spec = nativeSpec.layers[li];
            if (!spec) spec = nativeSpec.layers[li] = { neurons: l.neurons, fanIn: l.fanIn, leakCode: LEAK_MODES[l.leakMode], leak: l.leak, resetCode: RESET_MODES[l.resetMode], output: l.output, cores: [] };
            spec.cores.push({ x: r.coreX, y: r.coreY, first: r.firstNeuron, count: r.count, weights, bias, threshold });
          }
          const packed = Native ? null : packRows(weights, l.fanIn, r.count);
          return {
            x: r.coreX, y: r.coreY, layer: li, first: r.firstNeuron, count: r.count, bias, threshold, packed, accPacked: new Float64Array(packed ? packed.words : 0),
            v: new Int32Array(r.count), acc: new Int32Array(r.count), fifo: new Uint16Array(opts.fifoDepth), fifoLen: 0, spikeCounts: new Int32Array(r.count),
          };
        });
      nOff += l.neurons * 8;
      wOff += l.neurons * l.fanIn * (l.weightBits / 8);
      return { neurons: l.neurons, fanIn: l.fanIn, leakCode: LEAK_MODES[l.leakMode], leak: l.leak, resetCode: RESET_MODES[l.resetMode], output: l.output, cores };
    });
    this.fired = new Uint16Array(Math.max(maxN, 1));
    if (Native) {
      // A layer without cores gets an empty entry so the native side sees every layer.
      cfg.layers.forEach((l, li) => {
        nativeSpec.layers[li] ??= { neurons: l.neurons, fanIn: l.fanIn, leakCode: LEAK_MODES[l.leakMode], leak: l.leak, resetCode: RESET_MODES[l.resetMode], output: l.output, cores: [] };
      });
      let outCap = 0;
      for (const l of cfg.layers) if (l.output) outCap += l.neurons;
      this.native = { mesh: new Native(nativeSpec), out: new Uint16Array(Math.max(outCap, 1)), outCounts: new Int32Array(cfg.layers.length), deltas: new Float64Array(NATIVE_DELTA_KEYS.length) };
    }
  }

  get layerCount(): number {
    return this.layers.length;
  }

  resetState(): void {
    this.native?.mesh.reset();
    for (const l of this.layers)
      for (const c of l.cores) {
        c.v.fill(0);
        c.spikeCounts.fill(0);
      }
  }

  /**
   * Runs one tick. `input` are input axon ids; `emit(layer, ids)` receives each output layer's
   * spikes (ids ascending; the array is reused, copy to keep).
   */
  tick(input: Uint16Array, emit: (layer: number, ids: Uint16Array) => void): void {
    if (this.native) return this.tickNative(input, emit);
    const c = this.counters;
    const { lanes, cyclesPerHop, fifoDepth } = this.opts;
    const { satHi, satLo } = this;
    let src = input;
    let srcLen = input.length;
    // Source of the current events: the host port for layer 0, else the previous layer's cores.
    let srcCores: Core[] | null = null;
    let tickCycles = 0;
    c.spikesIn += input.length;
    for (let li = 0; li < this.layers.length; li++) {
      const layer = this.layers[li];
      let stageCycles = 0;
      let maxHops = 0;
      // 1. Deliver: every event to every core of this layer, in source order.
      for (const core of layer.cores) {
        let n = 0;
        if (srcCores === null) {
          const h = core.x + core.y;
          maxHops = Math.max(maxHops, h);
          c.hops += h * srcLen;
          n = Math.min(srcLen, fifoDepth);
          core.fifo.set(src.subarray(0, n));
        } else {
          // Spikes arrive grouped by source core (each source core sends its packets in id order).
          let k = 0;
          for (const sc of srcCores) {
            const h = Math.abs(sc.x - core.x) + Math.abs(sc.y - core.y);
            const end = this.sourceEnd(src, srcLen, k, sc.first + sc.count);
            const packets = end - k;
            if (packets > 0) {
              maxHops = Math.max(maxHops, h);
              c.hops += h * packets;
            }
            for (; k < end; k++) if (n < fifoDepth) core.fifo[n++] = src[k];
          }
        }
        const dropped = srcLen - n;
        if (dropped > 0) c.fifoDrops += dropped;
        if (n > c.fifoHighWater) c.fifoHighWater = n;
        core.fifoLen = n;
      }
      // 2 + 3. Integrate and fire, core by core; spikes collected in ascending neuron id.
      let firedLen = 0;
      const fired = this.fired;
      for (const core of layer.cores) {
        const N = core.count;
        const acc = core.acc;
        accumulatePacked(acc, core.accPacked, core.packed as PackedRows, core.fifo, core.fifoLen, N);
        c.synOps += core.fifoLen * N;
        c.neuronUpdates += N;
        firedLen = updateNeurons(core, acc, layer.leakCode, layer.leak, layer.resetCode, satHi, satLo, fired, firedLen);
        const coreCycles = Math.ceil((core.fifoLen * N) / lanes) + Math.ceil(N / lanes);
        if (coreCycles > stageCycles) stageCycles = coreCycles;
      }
      c.spikes += firedLen;
      tickCycles += stageCycles + maxHops * cyclesPerHop;
      const ids = fired.subarray(0, firedLen);
      if (layer.output) {
        // To the host port at (0, 0).
        let h = 0;
        for (const core of layer.cores) h = Math.max(h, core.x + core.y);
        for (let k = 0, ci = 0; k < firedLen; k++) {
          while (ids[k] >= layer.cores[ci].first + layer.cores[ci].count) ci++;
          c.hops += layer.cores[ci].x + layer.cores[ci].y;
        }
        tickCycles += h * cyclesPerHop;
        c.spikesOut += firedLen;
        emit(li, ids);
      }
      // The next layer reads these spikes; copy since `fired` is reused.
      src = ids.slice();
      srcLen = firedLen;
      srcCores = layer.cores;
    }
    c.cycles += tickCycles;
    c.ticks++;
  }

  private tickNative(input: Uint16Array, emit: (layer: number, ids: Uint16Array) => void): void {
    const { mesh, out, outCounts, deltas } = this.native as NonNullable<MeshEngine['native']>;
    mesh.tick(input, out, outCounts, deltas);
    const c = this.counters;
    for (let k = 0; k < NATIVE_DELTA_KEYS.length; k++) {
      const key = NATIVE_DELTA_KEYS[k];
      if (key === 'fifoHighWater') c.fifoHighWater = Math.max(c.fifoHighWater, deltas[k]);
      else c[key] += deltas[k];
    }
    let o = 0;
    for (let li = 0; li < this.layers.length; li++) {
      if (!this.layers[li].output) continue;
      emit(li, out.subarray(o, o + outCounts[li]));
      o += outCounts[li];
    }
  }

  /** End (exclusive) of the run of ids below `limit` starting at k (ids are ascending). */
  private sourceEnd(src: Uint16Array, len: number, k: number, limit: number): number {
    let e = k;
    while (e < len && src[e] < limit) e++;
    return e;
  }

  membranes(layer: number): Int32Array {
    const l = this.layers[layer];
    const out = new Int32Array(l.neurons);
    if (this.native) {
      this.native.mesh.read(0, layer, out);
      return out;
    }
    for (const c of l.cores) out.set(c.v, c.first);
    return out;
  }

  spikeCounts(layer: number): Int32Array {
    const l = this.layers[layer];
    const out = new Int32Array(l.neurons);
    if (this.native) {
      this.native.mesh.read(1, layer, out);
      return out;
    }
    for (const c of l.cores) out.set(c.spikeCounts, c.first);
    return out;
  }

  layerNeurons(layer: number): number {
    return this.layers[layer].neurons;
  }
}

/**
 * The board neuron of quantise.ts for one core (leak, add, saturate, fire, reset); appends the ids
 * that fired to `fired` and returns the new length. Membranes are int32, so v >> k is the
 * arithmetic shift of the spec (floor(v / 2^k)). A separate small function so V8 optimises it
 * on its own.
 */
function updateNeurons(core: Core, acc: Int32Array, leakCode: number, leak: number, resetCode: number, satHi: number, satLo: number, fired: Uint16Array, firedLen: number): number {
  const v = core.v;
  const thr = core.threshold;
  const bias = core.bias;
  const counts = core.spikeCounts;
  const first = core.first;
  const N = core.count;
  let n = firedLen;
  for (let j = 0; j < N; j++) {
    const v0 = v[j];
    const lv = leakCode === 1 ? v0 - (v0 >> leak) : leakCode === 2 ? (v0 > leak ? v0 - leak : v0 < -leak ? v0 + leak : 0) : v0;
    let m = lv + acc[j] + bias[j];
    if (m > satHi) m = satHi;
    else if (m < satLo) m = satLo;
    const t = thr[j];
    if (m >= t) {
      fired[n++] = first + j;
      counts[j]++;
      m = resetCode === 0 ? 0 : resetCode === 1 ? m - t : m;
    }
    v[j] = m;
  }
  return n;
}

/**
 * Weight rows packed several neurons per float64 word (SIMD within a register): lane q of a word
 * holds w + bias (bias 128 for int8, 32768 for int16, so lanes are non-negative) at bit offset
 * q * bits, and one float64 add performs `lanes` synaptic ops. float64 integers are exact below
 * 2^53, and a lane can absorb `batch` events before it would carry into the next one, so events are
 * summed in batches and the lanes unpacked (minus bias x events) after each batch. The result is
 * exactly the plain sum; the bit-exactness tests compare it with the reference simulator.
 *   int8:  3 lanes x 17 bits (51 bits), batch 514  (514 x 255 < 2^17)
 *   int16: 2 lanes x 26 bits (52 bits), batch 1024 (1024 x 65535 < 2^26)
 */
export interface PackedRows {
  lanes: number;
  /** 2^bits: the lane radix. */
  radix: number;
  bias: number;
  batch: number;
  /** Words per row. */
  words: number;
  data: Float64Array;
}

export function packRows(w: Int8Array | Int16Array, fanIn: number, N: number): PackedRows {
  const int8 = w instanceof Int8Array;
  const lanes = int8 ? 3 : 2;
  const radix = 2 ** (int8 ? 17 : 26);
  const bias = int8 ? 128 : 32768;
  const batch = int8 ? 514 : 1024;
  const words = Math.ceil(N / lanes);
  const data = new Float64Array(fanIn * words);
  for (let i = 0; i < fanIn; i++)
    for (let k = 0; k < words; k++) {
      let v = 0;
      // Highest lane first (Horner); lanes past the last neuron hold a zero weight.
      for (let q = lanes - 1; q >= 0; q--) {
        const j = k * lanes + q;
        v = v * radix + (j < N ? w[i * N + j] : 0) + bias;
      }
      data[i * words + k] = v;
    }
  return { lanes, radix, bias, batch, words, data };
}

function accumulatePacked(acc: Int32Array, accP: Float64Array, p: PackedRows, fifo: Uint16Array, n: number, N: number): void {
  acc.fill(0);
  const P = p.words;
  const w = p.data;
  for (let start = 0; start < n; start += p.batch) {
    const end = Math.min(n, start + p.batch);
    accP.fill(0);
    for (let e = start; e < end; e++) {
      const row = fifo[e] * P;
      for (let k = 0; k < P; k++) accP[k] += w[row + k];
    }
    const off = p.bias * (end - start);
    const radix = p.radix;
    // radix is a power of two, so multiplying by its inverse is exact (and much cheaper than %).
    const inv = 1 / radix;
    for (let k = 0; k < P; k++) {
      let v = accP[k];
      for (let q = 0, j = k * p.lanes; q < p.lanes; q++, j++) {
        const hi = Math.floor(v * inv);
        if (j < N) acc[j] += v - hi * radix - off;
        v = hi;
      }
    }
  }
}
