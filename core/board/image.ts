/**
 * The board image: four regions in canonical byte form. The host builds them from a QuantNetwork,
 * the board fills its shadow copies from CONFIG / NEURON / ROUTE / WEIGHT_* messages, and VERIFY /
 * COMMIT compare the CRC-32C of each region, so both sides checksum exactly the same bytes.
 *   config: the CONFIG payload
 *   neuron: per layer in order, per neuron: bias i32 LE, threshold i32 LE
 *   route:  the route entries, 7 bytes each (layer u8, first u16, count u16, x u8, y u8)
 *   weight: per layer in order, [fanIn][neurons] weights, int8, or int16 LE
 */
import { crc32c } from './crc32c';
import { BoardError } from './errors';
import { encodeConfig, ROUTE_ENTRY_BYTES, type Capabilities, type ImageCrcs, type NetworkConfig, type RouteEntry } from './messages';
import { networkConfig, placeNetwork, type QuantNetwork } from './quantise';

export interface BoardImage {
  config: Uint8Array;
  neuron: Uint8Array;
  route: Uint8Array;
  weight: Uint8Array;
  routes: RouteEntry[];
}

export function neuronRegionBytes(c: NetworkConfig): number {
  return c.layers.reduce((a, l) => a + l.neurons * 8, 0);
}
export function weightRegionBytes(c: NetworkConfig): number {
  return c.layers.reduce((a, l) => a + l.neurons * l.fanIn * (l.weightBits / 8), 0);
}
/** Byte offset of layer `li` in the neuron region. */
export function neuronLayerOffset(c: NetworkConfig, li: number): number {
  let o = 0;
  for (let i = 0; i < li; i++) o += c.layers[i].neurons * 8;
  return o;
}

export function encodeRouteEntries(entries: readonly RouteEntry[]): Uint8Array {
  const b = new Uint8Array(entries.length * ROUTE_ENTRY_BYTES);
  const v = new DataView(b.buffer);
  entries.forEach((e, i) => {
    const o = i * ROUTE_ENTRY_BYTES;
    v.setUint8(o, e.layer);
    v.setUint16(o + 1, e.firstNeuron, true);
    v.setUint16(o + 3, e.count, true);
    v.setUint8(o + 5, e.coreX);
    v.setUint8(o + 6, e.coreY);
  });
  return b;
}
export function decodeRouteEntries(b: Uint8Array): RouteEntry[] {
  if (b.length % ROUTE_ENTRY_BYTES) throw new BoardError('BOARD_DECODE', `route region of ${b.length} bytes is not a whole number of entries`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: RouteEntry[] = [];
  for (let o = 0; o < b.length; o += ROUTE_ENTRY_BYTES)
    out.push({ layer: v.getUint8(o), firstNeuron: v.getUint16(o + 1, true), count: v.getUint16(o + 3, true), coreX: v.getUint8(o + 5), coreY: v.getUint8(o + 6) });
  return out;
}

export function buildImage(q: QuantNetwork, caps: Pick<Capabilities, 'meshX' | 'meshY' | 'neuronsPerCore'>): BoardImage {
  const cfg = networkConfig(q);
  const neuron = new Uint8Array(neuronRegionBytes(cfg));
  const nv = new DataView(neuron.buffer);
  let o = 0;
  for (const l of q.layers)
    for (let j = 0; j < l.neurons; j++) {
      nv.setInt32(o, l.bias[j], true);
      nv.setInt32(o + 4, l.threshold[j], true);
      o += 8;
    }
  const weight = new Uint8Array(weightRegionBytes(cfg));
  const wv = new DataView(weight.buffer);
  o = 0;
  for (const l of q.layers) {
    if (l.weightBits === 8) {
      weight.set(new Uint8Array(l.weights.buffer, l.weights.byteOffset, l.weights.length), o);
      o += l.weights.length;
    } else {
      for (let i = 0; i < l.weights.length; i++, o += 2) wv.setInt16(o, l.weights[i], true);
    }
  }
  const routes = placeNetwork(q, caps);
  return { config: encodeConfig(cfg), neuron, route: encodeRouteEntries(routes), weight, routes };
}

export function imageCrcs(img: Pick<BoardImage, 'config' | 'neuron' | 'route' | 'weight'>): ImageCrcs {
  return { config: crc32c(img.config), neuron: crc32c(img.neuron), route: crc32c(img.route), weight: crc32c(img.weight) };
}
