/**
 * Task functions of the board domain, run in worker threads by core/lab/tasks.ts: quantising a run
 * for a board, the float-vs-quantised accuracy check, and preparing one test sample (its input
 * spikes and the software quantised reference the board's output is compared with).
 */
import type { BoardCheck, BoardViolation } from '../../api/contractBoard';
import { argmax, encodeSample, evaluateQuantisation } from '../../board/evaluate';
import type { Capabilities } from '../../board/messages';
import { checkCapabilities, extractFloatLayers, quantiseLayers, QuantiseError, type QuantNetwork } from '../../board/quantise';
import { QuantReference } from '../../board/referenceSim';
import { Rng } from '../../snn/rng';
import { ApiError } from '../../api/contract';
import { boardDataset, loadRunNetwork, mnistTestSamples, quantiseOptionsFor, type RunRef } from './runModel';

export interface CheckArgs extends RunRef {
  caps: Capabilities;
  /** Test samples for the accuracy comparison (the first N of the test split). */
  samples: number;
}

/** Fixed encoder seed of the accuracy check, so repeated checks give the same figures. */
const CHECK_SEED = 1;

export async function checkModel(args: CheckArgs, report: (p: unknown) => void = () => {}): Promise<BoardCheck> {
  const { net, config } = loadRunNetwork(args);
  let floatLayers;
  try {
    floatLayers = extractFloatLayers(net);
  } catch (e) {
    if (!(e instanceof QuantiseError)) throw e;
    return { runId: args.runId, ok: false, violations: e.violations.map(toViolation), layers: [], floatAccuracy: null, quantisedAccuracy: null, samples: 0 };
  }
  const q = quantiseLayers(net, floatLayers, quantiseOptionsFor(args.caps));
  const violations = checkCapabilities(q, args.caps).map(toViolation);
  const perCore = args.caps.neuronsPerCore;
  const layers = q.layers.map((l) => ({ name: l.name, neurons: l.neurons, fanIn: l.fanIn, weightBits: l.weightBits, scale: l.scale, threshold: l.threshold[0] ?? 0, cores: Math.ceil(l.neurons / perCore) }));
  let floatAccuracy: number | null = null;
  let quantisedAccuracy: number | null = null;
  let samples = 0;
  if (args.samples > 0 && boardDataset(config, net) === 'mnist') {
    report({ phase: 'data', message: `loading ${args.samples} MNIST test samples` });
    const data = await mnistTestSamples(0, args.samples);
    const r = evaluateQuantisation(net, floatLayers, q, data.x.map((x, i) => ({ x, label: data.labels[i] })), CHECK_SEED);
    floatAccuracy = r.floatAccuracy;
    quantisedAccuracy = r.quantAccuracy;
    samples = r.samples;
  }
  return { runId: args.runId, ok: violations.length === 0, violations, layers, floatAccuracy, quantisedAccuracy, samples };
}

function toViolation(v: { code: string; layer?: string; message: string }): BoardViolation {
  return { code: v.code, layer: v.layer ?? null, message: v.message };
}

export interface QuantiseArgs extends RunRef {
  caps: Capabilities;
}

/** The network as it will be uploaded; BAD_REQUEST listing every reason when it cannot go to this board. */
export function quantiseForBoard(args: QuantiseArgs): QuantNetwork {
  const { net } = loadRunNetwork(args);
  let q: QuantNetwork;
  try {
    q = quantiseLayers(net, extractFloatLayers(net), quantiseOptionsFor(args.caps));
  } catch (e) {
    if (e instanceof QuantiseError) throw new ApiError('BAD_REQUEST', `run ${args.runId} cannot run on a board: ${e.message}`);
    throw e;
  }
  const violations = checkCapabilities(q, args.caps);
  if (violations.length) throw new ApiError('BAD_REQUEST', `run ${args.runId} does not fit the board: ${violations.map((v) => v.message).join('; ')}`);
  return q;
}

export interface SampleArgs extends RunRef {
  sample: number;
  /** The quantised network committed on the board: the software reference runs exactly it. */
  q: QuantNetwork;
}

export interface PreparedSample {
  inputs: Uint16Array[];
  label: number | null;
  software: { counts: number[]; predicted: number; outTimes: number[]; outIds: number[] };
}

/** Encoder seed of a sample: fixed per sample so the board and the software see the same spikes. */
export function sampleSeed(sample: number): number {
  return 0x5eed + sample;
}

export async function prepareSample(args: SampleArgs): Promise<PreparedSample> {
  const { net, config } = loadRunNetwork(args);
  if (boardDataset(config, net) !== 'mnist') throw new ApiError('BAD_REQUEST', `run ${args.runId} was trained on ${config.data ? 'an event dataset' : config.dataset}; the board view runs MNIST test samples only`);
  const data = await mnistTestSamples(args.sample, 1);
  if (data.x.length === 0) throw new ApiError('BAD_REQUEST', `sample ${args.sample} is outside the MNIST test set (${data.available} images, 0..${data.available - 1})`);
  const inputs = encodeSample(net, data.x[0], new Rng(sampleSeed(args.sample)));
  const ref = new QuantReference(args.q);
  const r = ref.run(inputs);
  const last = r.spikes.length - 1;
  const outTimes: number[] = [];
  const outIds: number[] = [];
  r.spikes[last].forEach((ids, t) => {
    for (const id of ids) {
      outTimes.push(t);
      outIds.push(id);
    }
  });
  return { inputs, label: data.labels[0], software: { counts: [...r.outputCounts], predicted: argmax(r.outputCounts), outTimes, outIds } };
}
