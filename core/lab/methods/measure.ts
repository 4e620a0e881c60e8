/**
 * Accuracy against T of a finished run's final weights (measureCurve). The weights belong to the
 * network the method trained or produced, which is not always config.model: conversion saves the
 * converted SNN, ASF/ADM an integrator-readout SNN, hybrid a PLIF network. Each method's network at
 * a given T is rebuilt here from the same spec functions the trainers use.
 */
import { ApiError, type RunConfig } from '../../api/contract';
import type { AccuracyCurve } from '../../api/contractMethods';
import { buildNetwork } from '../../snn/build';
import type { Kernels } from '../../snn/kernels/types';
import type { ModelSpec } from '../../snn/spec';
import { flowSnnSpec } from '../../train/asf';
import { evaluate, type Dataset } from '../../train/bptt';
import { CONVERSION_OPTIONS, conversionAnnSpec } from '../../train/conversion/index';
import { rateCurve, ttfsCurve } from '../../train/conversion/evaluate';
import { snnSpecFromAnn } from '../../train/conversion/specs';
import { HYBRID_OPTIONS, hybridSnnSpec } from '../../train/hybrid';
import { parseOptions, rawMethodOptions, splitSegments } from '../../train/methodKit';
import { SURROGATE_KINDS } from '../../snn/surrogates';

export type MeasuredCurve = Omit<AccuracyCurve, 'runId' | 'createdAt'>;

/** Methods whose saved weights load into a network rebuilt here at any T. */
export const MEASURABLE_METHODS: readonly string[] = ['bptt', 'conversion', 'conversion-ttfs', 'asf', 'adm', 'hybrid'];

/** Reasons a finished run cannot be re-measured; null when it can. Checked before a worker starts. */
export function unmeasurableReason(config: RunConfig): string | null {
  if (!MEASURABLE_METHODS.includes(config.method)) return `accuracy against T is measured for runs of ${MEASURABLE_METHODS.join(', ')}; this run used ${config.method}, whose network is not a fixed-T feed-forward SNN`;
  if (config.data) return 'accuracy against T is measured on the MNIST test set; this run trained on an event dataset (use `spikelab eval` for it)';
  if (config.dataset !== 'mnist') return `accuracy against T is measured on MNIST; this run's dataset is ${config.dataset}`;
  if (config.method === 'conversion' || config.method === 'conversion-ttfs') {
    const o = parseOptions(config.method, CONVERSION_OPTIONS, rawMethodOptions(config));
    // Balanced thresholds are per layer and live only in the trainer's result, not in the weights file.
    if (o.normalisation === 'balance') return 'this run used threshold balancing; its per-layer thresholds are not stored with the weights, so only the curve recorded during training is available';
  }
  return null;
}

/** The network the run's final weights belong to, at T steps. */
export function measuredSpec(config: RunConfig, T: number): ModelSpec {
  switch (config.method) {
    case 'bptt':
      return { ...config.model, timesteps: T };
    case 'asf':
    case 'adm':
      return flowSnnSpec(config.model, T);
    case 'hybrid': {
      const o = parseOptions('hybrid', HYBRID_OPTIONS, rawMethodOptions(config));
      const surrogate = { kind: SURROGATE_KINDS.find((k) => k === o.surrogate) ?? 'triangle', alpha: o.surrogateAlpha };
      return hybridSnnSpec(conversionAnnSpec(config.model), T, { leak: o.leak, learnLeak: o.learnLeak, learnThreshold: o.learnThreshold, surrogate });
    }
    case 'conversion':
    case 'conversion-ttfs': {
      const o = parseOptions(config.method, CONVERSION_OPTIONS, rawMethodOptions(config));
      const ann = conversionAnnSpec(config.model);
      const relus = ann.layers.filter((l) => l.type === 'relu').length;
      return snnSpecFromAnn(ann, {
        thresholds: new Array<number>(relus).fill(1),
        timesteps: T,
        encoder: o.encoder === 'direct' ? { type: 'direct' } : { type: 'poisson' },
        neuron: o.neuron === 'if' ? { model: 'if' } : { model: 'lif', beta: o.beta },
      });
    }
    default:
      throw new ApiError('BAD_REQUEST', `no measuring network for method ${config.method}`);
  }
}

export interface MeasureInput {
  config: RunConfig;
  weights: Uint8Array;
  test: Dataset;
  timesteps: readonly number[];
  kernels: Kernels;
  /** Called after each point with (done, total). */
  progress?: (done: number, total: number) => void;
}

/**
 * Conversion runs: one rate simulation at the largest T gives every smaller T (rateCurve), TTFS
 * windows K = floor(T / (hidden + 1)) for conversion-ttfs, and the ANN on the same samples as the
 * reference (normalisation rescales layers by positive factors, so the normalised ANN the weights
 * hold classifies like the trained one). Other methods: one network per T.
 */
export function measureCurves(a: MeasureInput): MeasuredCurve[] {
  const { config, test, timesteps, kernels } = a;
  const seed = config.settings.seed;
  const n = test.count;
  const Ts = [...timesteps];
  if (config.method === 'conversion' || config.method === 'conversion-ttfs') {
    const snn = buildNetwork(measuredSpec(config, Ts[Ts.length - 1]), { kernels, seed });
    snn.loadWeights(a.weights);
    const rate = rateCurve(snn, test, n, Ts);
    a.progress?.(1, 2);
    const ann = buildNetwork(conversionAnnSpec(config.model), { kernels, seed });
    ann.loadWeights(a.weights);
    const reference = evaluate(ann, test, 256);
    const out: MeasuredCurve[] = [{ name: 'measured-rate', reference, samples: n, points: rate.map((p) => ({ timesteps: p.timesteps, accuracy: p.accuracy })) }];
    if (config.method === 'conversion-ttfs') {
      const windows = splitSegments(ann).filter((s) => s.activation !== null).length + 1;
      const ks = [...new Set(Ts.map((T) => Math.floor(T / windows)).filter((k) => k >= 1))];
      if (ks.length) out.push({ name: 'measured-ttfs', reference, samples: n, points: ttfsCurve(ann, test, n, ks).map((p) => ({ timesteps: p.timesteps, accuracy: p.accuracy })) });
    }
    a.progress?.(2, 2);
    return out;
  }
  const points = Ts.map((T, i) => {
    const net = buildNetwork(measuredSpec(config, T), { kernels, seed });
    net.loadWeights(a.weights);
    const accuracy = evaluate(net, test, Math.max(1, Math.min(100, Math.floor(4096 / T))));
    a.progress?.(i + 1, Ts.length);
    return { timesteps: T, accuracy };
  });
  return [{ name: 'measured', reference: null, samples: n, points }];
}
