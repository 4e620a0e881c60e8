/**
 * Hybrid training, method "hybrid": ANN-to-SNN conversion as the initialisation, then a few epochs
 * of surrogate-gradient BPTT at a small T with a learnable leak and threshold per layer (Rathi &
 * Roy, "DIET-SNN: A Low-Latency Spiking Neural Network with Direct Input Encoding and Leakage and
 * Threshold Optimization", IEEE TNNLS 2021 / arXiv 2008.03658, 2020; the conversion-then-STDB
 * scheme of Rathi, Srinivasan, Panda & Roy, ICLR 2020).
 *
 * Phase 1 (ANN): the ANN counterpart (ReLU, average pooling) is trained with the BPTT trainer at
 *   T = 1 for `annEpochs` epochs, then weights are normalised per layer by the p-th percentile of
 *   their activations (conversion/normalise.ts), so threshold 1 is the right initial threshold.
 * Phase 2 (SNN): ReLU -> LIF with reset by subtraction and direct input (the first layer sees the
 *   analog pixels every step, DIET-SNN Sec. III-A), membrane update
 *     U_i(t) = lambda_l U_i(t-1) + sum_j w_ij o_j(t) - v_l o_i(t-1),   o_i(t) = [U_i(t) > v_l]
 *   (DIET-SNN eq. 6) with the leak lambda_l and threshold v_l of each layer learnt by BPTT
 *   (eq. 9-10); lambda_l is the engine's PLIF leak (sigmoid-parametrised, Fang et al. 2021), v_l
 *   its learnThreshold. The output layer integrates without spiking and its final membrane feeds
 *   cross-entropy. The converted weights enter the BPTT trainer as its starting checkpoint, so
 *   reporting, pause/stop and resume are the BPTT trainer's own.
 * Both phases anneal their learning rate by cosine by default (`annSchedule`, `snnSchedule`):
 * DIET-SNN decays its rate in steps; what matters is that the last epochs run at a small rate,
 * since at T = 5 a constant rate leaves the test accuracy moving by tenths of a point per epoch.
 * The result also carries the converted SNN's accuracy at the same T before fine-tuning.
 */
import type { RunConfig } from '../api/contract';
import { buildNetwork } from '../snn/build';
import { getKernels } from '../snn/kernels/index';
import type { Kernels } from '../snn/kernels/types';
import { Optimizer } from '../snn/optim';
import type { LayerSpec, ModelSpec, NeuronSpec } from '../snn/spec';
import { SURROGATE_KINDS } from '../snn/surrogates';
import { createBpttTrainer, evaluate, loadMnistDataset, type Dataset } from './bptt';
import { conversionAnnSpec } from './conversion/index';
import { applyLambdas, dataLambdas } from './conversion/normalise';
import { rateCurve } from './conversion/evaluate';
import { copyParams, parseOptions, rawMethodOptions, type OptionTable } from './methodKit';
import { trainingRecipe } from './presets';
import type { CheckpointState, TrainHooks, TrainResult } from './types';

