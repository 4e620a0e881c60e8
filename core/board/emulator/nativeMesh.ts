/**
 * The native addon's tick loop for MeshEngine (native/src/emulator.cc), when the addon is built and
 * has it. Plain typed arrays cross the boundary; the arguments are checked here and in C++, and the
 * TypeScript MeshEngine stays the parity oracle (test/unit/board/nativeEmulator.test.ts).
 */
import { optionalNativeExport } from '../../native/loader';

export interface NativeMeshCore {
  x: number;
  y: number;
  first: number;
  count: number;
  /** [fanIn][count] row-major, this core's columns of the layer's weights. */
  weights: Int8Array | Int16Array;
  bias: Int32Array;
  threshold: Int32Array;
}

export interface NativeMeshSpec {
  membraneBits: number;
  fifoDepth: number;
  lanes: number;
  cyclesPerHop: number;
  layers: { neurons: number; fanIn: number; leakCode: number; leak: number; resetCode: number; output: boolean; cores: NativeMeshCore[] }[];
}

/** Counter deltas written by tick(), in this order (the first ten of COUNTER_KEYS). */
export const NATIVE_DELTA_KEYS = ['ticks', 'synOps', 'neuronUpdates', 'spikesIn', 'spikes', 'spikesOut', 'hops', 'fifoDrops', 'fifoHighWater', 'cycles'] as const;

export interface NativeBoardMesh {
  /** Runs one tick; returns how many output spikes it wrote to `out` (outCounts[l] per layer). */
  tick(input: Uint16Array, out: Uint16Array, outCounts: Int32Array, deltas: Float64Array): number;
  reset(): void;
  /** region 0: membranes, 1: spike counts of a layer, into `out`. */
  read(region: 0 | 1, layer: number, out: Int32Array): void;
}

type NativeMeshConstructor = new (spec: NativeMeshSpec) => NativeBoardMesh;

/** The addon's BoardMesh class, or null (addon not built, too old, or SPIKELAB_KERNELS=reference). */
export function nativeMeshConstructor(): NativeMeshConstructor | null {
  return optionalNativeExport('BoardMesh') as NativeMeshConstructor | null;
}
