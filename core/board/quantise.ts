/**
 * Quantiser: a trained Network (spec + weights) -> the board's fixed-point network, and the
 * capability check of that network against a board's HELLO limits.
 *
 * Board neuron (per tick t, per layer in order, all integers, docs/board-protocol.md §Neuron):
 *   I[j]  = bias[j] + sum over input spikes i at t of W[i][j]
 *   v[j]  = sat_M( leak(v[j]) + I[j] )       sat_M: clamp to the signed M-bit range
 *   spike = v[j] >= thr[j];  reset zero: v = 0;  subtract: v -= thr;  none: keep v
 *   leak shift k:    v - (v >> k)           (arithmetic shift: v (1 - 2^-k), floor)
 *   leak subtract d: v - sign(v) min(|v|, d) (linear leak toward 0, TrueNorth style)
 * Float model (core/snn/kernels/types.ts): H = decay V + inputScale x + bias, S = H >= threshold.
 * Because spikes are binary, each layer can have its own scale s_l with no rescaling between
 * layers: W_int = round(s_l inputScale W), bias_int = round(s_l (b inputScale + kernel bias)),
 * thr_int = round(s_l threshold). s_l is the largest scale that fits the weights in the chosen
 * width and keeps the threshold at most a quarter of the membrane range (headroom for
 * accumulation before saturation). This is symmetric per-layer linear quantisation
 * (Jacob et al., CVPR 2018) with the SNN threshold folded into the scale (Rueckauer et al. 2017).
 */
import { DenseLayer } from '../snn/layers/dense';
import { NeuronLayer } from '../snn/layers/neuron';
import type { NeuronKernelParams } from '../snn/kernels/types';
import type { Network } from '../snn/network';
import { ResidualBlock } from '../snn/network';
import type { DecoderSpec, EncoderSpec } from '../snn/spec';
import { BoardError } from './errors';
import type { Capabilities, LayerConfig, LeakMode, NetworkConfig, ResetMode, RouteEntry } from './messages';

/** One synaptic layer + its neuron layer, in float, as the board will run it. */
export interface FloatLayer {
  name: string;
  fanIn: number;
  neurons: number;
  /** [fanIn, neurons] row-major, inputScale folded in. */
  weight: Float32Array;
  /** Constant current per neuron and tick (dense bias * inputScale + kernel bias). */
  bias: Float32Array;
  decay: number;
  /** Infinity for a non-spiking integrator readout. */
  threshold: number;
  reset: ResetMode;
}

export interface QuantLayer extends LayerConfig {
  name: string;
  /** [fanIn, neurons] row-major (source-major: one input spike reads one contiguous row). */
  weights: Int8Array | Int16Array;
  bias: Int32Array;
  threshold: Int32Array;
  /** Integer units per float membrane unit. */
  scale: number;
}

export interface QuantNetwork {
  name: string;
  inputs: number;
  membraneBits: number;
  timesteps: number;
  encoder: EncoderSpec;
  decoder: DecoderSpec;
  layers: QuantLayer[];
  /** Approximations made (leak rounding, clipped values), for the report. */
  notes: string[];
}

export interface QuantiseOptions {
  weightBits?: 8 | 16;
  membraneBits?: number;
  leak?: 'shift' | 'subtract';
}

/** One reason the model cannot run on a board, with a message a user can act on. */
export interface Violation {
  code: 'UNSUPPORTED_LAYER' | 'UNSUPPORTED_NEURON' | 'UNSUPPORTED_ENCODER' | 'LAYER_TOO_WIDE' | 'TOO_MANY_CORES' | 'FAN_IN_TOO_LARGE' | 'TOO_MANY_LAYERS' | 'WEIGHT_BITS' | 'MEMBRANE_BITS' | 'LEAK_MODE' | 'RESET_MODE' | 'TOO_MANY_INPUTS';
  layer?: string;
  message: string;
}

export const INT32_MAX = 0x7fffffff;

/**
 * Reads the network's dense -> neuron chain with the current (learnt) parameters. Collects every
 * unsupported construct and throws one BOARD_QUANTISE error listing them all, so a user fixes the
 * model in one pass.
 */
