/**
 * What the method picker knows about each training method registered in core/train/index.ts:
 * title, family, a description, the papers it follows and its option table (the same table the
 * method validates `methodOptions` with, so the UI, the CLI and the trainer cannot disagree).
 * Plasticity rules describe themselves in core/plasticity/methodInfo.ts; the lab joins both lists.
 */
import type { MethodInfo, MethodOptionInfo } from '../api/contractMethods';
import { ADM_OPTIONS } from './adm';
import { ASF_OPTIONS } from './asf';
import { BPTT_OPTIONS } from './bptt';
import { CONVERSION_OPTIONS } from './conversion/index';
import { HYBRID_OPTIONS } from './hybrid';
import { parseOptions, type OptionRule, type OptionTable } from './methodKit';
import { SINGLE_SPIKE_OPTIONS } from './singleSpike';

export interface MethodCatalogEntry {
  name: string;
  title: string;
  family: MethodInfo['family'];
  description: string;
  references: string[];
  options: OptionTable;
}

const RUECKAUER_2017 = 'Rueckauer, Lungu, Hu, Pfeiffer & Liu, "Conversion of Continuous-Valued Deep Networks to Efficient Event-Driven Networks for Image Classification", Front. Neurosci. 11:682, 2017';
const DIEHL_2015_CONV = 'Diehl, Neil, Binas, Cook, Liu & Pfeiffer, "Fast-Classifying, High-Accuracy Spiking Deep Networks Through Weight and Threshold Balancing", IJCNN 2015';

export const METHOD_CATALOG: readonly MethodCatalogEntry[] = [
  {
    name: 'bptt',
    title: 'Surrogate-gradient BPTT',
    family: 'spatio-temporal',
    description: 'Unrolls the network over T steps and backpropagates through time with a surrogate spike derivative; the most general method (any neuron, encoder and decoder), memory and time grow with T.',
    references: [
      'Neftci, Mostafa & Zenke, "Surrogate Gradient Learning in Spiking Neural Networks", IEEE Signal Processing Magazine 36(6), 2019',
      'Wu, Deng, Li, Zhu & Shi, "Spatio-Temporal Backpropagation for Training High-Performance Spiking Neural Networks", Front. Neurosci. 12:331, 2018',
    ],
    options: BPTT_OPTIONS,
  },
  {
    name: 'conversion',
    title: 'ANN-to-SNN conversion (rate)',
    family: 'conversion',
    description: 'Trains the ReLU counterpart of the model, normalises its weights (or balances thresholds) and swaps ReLU for IF neurons with reset by subtraction; reports accuracy against T = 1..256 beside the ANN.',
    references: [RUECKAUER_2017, DIEHL_2015_CONV, 'Sengupta, Ye, Wang, Liu & Roy, "Going Deeper in Spiking Neural Networks: VGG and Residual Architectures", Front. Neurosci. 13:95, 2019'],
    options: CONVERSION_OPTIONS,
  },
  {
    name: 'conversion-ttfs',
    title: 'ANN-to-SNN conversion (TTFS)',
    family: 'conversion',
    description: 'The same conversion with time-to-first-spike coding, one spike per neuron in layer-wise windows; reports the TTFS curve beside the rate curve.',
    references: [
      'Stanojevic, Wozniak, Bellec, Cherubini, Pantazi & Gerstner, "An Exact Mapping From ReLU Networks to Spiking Neural Networks", Neural Networks 168, 2023',
      'Rueckauer & Liu, "Conversion of Analog to Spiking Neural Networks Using Sparse Temporal Coding", ISCAS 2018',
      RUECKAUER_2017,
    ],
    options: CONVERSION_OPTIONS,
  },
  {
    name: 'asf',
    title: 'Accumulated Spiking Flow',
    family: 'spatial',
    description: 'Forward over T steps, one backward pass over the accumulated input and output flows of each layer; backward cost does not grow with T.',
    references: ['Wu, Chua, Zhang, Li, Li & Pan, "Training Spiking Neural Networks with Accumulated Spiking Flow", AAAI 2021'],
    options: ASF_OPTIONS,
  },
  {
    name: 'adm',
    title: 'Approximate derivative method',
    family: 'spatial',
    description: 'Spike-count based backpropagation: the output membrane over T is the logit, errors go back through per-neuron spike-rate derivatives.',
    references: ['Lee, Sarwar, Panda, Srinivasan & Roy, "Enabling Spike-Based Backpropagation for Training Deep Neural Network Architectures", Front. Neurosci. 14:119, 2020'],
    options: ADM_OPTIONS,
  },
  {
    name: 'hybrid',
    title: 'Hybrid: conversion + BPTT (DIET-SNN)',
    family: 'hybrid',
    description: 'Conversion as initialisation, then a few epochs of BPTT at a small T with learnable leak and threshold per layer; reports the converted network\'s accuracy against T before fine-tuning.',
    references: [
      'Rathi & Roy, "DIET-SNN: A Low-Latency Spiking Neural Network with Direct Input Encoding and Leakage and Threshold Optimization", IEEE TNNLS, 2021',
      'Rathi, Srinivasan, Panda & Roy, "Enabling Deep Spiking Neural Networks with Hybrid Conversion and Spike Timing Dependent Backpropagation", ICLR 2020',
    ],
    options: HYBRID_OPTIONS,
  },
  {
    name: 'single-spike',
    title: 'Single-spike temporal backprop (S4NN)',
    family: 'temporal',
    description: 'Latency-coded input, non-leaky IF neurons that fire at most once, first-spike readout; gradients on spike times with relative targets.',
    references: ['Kheradpisheh & Masquelier, "Temporal Backpropagation for Spiking Neural Networks with One Spike per Neuron", Int. J. Neural Systems 30(6), 2020'],
    options: SINGLE_SPIKE_OPTIONS,
  },
  {
    name: 'diehl-cook',
    title: 'Diehl & Cook unsupervised STDP',
    family: 'plasticity',
    description: 'Excitatory/inhibitory network learning MNIST digits with STDP, adaptive thresholds and lateral inhibition; neurons are labelled after training. Run settings map to its schedule (see docs/methods/diehl-cook.md).',
    references: ['Diehl & Cook, "Unsupervised Learning of Digit Recognition Using Spike-Timing-Dependent Plasticity", Front. Comput. Neurosci. 9:99, 2015'],
    options: {},
  },
];

