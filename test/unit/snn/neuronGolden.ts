/**
 * Hand-computed neuron traces (single neuron, N = 1) that every kernel backend must reproduce
 * exactly: the values are dyadic, so float32 arithmetic has no rounding to hide behind.
 */
import type { NeuronKernelParams } from '../../../core/snn/kernels/types';

export interface NeuronGolden {
  label: string;
  params: NeuronKernelParams;
  x: number[];
  H: number[];
  S: number[];
  V: number[];
}

const base: NeuronKernelParams = {
  decay: 1,
  inputScale: 1,
  bias: 0,
  threshold: 1,
  reset: 0,
  vReset: 0,
  vInit: 0,
  refractory: 0,
  detachReset: false,
  surrogate: 'arctan',
  surrogateAlpha: 2,
};

export const NEURON_GOLDEN: NeuronGolden[] = [
  { label: 'IF, hard reset', params: base, x: [0.5, 0.5, 0.5, 0.25, 1], H: [0.5, 1, 0.5, 0.75, 1.75], S: [0, 1, 0, 0, 1], V: [0.5, 0, 0.5, 0.75, 0] },
  {
    label: 'LIF decay form, soft reset',
    params: { ...base, decay: 0.5, reset: 1 },
    x: [0.75, 0.75, 0.75, 0, 2],
    H: [0.75, 1.125, 0.8125, 0.40625, 2.203125],
    S: [0, 1, 0, 0, 1],
    V: [0.75, 0.125, 0.8125, 0.40625, 1.203125],
  },
  {
    // V(t+1) = V + (I - (V - vReset)) / tau with tau = 2, vReset = -0.5.
    label: 'LIF tau form',
    params: { ...base, decay: 0.5, inputScale: 0.5, bias: -0.25, threshold: 0.5, vReset: -0.5, vInit: -0.5 },
    x: [1, 2, 0],
    H: [0, 0.75, -0.5],
    S: [0, 1, 0],
    V: [0, -0.5, -0.5],
  },
  { label: 'IF, refractory 2', params: { ...base, refractory: 2 }, x: [1, 1, 1, 1, 1], H: [1, 0, 0, 1, 0], S: [1, 0, 0, 1, 0], V: [0, 0, 0, 0, 0] },
  { label: 'IF, soft reset, refractory 1', params: { ...base, reset: 1, refractory: 1 }, x: [1.5, 5, 0.75, 0], H: [1.5, 0.5, 1.25, 0.25], S: [1, 0, 1, 0], V: [0.5, 0.5, 0.25, 0.25] },
  { label: 'integrator', params: { ...base, decay: 0.5, reset: 2 }, x: [1, 2, 3], H: [1, 2.5, 4.25], S: [0, 0, 0], V: [1, 2.5, 4.25] },
];