export function extractFloatLayers(net: Network): FloatLayer[] {
  const problems: Violation[] = [];
  if (net.encoder.binary !== true)
    problems.push({ code: 'UNSUPPORTED_ENCODER', message: `the board takes spikes as input; encoder "${net.spec.encoder.type}" produces analog values (use poisson, rate or latency)` });
  if (net.layers.some((l) => l instanceof ResidualBlock)) problems.push({ code: 'UNSUPPORTED_LAYER', message: 'residual blocks are not supported on the board (feed-forward dense chains only)' });
  const out: FloatLayer[] = [];
  let pending: DenseLayer | null = null;
  for (const l of net.leafLayers()) {
    if (l.type === 'flatten' || l.type === 'dropout') continue;
    if (l instanceof DenseLayer) {
      if (pending) problems.push({ code: 'UNSUPPORTED_LAYER', layer: pending.name, message: `dense "${pending.name}" must be followed by a neuron layer` });
      pending = l;
      continue;
    }
    if (l instanceof NeuronLayer) {
      if (!pending) {
        problems.push({ code: 'UNSUPPORTED_LAYER', layer: l.name, message: `neuron layer "${l.name}" must follow a dense layer` });
        continue;
      }
      const f = neuronToFloat(pending, l, problems);
      if (f) out.push(f);
      pending = null;
      continue;
    }
    problems.push({ code: 'UNSUPPORTED_LAYER', layer: l.name, message: `layer "${l.name}" (${l.type}) has no board equivalent; the board runs dense -> neuron chains` });
  }
  if (pending) problems.push({ code: 'UNSUPPORTED_LAYER', layer: pending.name, message: `dense "${pending.name}" must be followed by a neuron layer` });
  if (out.length === 0 && problems.length === 0) problems.push({ code: 'UNSUPPORTED_LAYER', message: 'the model has no dense -> neuron layer' });
  if (problems.length) throw new QuantiseError(problems);
  return out;
}

export class QuantiseError extends BoardError {
  constructor(readonly violations: Violation[]) {
    super('BOARD_QUANTISE', violations.map((v) => v.message).join('; '));
  }
}

function neuronToFloat(d: DenseLayer, n: NeuronLayer, problems: Violation[]): FloatLayer | null {
  const spec = n.spec;
  const bad = (message: string): null => {
    problems.push({ code: 'UNSUPPORTED_NEURON', layer: n.name, message: `neuron layer "${n.name}": ${message}` });
    return null;
  };
  if (spec.model === 'alif') return bad('adaptive-threshold (alif) neurons are not supported by the board');
  if ((spec.refractory ?? 0) > 0) return bad('refractory periods are not supported by the board');
  if (spec.synapse && spec.synapse.kind !== 'instant') return bad(`${spec.synapse.kind} synapses are not supported (instant only)`);
  let kp: NeuronKernelParams;
  let reset: ResetMode;
  if (spec.model !== 'integrator' && spec.reset === 'none') {
    kp = n.kernelParams();
    reset = 'none';
  } else {
    kp = n.kernelParams();
    reset = kp.reset === 1 ? 'subtract' : kp.reset === 2 ? 'none' : 'zero';
  }
  if (reset === 'zero' && kp.vReset !== 0) return bad(`hard reset to ${kp.vReset} is not supported (the board resets to 0)`);
  if (kp.vInit !== 0) return bad(`initial membrane ${kp.vInit} is not supported (the board starts at 0)`);
  const [fanIn, units] = d.weight.shape;
  const weight = new Float32Array(d.weight.value.length);
  for (let i = 0; i < weight.length; i++) weight[i] = d.weight.value[i] * kp.inputScale;
  const bias = new Float32Array(units);
  for (let j = 0; j < units; j++) bias[j] = (d.bias ? d.bias.value[j] * kp.inputScale : 0) + kp.bias;
  return { name: n.name, fanIn, neurons: units, weight, bias, decay: kp.decay, threshold: spec.model === 'integrator' ? Infinity : kp.threshold, reset };
}