export function findCatalogEntry(name: string): MethodCatalogEntry | null {
  return METHOD_CATALOG.find((e) => e.name === name) ?? null;
}

/** An option table as the contract's MethodOptionInfo list (what the picker renders). */
export function optionInfos(table: OptionTable): MethodOptionInfo[] {
  return Object.entries(table).map(([key, def]) => {
    const r = def.rule;
    const info: MethodOptionInfo = { key, kind: r.kind, default: Array.isArray(r.default) ? [...(r.default as number[])] : (r.default as number | string | boolean), doc: def.doc };
    if (r.kind === 'number' || r.kind === 'numbers') {
      if (r.min !== undefined) info.min = r.min;
      if (r.integer) info.integer = true;
    }
    if (r.kind === 'number' && r.max !== undefined) info.max = r.max;
    if (r.kind === 'enum') info.values = [...r.values];
    return info;
  });
}

/** The inverse of optionInfos: lets options described only as MethodOptionInfo (plasticity rules) be validated the same way. */
export function optionTableOf(options: readonly MethodOptionInfo[]): OptionTable {
  const table: OptionTable = {};
  for (const o of options) {
    let rule: OptionRule;
    if (o.kind === 'number') rule = { kind: 'number', default: o.default as number, ...(o.min !== undefined ? { min: o.min } : {}), ...(o.max !== undefined ? { max: o.max } : {}), ...(o.integer ? { integer: true } : {}) };
    else if (o.kind === 'enum') rule = { kind: 'enum', default: o.default as string, values: o.values ?? [] };
    else if (o.kind === 'bool') rule = { kind: 'bool', default: o.default as boolean };
    else rule = { kind: 'numbers', default: o.default as number[], ...(o.min !== undefined ? { min: o.min } : {}), ...(o.integer ? { integer: true } : {}) };
    table[o.key] = { rule, doc: o.doc };
  }
  return table;
}

/** Validates a method's raw options against its option list; throws MethodError (METHOD_OPTIONS) naming the field. */
export function checkMethodOptions(method: string, options: readonly MethodOptionInfo[], raw: Record<string, unknown>): void {
  parseOptions(method, optionTableOf(options), raw);
}