export const HYBRID_OPTIONS = {
  annEpochs: { rule: { kind: 'number', default: 1, min: 0, integer: true }, doc: 'Epochs of ANN training before conversion (0 with a pretrained ANN only).' },
  annLearningRate: { rule: { kind: 'number', default: 1e-3, min: 0 }, doc: 'Learning rate of the ANN phase.' },
  annSchedule: { rule: { kind: 'enum', default: 'cosine', values: ['preset', 'constant', 'step', 'cosine'] }, doc: 'Learning-rate schedule of the ANN phase (BPTT schedule option); cosine as conversion\'s bench ANN.' },
  snnSchedule: { rule: { kind: 'enum', default: 'cosine', values: ['preset', 'constant', 'cosine'] }, doc: 'Learning-rate schedule of the BPTT fine-tuning: cosine anneals the run\'s rate to snnMinLearningRate over its epochs.' },
  snnMinLearningRate: { rule: { kind: 'number', default: 0, min: 0 }, doc: 'cosine fine-tuning: learning rate at the last step.' },
  percentile: { rule: { kind: 'number', default: 99.9, min: 50, max: 100 }, doc: 'Activation percentile for weight normalisation.' },
  calibrationSamples: { rule: { kind: 'number', default: 500, min: 1, integer: true }, doc: 'Training samples used to measure activations.' },
  leak: { rule: { kind: 'number', default: 0.95, min: 0.01, max: 0.9999 }, doc: 'Initial membrane leak lambda (1 = IF).' },
  learnLeak: { rule: { kind: 'bool', default: true }, doc: 'Learn one leak per layer (DIET-SNN).' },
  learnThreshold: { rule: { kind: 'bool', default: true }, doc: 'Learn one threshold per layer (DIET-SNN).' },
  surrogate: { rule: { kind: 'enum', default: 'triangle', values: SURROGATE_KINDS }, doc: 'Surrogate derivative of the spike in BPTT (DIET-SNN uses a linear one).' },
  surrogateAlpha: { rule: { kind: 'number', default: 1, min: 1e-6 }, doc: 'Surrogate sharpness.' },
  curveSteps: { rule: { kind: 'numbers', default: [1, 2, 4, 8, 16, 32], min: 1, integer: true }, doc: 'Timesteps at which the converted SNN (before fine-tuning) is scored; the run\'s T is added.' },
  curveSamples: { rule: { kind: 'number', default: 1000, min: 0, integer: true }, doc: 'Test samples for that curve; 0 = the whole (limited) test set.' },
} satisfies OptionTable;

export interface HybridDeps {
  kernels?: () => { kernels: Kernels; note: string | null };
  loadData?: (split: 'train' | 'test', limit: number | null) => Promise<Dataset>;
  reportEvery?: number;
}

export interface HybridTrainResult extends TrainResult {
  annTestAccuracy: number | null;
  /** Converted SNN at the run's T before BPTT fine-tuning. */
  convertedTestAccuracy: number | null;
  snnSpec: ModelSpec;
}

/** The SNN of phase 2: ReLU -> (P)LIF with soft reset, integrator readout, direct input. */
export function hybridSnnSpec(ann: ModelSpec, timesteps: number, o: { leak: number; learnLeak: boolean; learnThreshold: boolean; surrogate: NeuronSpec['surrogate'] }): ModelSpec {
  const neuron: NeuronSpec = { model: o.learnLeak ? 'plif' : 'lif', form: 'decay', beta: o.leak, threshold: 1, learnThreshold: o.learnThreshold, reset: 'soft', ...(o.surrogate ? { surrogate: o.surrogate } : {}) };
  const layers: LayerSpec[] = ann.layers.map((l) => (l.type === 'relu' ? { type: 'neuron', ...(l.name !== undefined ? { name: l.name } : {}), neuron } : l));
  layers.push({ type: 'neuron', name: 'readout', neuron: { model: 'integrator' } });
  return { ...ann, name: `${ann.name.replace(/-ann$/, '')}-hybrid`, timesteps, encoder: { type: 'direct' }, layers, decoder: { type: 'membrane', reduce: 'last' } };
}

