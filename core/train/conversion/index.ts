/**
 * ANN-to-SNN conversion as a training method (methods "conversion" and "conversion-ttfs").
 *
 * 1. Train the ANN counterpart of the model (ReLU for spiking neurons, average pooling, optional
 *    bias; annSpecFromSnn) with the engine's BPTT trainer at T = 1 with direct input, i.e. plain
 *    backprop with softmax cross-entropy; or take a pretrained ANN (TF.js import, tfjs.ts).
 * 2. Normalise (normalise.ts): data-based percentile/max (Diehl et al. 2015; Rueckauer et al. 2017),
 *    model-based (Diehl 2015), or threshold balancing (Sengupta et al. 2019); or none.
 * 3. Convert ReLU -> IF with reset by subtraction, bias as a constant current, integrator readout
 *    (specs.ts), and report accuracy against T (evaluate.ts): rate coding over the T grid (1..256),
 *    and TTFS coding (one spike per neuron) over steps-per-layer K for "conversion-ttfs".
 * The result carries the curve(s), the converted SNN spec (thresholds) and its weights; the final
 * accuracy is the point at the run's `timesteps` (the largest grid point not above it).
 */
import type { RunConfig } from '../../api/contract';
import { buildNetwork } from '../../snn/build';
import { getKernels } from '../../snn/kernels/index';
import type { Kernels } from '../../snn/kernels/types';
import type { ModelSpec } from '../../snn/spec';
import { createBpttTrainer, evaluate, loadMnistDataset, type Dataset } from '../bptt';
import { copyParams, MethodError, parseOptions, rawMethodOptions, type OptionTable, type OptionValues } from '../methodKit';
import type { CheckpointState, TrainHooks, TrainResult } from '../types';
import { DEFAULT_T_GRID, rateCurve, ttfsCurve, type CurvePoint } from './evaluate';
import { applyLambdas, balanceThresholds, dataLambdas, modelLambdas } from './normalise';
import { annSpecFromSnn, snnSpecFromAnn } from './specs';

export const CONVERSION_OPTIONS = {
  normalisation: { rule: { kind: 'enum', default: 'data', values: ['data', 'model', 'balance', 'none'] }, doc: 'data: percentile of ANN activations; model: weight bound; balance: SNN threshold balancing (Sengupta 2019); none.' },
  percentile: { rule: { kind: 'number', default: 99.9, min: 50, max: 100 }, doc: 'Percentile of positive activations (data) or input currents (balance); 100 = max.' },
  calibrationSamples: { rule: { kind: 'number', default: 500, min: 1, integer: true }, doc: 'Training samples used to measure activations.' },
  neuron: { rule: { kind: 'enum', default: 'if', values: ['if', 'lif'] }, doc: 'Converted neuron: IF (exact rate match) or LIF (leaky, for comparison).' },
  beta: { rule: { kind: 'number', default: 0.99, min: 0, max: 1 }, doc: 'LIF decay per step when neuron = lif.' },
  encoder: { rule: { kind: 'enum', default: 'direct', values: ['direct', 'poisson'] }, doc: 'Input coding of the SNN: analog current each step, or Poisson spikes.' },
  balanceSteps: { rule: { kind: 'number', default: 32, min: 1, integer: true }, doc: 'Steps simulated per calibration sample for threshold balancing.' },
  tGrid: { rule: { kind: 'numbers', default: DEFAULT_T_GRID, min: 1, integer: true }, doc: 'Timesteps at which rate-coded accuracy is measured (one run at the largest).' },
  ttfsSteps: { rule: { kind: 'numbers', default: [1, 2, 4, 8, 16, 32, 64], min: 1, integer: true }, doc: 'TTFS: steps per layer window K; latency T = K (hidden layers + 1).' },
  curveSamples: { rule: { kind: 'number', default: 0, min: 0, integer: true }, doc: 'Test samples for the curves; 0 = the whole (limited) test set.' },
  annSchedule: { rule: { kind: 'enum', default: 'preset', values: ['preset', 'constant', 'step', 'cosine'] }, doc: 'Learning-rate schedule of the ANN training (BPTT schedule option); preset = the preset\'s recipe.' },
} satisfies OptionTable;

export type ConversionOptions = OptionValues<typeof CONVERSION_OPTIONS>;

