/**
 * Versioned JSON model spec: what a network is, separate from how any backend runs it.
 * The engine compiles a spec into layers (core/snn/build.ts); the board exporter, the emulator and
 * the UI read the same spec. Validation, JSON Schema and shape inference live in specValidate.ts.
 */
import type { SurrogateKind } from './kernels/types';

export const MODEL_SPEC_FORMAT = 'spikelab.model';
export const MODEL_SPEC_VERSION = 1;

export interface SurrogateSpec {
  kind: SurrogateKind;
  /** Sharpness; meaning per kind is documented in surrogates.ts. */
  alpha: number;
}

/** Neuron dynamics of a spiking layer. */
export interface NeuronSpec {
  /** if: integrate-and-fire; lif: leaky (form selects equation); plif: LIF with learnable tau;
   *  alif: adaptive-threshold LIF; integrator: non-spiking, accumulates membrane (readout). */
  model: 'if' | 'lif' | 'plif' | 'alif' | 'integrator';
  /** LIF equation: 'decay' V = beta V + I; 'tau' V(t+1) = V(t) + (I - (V - vReset)) / tau. */
  form?: 'decay' | 'tau';
  beta?: number;
  tau?: number;
  threshold?: number;
  learnThreshold?: boolean;
  reset?: 'hard' | 'soft' | 'none';
  vReset?: number;
  refractory?: number;
  detachReset?: boolean;
  surrogate?: SurrogateSpec;
  /** alif: threshold adaptation decay rho and increment per spike. */
  adaptDecay?: number;
  adaptStrength?: number;
  /** Synapse dynamics in front of the membrane. */
  synapse?: { kind: 'instant' } | { kind: 'exponential'; tauSyn: number } | { kind: 'alpha'; tauSyn: number };
}

export type LayerSpec =
  | { type: 'dense'; name?: string; units: number; bias?: boolean }
  | { type: 'conv2d'; name?: string; filters: number; kernel: number | [number, number]; stride?: number | [number, number]; padding?: number | [number, number] | 'same'; groups?: number; bias?: boolean }
  | { type: 'avgpool'; name?: string; size: number; stride?: number }
  | { type: 'maxpool'; name?: string; size: number; stride?: number }
  | { type: 'flatten'; name?: string }
  /** ANN-side ReLU, for networks trained as ANNs and converted (core/train/conversion). */
  | { type: 'relu'; name?: string }
  | { type: 'batchnorm'; name?: string; momentum?: number; eps?: number }
  /** Threshold-dependent BN (Zheng et al., AAAI 2021): normalises over T and batch to alpha * Vth. */
  | { type: 'tdbn'; name?: string; alpha?: number; threshold?: number; momentum?: number; eps?: number }
  | { type: 'dropout'; name?: string; rate: number }
  | { type: 'delay'; name?: string; steps: number }
  | { type: 'neuron'; name?: string; neuron: NeuronSpec }
  | { type: 'residual'; name?: string; layers: LayerSpec[]; shortcut?: LayerSpec[] };

export type EncoderSpec =
  | { type: 'poisson'; gain?: number }
  | { type: 'rate' }
  | { type: 'latency'; mode: 'linear' | 'log'; tau?: number; threshold?: number }
  | { type: 'dct'; blocks?: number }
  | { type: 'direct' };

export type DecoderSpec =
  | { type: 'spikeCount' }
  | { type: 'rate' }
  | { type: 'membrane'; reduce?: 'last' | 'max' | 'mean' }
  | { type: 'firstSpike' }
  | { type: 'voting'; classes: number };

export interface ModelSpec {
  format: typeof MODEL_SPEC_FORMAT;
  version: number;
  name: string;
  /** Per-sample input shape, e.g. [784] or [1, 28, 28] (channels, height, width). */
  input: number[];
  timesteps: number;
  encoder: EncoderSpec;
  layers: LayerSpec[];
  decoder: DecoderSpec;
}