export function quantiseLayers(net: Network, layers: FloatLayer[], opts: QuantiseOptions = {}): QuantNetwork {
  const wb = opts.weightBits ?? 8;
  const mb = opts.membraneBits ?? 24;
  const qmax = 2 ** (wb - 1) - 1;
  const notes: string[] = [];
  const qlayers: QuantLayer[] = layers.map((f, li) => {
    let maxW = 0;
    for (const w of f.weight) maxW = Math.max(maxW, Math.abs(w));
    let s = maxW > 0 ? qmax / maxW : 1;
    if (Number.isFinite(f.threshold) && f.threshold > 0) s = Math.min(s, 2 ** (mb - 2) / f.threshold);
    const weights = wb === 8 ? new Int8Array(f.weight.length) : new Int16Array(f.weight.length);
    for (let i = 0; i < weights.length; i++) weights[i] = Math.max(-qmax, Math.min(qmax, Math.round(f.weight[i] * s)));
    const bias = new Int32Array(f.neurons);
    let clipped = 0;
    const mmax = 2 ** (mb - 1) - 1;
    for (let j = 0; j < f.neurons; j++) {
      const b = Math.round(f.bias[j] * s);
      if (Math.abs(b) > mmax) clipped++;
      bias[j] = Math.max(-mmax, Math.min(mmax, b));
    }
    if (clipped) notes.push(`${f.name}: ${clipped} biases clipped to the ${mb}-bit membrane range`);
    let thr: number;
    if (!Number.isFinite(f.threshold)) thr = INT32_MAX;
    else {
      thr = Math.max(1, Math.round(f.threshold * s));
      if (f.threshold <= 0) notes.push(`${f.name}: threshold ${f.threshold} <= 0 raised to 1 integer unit`);
    }
    const threshold = new Int32Array(f.neurons).fill(thr);
    const { mode, leak } = quantiseLeak(f, opts.leak ?? 'shift', thr, notes);
    return {
      name: f.name, neurons: f.neurons, fanIn: f.fanIn, weightBits: wb, leakMode: mode, leak, resetMode: f.reset,
      output: li === layers.length - 1, weights, bias, threshold, scale: s,
    };
  });
  return { name: net.spec.name, inputs: layers[0].fanIn, membraneBits: mb, timesteps: net.spec.timesteps, encoder: net.spec.encoder, decoder: net.spec.decoder, layers: qlayers, notes };
}