export interface ConversionDeps {
  kernels?: () => { kernels: Kernels; note: string | null };
  loadData?: (split: 'train' | 'test', limit: number | null) => Promise<Dataset>;
  reportEvery?: number;
  /** A pretrained ANN (e.g. from importTfjsLayersModel): skips ANN training. Weights are safetensors bytes. */
  pretrained?: { spec: ModelSpec; weights: Uint8Array };
}

export interface ConversionTrainResult extends TrainResult {
  /** Test accuracy of the ANN the SNN was converted from, on the samples the curves use. */
  annTestAccuracy: number;
  /** Accuracy against T: rate coding, and TTFS coding for conversion-ttfs. */
  curve: CurvePoint[];
  /** The converted SNN (thresholds included); `weights` are its normalised weights. */
  snnSpec: ModelSpec;
  /** Per hidden layer: the normalisation scale (lambda) or balanced threshold. */
  scales: number[];
}

function isAnn(spec: ModelSpec): boolean {
  return !spec.layers.some((l) => l.type === 'neuron' && l.neuron.model !== 'integrator') && spec.layers.some((l) => l.type === 'relu');
}

/** The ANN spec a run trains: the model itself when it is an ANN, else its ANN counterpart. */
export function conversionAnnSpec(model: ModelSpec): ModelSpec {
  if (isAnn(model)) return { ...model, timesteps: 1, encoder: { type: 'direct' }, decoder: { type: 'rate' }, layers: model.layers.filter((l) => !(l.type === 'neuron')) };
  return annSpecFromSnn(model);
}

function pick(curve: readonly CurvePoint[], T: number): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const p of curve) if (p.timesteps <= T && (!best || p.timesteps > best.timesteps)) best = p;
  return best ?? curve[0] ?? null;
}