export function createHybridTrainer(deps: HybridDeps = {}): (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null) => Promise<HybridTrainResult> {
  const pickKernels = deps.kernels ?? getKernels;
  const loadData = deps.loadData ?? loadMnistDataset;
  return async (config, hooks, resume) => {
    const o = parseOptions('hybrid', HYBRID_OPTIONS, rawMethodOptions(config));
    const s = config.settings;
    const { kernels } = pickKernels();
    const kdep = (): { kernels: Kernels; note: string | null } => ({ kernels, note: null });
    const annSpec = conversionAnnSpec(config.model);
    const snnSpec = hybridSnnSpec(annSpec, s.timesteps, { leak: o.leak, learnLeak: o.learnLeak, learnThreshold: o.learnThreshold, surrogate: { kind: SURROGATE_KINDS.find((k) => k === o.surrogate) ?? 'triangle', alpha: o.surrogateAlpha } });
    const bptt = createBpttTrainer({ kernels: kdep, loadData, reportEvery: deps.reportEvery });
    // Checkpoints say which phase they belong to, so a resumed run re-enters the right one.
    const tag = (phase: 'ann' | 'snn'): TrainHooks => ({ ...hooks, checkpoint: (c) => hooks.checkpoint({ ...c, extra: { ...c.extra, phase } }) });
    // Both phases are BPTT runs that take only a schedule as BPTT's own option (bpttRecipe reads
    // options of method 'bptt' only); 'preset' keeps the preset's constant rate.
    const scheduled = (c: RunConfig, schedule: string, extra: Record<string, unknown> = {}): RunConfig => (schedule === 'preset' ? c : { ...c, method: 'bptt', methodOptions: { schedule, ...extra } });
    const snnConfig = scheduled({ ...config, model: snnSpec }, o.snnSchedule, o.snnSchedule === 'cosine' ? { minLearningRate: o.snnMinLearningRate } : {});
    if (resume && resume.extra.phase === 'snn') {
      const r = await bptt(snnConfig, tag('snn'), resume);
      return { ...r, annTestAccuracy: null, convertedTestAccuracy: null, snnSpec };
    }

    // Phase 1: the ANN.
    const annRun = await bptt(scheduled({ ...config, model: annSpec, settings: { ...s, timesteps: 1, epochs: o.annEpochs, learningRate: o.annLearningRate } }, o.annSchedule), tag('ann'), resume);
    if (annRun.stopped) return { ...annRun, epochsDone: 0, annTestAccuracy: annRun.finalTestAccuracy, convertedTestAccuracy: null, snnSpec };
    const [train, test] = await Promise.all([loadData('train', s.trainLimit), loadData('test', s.testLimit)]);
    const ann = buildNetwork(annSpec, { kernels, seed: s.seed });
    ann.loadWeights(annRun.weights);
    const annAcc = test.count ? evaluate(ann, test, 256) : null;
    const lambdas = dataLambdas(ann, train, o.calibrationSamples, o.percentile);
    applyLambdas(ann, lambdas);
    hooks.log(`hybrid: ANN test accuracy ${annAcc === null ? 'n/a' : (annAcc * 100).toFixed(2)} %, scales ${lambdas.map((v) => v.toPrecision(4)).join(', ')}`);

    // Phase 2: converted weights as the BPTT trainer's starting checkpoint.
    const snn = buildNetwork(snnSpec, { kernels, seed: s.seed });
    copyParams(ann.params(), snn.params());
    const converted = test.count ? evaluate(snn, test, 100) : null;
    hooks.log(`hybrid: converted SNN at T=${s.timesteps}: ${converted === null ? 'n/a' : (converted * 100).toFixed(2)} %`);
    if (test.count) {
      // What conversion alone reaches against T, the baseline that fine-tuning at a small T improves on.
      // One run at the largest T scores every smaller T: the readout integrates and the network is causal.
      const grid = [...new Set([...o.curveSteps, s.timesteps])].sort((a, b) => a - b);
      const n = o.curveSamples > 0 ? Math.min(o.curveSamples, test.count) : test.count;
      const probe = buildNetwork({ ...snnSpec, timesteps: grid[grid.length - 1] }, { kernels, seed: s.seed });
      copyParams(snn.params(), probe.params());
      const points = rateCurve(probe, test, n, grid).map((p) => ({ timesteps: p.timesteps, accuracy: p.accuracy }));
      const sub: Dataset = { ...test, images: test.images.subarray(0, n * test.features), labels: test.labels.subarray(0, n), count: n };
      hooks.curve({ name: 'converted', reference: evaluate(ann, sub, 256), samples: n, points });
    }
    const recipe = trainingRecipe(config.preset);
    const start: CheckpointState = {
      epoch: 0,
      step: 0,
      weights: snn.saveWeights(),
      optimizer: new Optimizer(snn.params(), { ...recipe.optimizer, lr: s.learningRate }).saveState(),
      extra: { phase: 'snn' },
      bestTestAccuracy: null,
    };
    const r = await bptt(snnConfig, tag('snn'), start);
    return { ...r, annTestAccuracy: annAcc, convertedTestAccuracy: converted, snnSpec };
  };
}

export const trainHybrid = createHybridTrainer();