function quantiseLeak(f: FloatLayer, mode: 'shift' | 'subtract', thr: number, notes: string[]): { mode: LeakMode; leak: number } {
  if (f.decay >= 1) {
    if (f.decay > 1) notes.push(`${f.name}: decay ${f.decay} > 1 cannot be expressed; runs without leak`);
    return { mode: 'none', leak: 0 };
  }
  if (mode === 'shift') {
    // v (1 - 2^-k) ~ decay v: k = round(log2(1 / (1 - decay))).
    const k = f.decay <= 0 ? 0 : Math.max(0, Math.min(30, Math.round(-Math.log2(1 - f.decay))));
    const q = 1 - 2 ** -k;
    if (Math.abs(q - f.decay) > 1e-6) notes.push(`${f.name}: decay ${round4(f.decay)} becomes ${round4(q)} (shift ${k})`);
    return { mode: 'shift', leak: k };
  }
  // A linear leak removing what the exponential leak removes from a membrane at threshold.
  const d = Math.max(1, Math.round((1 - f.decay) * (thr === INT32_MAX ? 0 : thr)));
  notes.push(`${f.name}: exponential decay ${round4(f.decay)} approximated by a linear leak of ${d} units per tick`);
  return { mode: 'subtract', leak: d };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Extract + quantise in one call. */
export function quantiseNetwork(net: Network, opts: QuantiseOptions = {}): QuantNetwork {
  return quantiseLayers(net, extractFloatLayers(net), opts);
}

export function networkConfig(q: QuantNetwork): NetworkConfig {
  return {
    inputs: q.inputs,
    membraneBits: q.membraneBits,
    layers: q.layers.map((l) => ({ neurons: l.neurons, fanIn: l.fanIn, weightBits: l.weightBits, leakMode: l.leakMode, leak: l.leak, resetMode: l.resetMode, output: l.output })),
  };
}

/** Cores a layer needs on a board with `perCore` neurons per core. */
export function coresForLayer(neurons: number, perCore: number): number {
  return Math.ceil(neurons / perCore);
}

/**
 * Placement: layers fill cores in row-major order of the mesh, starting at core (0, 0) where the
 * host port attaches; each core holds neurons of one layer only (a core runs one layer's dynamics).
 */
export function placeNetwork(q: QuantNetwork, caps: Pick<Capabilities, 'meshX' | 'meshY' | 'neuronsPerCore'>): RouteEntry[] {
  const entries: RouteEntry[] = [];
  let core = 0;
  q.layers.forEach((l, li) => {
    for (let first = 0; first < l.neurons; first += caps.neuronsPerCore) {
      entries.push({ layer: li, firstNeuron: first, count: Math.min(caps.neuronsPerCore, l.neurons - first), coreX: core % caps.meshX, coreY: Math.floor(core / caps.meshX) });
      core++;
    }
  });
  return entries;
}

/** Every reason `q` does not fit `caps`; empty when it fits. */
export function checkCapabilities(q: QuantNetwork, caps: Capabilities): Violation[] {
  const v: Violation[] = [];
  const cores = caps.meshX * caps.meshY;
  if (q.layers.length > caps.maxLayers) v.push({ code: 'TOO_MANY_LAYERS', message: `the model has ${q.layers.length} layers; the board runs at most ${caps.maxLayers}` });
  if (q.inputs > 0xffff) v.push({ code: 'TOO_MANY_INPUTS', message: `the model has ${q.inputs} inputs; AER addresses are 16-bit (at most 65535)` });
  if (q.membraneBits > caps.membraneBits) v.push({ code: 'MEMBRANE_BITS', message: `quantised for a ${q.membraneBits}-bit membrane; the board has ${caps.membraneBits} bits` });
  let needed = 0;
  for (const l of q.layers) {
    const c = coresForLayer(l.neurons, caps.neuronsPerCore);
    needed += c;
    if (c > cores) v.push({ code: 'LAYER_TOO_WIDE', layer: l.name, message: `layer "${l.name}" has ${l.neurons} neurons: at ${caps.neuronsPerCore} per core it needs ${c} cores, the board has ${cores}` });
    if (l.neurons > 0xffff) v.push({ code: 'LAYER_TOO_WIDE', layer: l.name, message: `layer "${l.name}" has ${l.neurons} neurons; AER addresses are 16-bit` });
    if (l.fanIn > caps.maxFanIn) v.push({ code: 'FAN_IN_TOO_LARGE', layer: l.name, message: `layer "${l.name}" has fan-in ${l.fanIn}; the board allows at most ${caps.maxFanIn} inputs per neuron` });
    if (!caps.weightBits.includes(l.weightBits)) v.push({ code: 'WEIGHT_BITS', layer: l.name, message: `layer "${l.name}" uses int${l.weightBits} weights; the board supports ${caps.weightBits.map((b) => `int${b}`).join(', ')}` });
    if (!caps.leakModes.includes(l.leakMode)) v.push({ code: 'LEAK_MODE', layer: l.name, message: `layer "${l.name}" needs leak mode "${l.leakMode}"; the board supports ${caps.leakModes.join(', ')}` });
    if (!caps.resetModes.includes(l.resetMode)) v.push({ code: 'RESET_MODE', layer: l.name, message: `layer "${l.name}" needs reset mode "${l.resetMode}"; the board supports ${caps.resetModes.join(', ')}` });
  }
  if (needed > cores && !v.some((x) => x.code === 'LAYER_TOO_WIDE')) v.push({ code: 'TOO_MANY_CORES', message: `the model needs ${needed} cores at ${caps.neuronsPerCore} neurons per core; the board has ${cores} (${caps.meshX} x ${caps.meshY})` });
  return v;
}