export function createConversionTrainer(coding: 'rate' | 'ttfs', deps: ConversionDeps = {}): (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null) => Promise<ConversionTrainResult> {
  const method = coding === 'rate' ? 'conversion' : 'conversion-ttfs';
  const pickKernels = deps.kernels ?? getKernels;
  const loadData = deps.loadData ?? loadMnistDataset;
  return async (config, hooks, resume) => {
    const o = parseOptions(method, CONVERSION_OPTIONS, rawMethodOptions(config));
    const s = config.settings;
    const annSpec = deps.pretrained ? conversionAnnSpec(deps.pretrained.spec) : conversionAnnSpec(config.model);
    const { kernels } = pickKernels();

    // 1. The ANN.
    let annWeights: Uint8Array;
    let epochsDone = 0;
    if (deps.pretrained) {
      annWeights = deps.pretrained.weights;
      hooks.log(`${method}: using the pretrained ANN "${deps.pretrained.spec.name}"`);
    } else {
      const trainAnn = createBpttTrainer({ kernels: () => ({ kernels, note: null }), loadData, reportEvery: deps.reportEvery });
      // The ANN is a BPTT run: only the schedule is forwarded, as BPTT's own option, because the
      // last fraction of a point of ANN accuracy that conversion inherits comes from annealing.
      const annConfig: RunConfig = o.annSchedule === 'preset' ? config : { ...config, method: 'bptt', methodOptions: { schedule: o.annSchedule } };
      const r = await trainAnn({ ...annConfig, model: annSpec, settings: { ...s, timesteps: 1 } }, hooks, resume);
      if (r.stopped) return { ...r, annTestAccuracy: r.finalTestAccuracy ?? 0, curve: [], snnSpec: config.model, scales: [] };
      annWeights = r.weights;
      epochsDone = r.epochsDone;
    }
    const [train, test] = await Promise.all([loadData('train', s.trainLimit), loadData('test', s.testLimit)]);
    const ann = buildNetwork(annSpec, { kernels, seed: s.seed });
    ann.loadWeights(annWeights);
    // The ANN is scored on exactly the samples the curves use, so the gap to it is meaningful.
    const curveN = o.curveSamples > 0 ? Math.min(o.curveSamples, test.count) : test.count;
    const curveSet: Dataset = { ...test, images: test.images.subarray(0, curveN * test.features), labels: test.labels.subarray(0, curveN), count: curveN };
    const annAcc = evaluate(ann, curveSet, 256);
    hooks.log(`${method}: ANN test accuracy ${(annAcc * 100).toFixed(2)} %`);

    // 2. Normalisation.
    const relus = annSpec.layers.filter((l) => l.type === 'relu').length;
    const grid = [...new Set([...o.tGrid, s.timesteps])].sort((a, b) => a - b);
    const Tmax = grid[grid.length - 1];
    const neuron = o.neuron === 'if' ? ({ model: 'if' } as const) : ({ model: 'lif', beta: o.beta } as const);
    const encoder = o.encoder === 'direct' ? ({ type: 'direct' } as const) : ({ type: 'poisson' } as const);
    let thresholds = new Array<number>(relus).fill(1);
    let scales: number[];
    const rawParams = ann.params().map((p) => ({ ...p, value: p.value.slice() }));
    if (o.normalisation === 'balance') {
      const build = (th: number[]) => {
        const net = buildNetwork(snnSpecFromAnn(annSpec, { thresholds: th, timesteps: o.balanceSteps, encoder, neuron }), { kernels, seed: s.seed });
        copyParams(rawParams, net.params());
        return net;
      };
      thresholds = balanceThresholds(build, relus, train, o.calibrationSamples, o.percentile);
      scales = thresholds;
    } else if (o.normalisation === 'none') scales = new Array<number>(relus).fill(1);
    else {
      scales = o.normalisation === 'model' ? modelLambdas(ann) : dataLambdas(ann, train, o.calibrationSamples, o.percentile);
      applyLambdas(ann, scales);
    }
    hooks.log(`${method}: ${o.normalisation} normalisation, per-layer ${o.normalisation === 'balance' ? 'thresholds' : 'scales'} ${scales.map((v) => v.toPrecision(4)).join(', ')}`);

    // 3. Conversion and accuracy against T.
    const snnSpec = snnSpecFromAnn(annSpec, { thresholds, timesteps: Tmax, encoder, neuron });
    const snn = buildNetwork(snnSpec, { kernels, seed: s.seed });
    copyParams(ann.params(), snn.params());
    const curve: CurvePoint[] = rateCurve(snn, test, curveN, grid);
    if (coding === 'ttfs') {
      // TTFS needs activations in [0, 1]: data-normalised weights unless model-based was chosen.
      let ttfsNet = ann;
      if (o.normalisation === 'balance' || o.normalisation === 'none') {
        ttfsNet = buildNetwork(annSpec, { kernels, seed: s.seed });
        copyParams(rawParams, ttfsNet.params());
        applyLambdas(ttfsNet, dataLambdas(ttfsNet, train, o.calibrationSamples, o.percentile));
      }
      curve.push(...ttfsCurve(ttfsNet, test, curveN, o.ttfsSteps));
    }
    for (const p of curve) hooks.log(`${method}: ${p.coding} T=${p.timesteps} accuracy ${(p.accuracy * 100).toFixed(2)} % spikes/sample ${p.spikesPerSample.toFixed(0)}`);
    // The lab stores each coding's curve with the run and streams it to the accuracy-vs-T chart.
    for (const coding of ['rate', 'ttfs'] as const) {
      const points = curve.filter((p) => p.coding === coding).map((p) => ({ timesteps: p.timesteps, accuracy: p.accuracy }));
      if (points.length) hooks.curve({ name: coding, reference: annAcc, samples: curveN, points });
    }
    const final = pick(curve.filter((p) => p.coding === coding), s.timesteps);
    if (!final) throw new MethodError('METHOD_OPTIONS', `${method}: the T grid is empty`);
    const deployed = snnSpecFromAnn(annSpec, { thresholds, timesteps: s.timesteps, encoder, neuron });
    return {
      stopped: false,
      epochsDone,
      finalTestAccuracy: final.accuracy,
      bestTestAccuracy: Math.max(...curve.filter((p) => p.coding === coding).map((p) => p.accuracy)),
      weights: snn.saveWeights(),
      annTestAccuracy: annAcc,
      curve,
      snnSpec: deployed,
      scales,
    };
  };
}

export const trainConversionRate = createConversionTrainer('rate');
export const trainConversionTtfs = createConversionTrainer('ttfs');
export { annSpecFromSnn, snnSpecFromAnn } from './specs';
export type { CurvePoint } from './evaluate';
