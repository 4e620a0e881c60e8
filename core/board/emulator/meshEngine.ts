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

export interface MeshOptions {
  meshX: number;
  meshY: number;
  fifoDepth: number;
  lanes: number;
  cyclesPerHop: number;
}

interface Core {
  x: number;
  y: number;
  layer: number;
  first: number;
  count: number;
  /** [fanIn][count] rows of this core's neurons. */
  weights: Int8Array | Int16Array;
  /** int8 only: the same rows packed two neurons per word for accumulatePacked8 (else empty). */
  packed: Int32Array;
  accPacked: Int32Array;
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
  private fired: Uint16Array;

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
          const packed = weights instanceof Int8Array ? packPairs(weights, l.fanIn, r.count) : new Int32Array(0);
          return {
            x: r.coreX, y: r.coreY, layer: li, first: r.firstNeuron, count: r.count, weights, bias, threshold, packed, accPacked: new Int32Array(packed.length / Math.max(1, l.fanIn)),
            v: new Int32Array(r.count), acc: new Int32Array(r.count), fifo: new Uint16Array(opts.fifoDepth), fifoLen: 0, spikeCounts: new Int32Array(r.count),
          };
        });
      nOff += l.neurons * 8;
      wOff += l.neurons * l.fanIn * (l.weightBits / 8);
      return { neurons: l.neurons, fanIn: l.fanIn, leakCode: LEAK_MODES[l.leakMode], leak: l.leak, resetCode: RESET_MODES[l.resetMode], output: l.output, cores };
    });
    this.fired = new Uint16Array(Math.max(maxN, 1));
  }

  get layerCount(): number {
    return this.layers.length;
  }

  resetState(): void {
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
        if (core.packed.length) accumulatePacked8(acc, core.accPacked, core.packed, core.fifo, core.fifoLen, N);
        else accumulate16(acc, core.weights as Int16Array, core.fifo, core.fifoLen, N);
        c.synOps += core.fifoLen * N;
        c.neuronUpdates += N;
        const v = core.v;
        const thr = core.threshold;
        const bias = core.bias;
        const base = firedLen;
        // The board neuron of quantise.ts, inlined (this loop and the one above are the hot path).
        // Membranes are int32, so v >> k is the arithmetic shift of the spec (floor(v / 2^k)).
        const { leakCode, leak, resetCode } = layer;
        for (let j = 0; j < N; j++) {
          const v0 = v[j];
          const lv = leakCode === 1 ? v0 - (v0 >> leak) : leakCode === 2 ? (v0 > leak ? v0 - leak : v0 < -leak ? v0 + leak : 0) : v0;
          let m = lv + acc[j] + bias[j];
          if (m > satHi) m = satHi;
          else if (m < satLo) m = satLo;
          if (m >= thr[j]) {
            fired[firedLen++] = core.first + j;
            m = resetCode === 0 ? 0 : resetCode === 1 ? m - thr[j] : m;
          }
          v[j] = m;
        }
        const counts = core.spikeCounts;
        for (let k = base; k < firedLen; k++) counts[fired[k] - core.first]++;
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

  /** End (exclusive) of the run of ids below `limit` starting at k (ids are ascending). */
  private sourceEnd(src: Uint16Array, len: number, k: number, limit: number): number {
    let e = k;
    while (e < len && src[e] < limit) e++;
    return e;
  }

  membranes(layer: number): Int32Array {
    const l = this.layers[layer];
    const out = new Int32Array(l.neurons);
    for (const c of l.cores) out.set(c.v, c.first);
    return out;
  }

  spikeCounts(layer: number): Int32Array {
    const l = this.layers[layer];
    const out = new Int32Array(l.neurons);
    for (const c of l.cores) out.set(c.spikeCounts, c.first);
    return out;
  }

  layerNeurons(layer: number): number {
    return this.layers[layer].neurons;
  }
}

/**
 * int8 rows packed two per 32-bit word, each lane holding w + 128 (0..255) in 16 bits: SIMD within
 * a register (SWAR), so one JS integer add does two synaptic ops. A lane sums at most 257 events
 * before it could carry into the next (257 x 255 = 65535), so events are taken in batches of 257
 * and unpacked (minus the 128 bias per event) after each batch. Exact: same sums as accumulate16.
 */
const PACK_BATCH = 257;

function packPairs(w: Int8Array, fanIn: number, N: number): Int32Array {
  const P = (N + 1) >> 1;
  const out = new Int32Array(fanIn * P);
  for (let i = 0; i < fanIn; i++)
    for (let k = 0; k < P; k++) {
      const lo = w[i * N + 2 * k] + 128;
      // An odd last neuron pairs with a zero weight (lane value 128), unpacked and ignored.
      const hi = 2 * k + 1 < N ? w[i * N + 2 * k + 1] + 128 : 128;
      out[i * P + k] = lo | (hi << 16);
    }
  return out;
}

function accumulatePacked8(acc: Int32Array, accP: Int32Array, w: Int32Array, fifo: Uint16Array, n: number, N: number): void {
  acc.fill(0);
  const P = accP.length;
  for (let start = 0; start < n; start += PACK_BATCH) {
    const end = Math.min(n, start + PACK_BATCH);
    accP.fill(0);
    for (let e = start; e < end; e++) {
      const row = fifo[e] * P;
      // | 0 keeps the add in int32 (wrapping is the intent), avoiding a float64 path.
      for (let k = 0; k < P; k++) accP[k] = (accP[k] + w[row + k]) | 0;
    }
    const off = 128 * (end - start);
    for (let k = 0; k < P; k++) {
      const word = accP[k];
      acc[2 * k] += (word & 0xffff) - off;
      if (2 * k + 1 < N) acc[2 * k + 1] += (word >>> 16) - off;
    }
  }
}

function accumulate16(acc: Int32Array, w: Int16Array, fifo: Uint16Array, n: number, N: number): void {
  acc.fill(0);
  for (let e = 0; e < n; e++) {
    const row = fifo[e] * N;
    for (let j = 0; j < N; j++) acc[j] += w[row + j];
  }
}
