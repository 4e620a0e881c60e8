/**
 * Surrogate-gradient BPTT (Neftci, Mostafa & Zenke, IEEE SPM 2019; Wu et al. 2018 STBP): unroll the
 * network over T steps, backpropagate through time with the surrogate spike derivative, update with
 * the preset's optimiser. Position (epoch, batch), weights, optimiser moments and the runtime RNG
 * are checkpointed so a stopped run continues exactly where it left off.
 */
import type { MetricRecord, RunConfig } from '../api/contract';
import { loadMnist } from '../data/mnist';
import { DataWorker } from '../data/workerLoader';
import { buildNetwork } from '../snn/build';
import { getKernels } from '../snn/kernels/index';
import type { Kernels } from '../snn/kernels/types';
import { computeLoss, argmaxCorrect } from '../snn/losses';
import { mostActiveNeurons, type Network } from '../snn/network';
import { clipGradNorm, Optimizer, scheduledLr } from '../snn/optim';
import { Rng } from '../snn/rng';
import { DEFAULT_VALIDATION_FRACTION, EventBatchSource, FrameInputNetwork, selectEventSplits } from './eventData';
import { parseOptions, rawMethodOptions, type OptionTable } from './methodKit';
import { trainingRecipe, type TrainingRecipe } from './presets';
import type { CheckpointState, TrainHooks, TrainMethod, TrainResult } from './types';

/**
 * BPTT's method options: overrides of the preset's training recipe (loss, optimiser, learning-rate
 * schedule, gradient clipping). 'preset' keeps what the preset's recipe says.
 */
export const BPTT_OPTIONS = {
  loss: { rule: { kind: 'enum', default: 'preset', values: ['preset', 'ce', 'mseCount', 'mseMembrane'] }, doc: 'Loss on the decoded output: cross-entropy, MSE on spike counts, or MSE on the membrane.' },
  correctRate: { rule: { kind: 'number', default: 0.8, min: 0, max: 1 }, doc: 'mseCount: target firing rate of the correct class.' },
  incorrectRate: { rule: { kind: 'number', default: 0.2, min: 0, max: 1 }, doc: 'mseCount: target firing rate of the other classes.' },
  optimizer: { rule: { kind: 'enum', default: 'preset', values: ['preset', 'adam', 'adamw', 'sgd'] }, doc: 'Optimiser; the learning rate is the run setting.' },
  momentum: { rule: { kind: 'number', default: 0.9, min: 0, max: 0.9999 }, doc: 'sgd: momentum.' },
  weightDecay: { rule: { kind: 'number', default: 0, min: 0 }, doc: 'L2 (sgd, adam) or decoupled (adamw) weight decay; 0 = off.' },
  schedule: { rule: { kind: 'enum', default: 'preset', values: ['preset', 'constant', 'step', 'cosine'] }, doc: 'Learning-rate schedule: constant, step decay, or cosine annealing over the run.' },
  stepEvery: { rule: { kind: 'number', default: 200, min: 1, integer: true }, doc: 'step: batches between decays.' },
  stepGamma: { rule: { kind: 'number', default: 0.5, min: 0, max: 1 }, doc: 'step: factor per decay.' },
  minLearningRate: { rule: { kind: 'number', default: 0, min: 0 }, doc: 'cosine: learning rate at the end of the run.' },
  clipNorm: { rule: { kind: 'number', default: 0, min: 0 }, doc: 'Global gradient-norm clip; 0 = the preset\'s (none for the built-in presets).' },
} satisfies OptionTable;

/**
 * The recipe a BPTT run trains with: the preset's, overridden by the run's options. Only runs of
 * method 'bptt' read options: conversion and hybrid call this trainer with their own options.
 */
export function bpttRecipe(config: RunConfig, totalSteps: number): TrainingRecipe {
  const recipe = trainingRecipe(config.preset);
  if (config.method !== 'bptt') return recipe;
  const o = parseOptions('bptt', BPTT_OPTIONS, rawMethodOptions(config));
  if (o.loss !== 'preset') recipe.loss = o.loss as TrainingRecipe['loss'];
  if (recipe.loss === 'mseCount') recipe.lossOptions = { ...recipe.lossOptions, correctRate: o.correctRate, incorrectRate: o.incorrectRate };
  if (o.optimizer !== 'preset') recipe.optimizer = o.optimizer === 'sgd' ? { kind: 'sgd', momentum: o.momentum } : { kind: o.optimizer as 'adam' | 'adamw', beta1: 0.9, beta2: 0.999 };
  if (o.weightDecay > 0) recipe.optimizer = { ...recipe.optimizer, weightDecay: o.weightDecay };
  if (o.schedule === 'constant') recipe.schedule = { kind: 'constant' };
  else if (o.schedule === 'step') recipe.schedule = { kind: 'step', every: o.stepEvery, gamma: o.stepGamma };
  else if (o.schedule === 'cosine') recipe.schedule = { kind: 'cosine', totalSteps: Math.max(1, totalSteps), minLr: o.minLearningRate };
  if (o.clipNorm > 0) recipe.clipNorm = o.clipNorm;
  return recipe;
}

/** Membrane traces per live spike snapshot (the monitor's live view). */
const LIVE_MEMBRANE_TRACES = 4;

export interface Dataset {
  /** count * features bytes, 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  features: number;
}

export interface BpttDeps {
  kernels?: () => { kernels: Kernels; note: string | null };
  loadData?: (split: 'train' | 'test', limit: number | null) => Promise<Dataset>;
  /** Batch records are reported every this many batches (plus the last of an epoch). */
  reportEvery?: number;
}

export async function loadMnistDataset(split: 'train' | 'test', limit: number | null): Promise<Dataset> {
  const d = await loadMnist(split, limit === null ? {} : { limit });
  return { images: d.images, labels: d.labels, count: d.count, features: d.rows * d.cols };
}

/** Fisher-Yates permutation of the epoch's sample order, a pure function of (seed, epoch) so resume needs no shuffle state. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const rng = new Rng((seed * 0x9e3779b1 + epoch * 0x85ebca6b + 1) >>> 0);
  const p = new Uint32Array(count);
  for (let i = 0; i < count; i++) p[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** order null: samples in stored order (evaluation). */
export function gatherBatch(d: Dataset, order: ArrayLike<number> | null, start: number, end: number): { x: Float32Array; y: Uint8Array } {
  const B = end - start;
  const F = d.features;
  const x = new Float32Array(B * F);
  const y = new Uint8Array(B);
  for (let b = 0; b < B; b++) {
    const idx = order ? order[start + b] : start + b;
    const src = idx * F;
    for (let f = 0; f < F; f++) x[b * F + f] = d.images[src + f] / 255;
    y[b] = d.labels[idx];
  }
  return { x, y };
}

function firingRates(activity: Record<string, { spikes: number; neuronSteps: number }>): Record<string, number> {
  const r: Record<string, number> = {};
  for (const [k, a] of Object.entries(activity)) r[k] = a.neuronSteps > 0 ? a.spikes / a.neuronSteps : 0;
  return r;
}

/** Where batches come from: an in-memory image set (MNIST) or streamed event frames, same loop either way. */
export interface BatchSource {
  count: number;
  /** Streaming sources cut fixed batches; evaluation then asks for batches of this size. */
  batchSize?: number;
  /**
   * x in the layout `forward` takes: [B, F] for images, [T, B, F] for event frames. `draw` (the
   * global batch number) seeds any augmentation, so a resumed run sees the same batches.
   */
  batch(order: ArrayLike<number> | null, start: number, end: number, draw?: number): { x: Float32Array; y: Uint8Array } | Promise<{ x: Float32Array; y: Uint8Array }>;
  /** The source's position and data identity, saved in a checkpoint's extra fields. */
  checkpointFields?(): Record<string, number | string>;
  /** Picks up from a checkpoint's extra fields; returns a warning to log, or null. */
  restore?(extra: Record<string, unknown>): string | null;
  close?(): Promise<void>;
}

type Forward = (x: Float32Array, batch: number, training: boolean) => ReturnType<Network['forward']>;

export function imageSource(d: Dataset): BatchSource {
  return { count: d.count, batch: (order, start, end) => gatherBatch(d, order, start, end) };
}

/** Accuracy of any source in inference mode (in batches of the source's own size, if it has one). */
export async function evaluateSource(forward: Forward, d: BatchSource, batchSize: number): Promise<number> {
  const bs = d.batchSize ?? batchSize;
  let correct = 0;
  for (let s = 0; s < d.count; s += bs) {
    const e = Math.min(d.count, s + bs);
    const { x, y } = await d.batch(null, s, e);
    const r = forward(x, e - s, false);
    correct += argmaxCorrect(r.scores, y, e - s, r.classes);
  }
  return d.count > 0 ? correct / d.count : 0;
}

/** Test-set accuracy with the network in inference mode. */
export function evaluate(net: Network, d: Dataset, batchSize: number): number {
  let correct = 0;
  for (let s = 0; s < d.count; s += batchSize) {
    const e = Math.min(d.count, s + batchSize);
    const { x, y } = gatherBatch(d, null, s, e);
    const r = net.forward(x, e - s, false);
    correct += argmaxCorrect(r.scores, y, e - s, r.classes);
  }
  return d.count > 0 ? correct / d.count : 0;
}

export function createBpttTrainer(deps: BpttDeps = {}): TrainMethod {
  const pickKernels = deps.kernels ?? getKernels;
  const loadData = deps.loadData ?? loadMnistDataset;
  // Every batch: the lab coalesces what it streams and decimates what it stores.
  const reportEvery = deps.reportEvery ?? 1;

  return async (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null): Promise<TrainResult> => {
    const s = config.settings;
    const eventData = config.data ?? null;
    if (!eventData && config.dataset !== 'mnist') hooks.log(`bptt: dataset "${config.dataset}" is read with the MNIST IDX reader`);
    const spec = { ...config.model, timesteps: s.timesteps };
    const { kernels, note } = pickKernels();
    hooks.log(`bptt: kernels ${kernels.name}${note ? ` (${note})` : ''}`);
    const base = buildNetwork(spec, { kernels, seed: s.seed });
    let train: BatchSource;
    let test: BatchSource;
    let net = base;
    let forward: Forward = (x, B, training) => base.forward(x, B, training);
    if (eventData) {
      // The split is a function of the seed, so a resumed run validates on the same samples.
      const d = selectEventSplits(eventData, { input: spec.input, validationFraction: DEFAULT_VALIDATION_FRACTION, seed: s.seed, trainLimit: s.trainLimit, testLimit: s.testLimit });
      const maxShift = trainingRecipe(config.preset).maxShift ?? 0;
      // Batches stream from a worker in the order the loop below asks for (epochOrder), so it can
      // read the next epoch ahead while this one validates.
      const n = d.train.length;
      const worker = new DataWorker();
      train = new EventBatchSource(d.index, d.train, { batchSize: s.batchSize, timesteps: s.timesteps, input: spec.input, orderOf: (e) => epochOrder(n, s.seed, e), shift: maxShift > 0 ? { max: maxShift, seed: s.seed } : undefined, log: (m) => hooks.log(m), worker });
      test = new EventBatchSource(d.index, d.test, { batchSize: Math.max(s.batchSize, 64), timesteps: s.timesteps, input: spec.input, repeat: true, worker });
      const framed = new FrameInputNetwork(base);
      net = framed.net;
      forward = (x, B, training) => framed.forward(x, B, training);
      hooks.log(`bptt: event data ${eventData.path} (${d.index.layout} layout, ${s.timesteps} time-bin frames per sample)`);
    } else {
      const [a, b] = await Promise.all([loadData('train', s.trainLimit), loadData('test', s.testLimit)]);
      train = imageSource(a);
      test = imageSource(b);
    }
    hooks.log(`bptt: ${train.count} training and ${test.count} ${eventData ? 'validation' : 'test'} samples`);

    const recipe = bpttRecipe(config, s.epochs * Math.ceil(train.count / s.batchSize));
    const params = net.params();
    const opt = new Optimizer(params, { ...recipe.optimizer, lr: s.learningRate });
    const stepsPerEpoch = Math.ceil(train.count / s.batchSize);
    const hidden = net.spikingLayerNames()[0] ?? null;

    let epoch = 0;
    let step = 0;
    let bestTest: number | null = null;
    let elapsedBase = 0;
    let epochLoss = 0;
    let epochCorrect = 0;
    let epochSeen = 0;
    if (resume) {
      net.loadWeights(resume.weights);
      opt.loadState(resume.optimizer);
      const words = [0, 1, 2, 3].map((i) => resume.extra[`rng${i}`]);
      if (words.every((w) => typeof w === 'number')) net.rng.setState(words as number[]);
      epoch = resume.epoch;
      step = resume.step;
      bestTest = resume.bestTestAccuracy;
      const num = (k: string): number => (typeof resume.extra[k] === 'number' ? (resume.extra[k] as number) : 0);
      elapsedBase = num('elapsedMs');
      epochLoss = num('epochLoss');
      epochCorrect = num('epochCorrect');
      epochSeen = num('epochSeen');
      const warning = train.restore?.(resume.extra);
      if (warning) hooks.log(`bptt: ${warning}`);
      hooks.log(`bptt: resuming at epoch ${epoch + 1}, batch ${step}`);
    }
    const t0 = Date.now();
    const elapsed = (): number => elapsedBase + (Date.now() - t0);
    const closeSources = async (): Promise<void> => {
      await Promise.all([train.close?.(), test.close?.()]);
    };

    const snapshot = (): CheckpointState => {
      const rng = net.rng.getState();
      return {
        epoch,
        step,
        weights: net.saveWeights(),
        optimizer: opt.saveState(),
        extra: {
          rng0: rng[0],
          rng1: rng[1],
          rng2: rng[2],
          rng3: rng[3],
          elapsedMs: elapsed(),
          epochLoss,
          epochCorrect,
          epochSeen,
          kernels: kernels.name,
          ...train.checkpointFields?.(),
        },
        bestTestAccuracy: bestTest,
      };
    };

    let lastTest: number | null = null;
    while (epoch < s.epochs) {
      const order = epochOrder(train.count, s.seed, epoch);
      const epochStart = Date.now();
      const seenAtStart = epochSeen;
      let windowStart = Date.now();
      let windowSamples = 0;
      let windowLoss = 0;
      let windowCorrect = 0;
      let windowRates: Record<string, number> = {};
      for (; step < stepsPerEpoch; ) {
        if ((await hooks.control()) === 'stop') {
          await hooks.checkpoint(snapshot());
          await closeSources();
          return { stopped: true, epochsDone: epoch, finalTestAccuracy: lastTest, bestTestAccuracy: bestTest, weights: net.saveWeights() };
        }
        const start = step * s.batchSize;
        const end = Math.min(train.count, start + s.batchSize);
        const B = end - start;
        const { x, y } = await train.batch(order, start, end, epoch * stepsPerEpoch + step);
        opt.lr = scheduledLr(s.learningRate, recipe.schedule, epoch * stepsPerEpoch + step);
        const fwd = forward(x, B, true);
        const loss = computeLoss(recipe.loss, fwd.scores, y, B, fwd.classes, { timesteps: spec.timesteps, ...recipe.lossOptions });
        opt.zeroGrad();
        net.backward(loss.grad);
        if (recipe.clipNorm !== null) clipGradNorm(params, recipe.clipNorm);
        opt.step();
        step++;

        epochLoss += loss.loss * B;
        epochCorrect += loss.correct;
        epochSeen += B;
        windowLoss += loss.loss * B;
        windowCorrect += loss.correct;
        windowSamples += B;
        windowRates = firingRates(fwd.activity);

        if (hidden && hooks.wantSpikes()) {
          const r = net.recordRaster(hidden, 0);
          // A few traces of T values each: bounded whatever the layer's size.
          const m = net.recordMembranes(hidden, 0, mostActiveNeurons(r.ids, r.neurons, LIVE_MEMBRANE_TRACES));
          hooks.spikes({ layer: r.layer, epoch, step: step - 1, timesteps: r.timesteps, neurons: r.neurons, times: r.times, ids: r.ids, truncated: r.truncated, membrane: m.traces, threshold: m.threshold });
        }
        if (step % reportEvery === 0 || step === stepsPerEpoch) {
          const secs = (Date.now() - windowStart) / 1000;
          const rec: MetricRecord = {
            kind: 'batch',
            epoch,
            // The contract's batch index: the batch just completed, 0-based.
            step: step - 1,
            stepsPerEpoch,
            elapsedMs: elapsed(),
            loss: windowLoss / windowSamples,
            trainAccuracy: windowCorrect / windowSamples,
            testAccuracy: null,
            learningRate: opt.lr,
            samplesPerSecond: secs > 0 ? windowSamples / secs : null,
            firingRates: windowRates,
          };
          hooks.metric(rec);
          windowStart = Date.now();
          windowSamples = 0;
          windowLoss = 0;
          windowCorrect = 0;
        }
      }
      const trainMs = Date.now() - epochStart;
      lastTest = test.count > 0 ? await evaluateSource(forward, test, Math.max(s.batchSize, eventData ? 64 : 256)) : null;
      if (lastTest !== null && (bestTest === null || lastTest > bestTest)) bestTest = lastTest;
      hooks.metric({
        kind: 'epoch',
        epoch,
        step: stepsPerEpoch,
        stepsPerEpoch,
        elapsedMs: elapsed(),
        loss: epochSeen ? epochLoss / epochSeen : 0,
        trainAccuracy: epochSeen ? epochCorrect / epochSeen : null,
        testAccuracy: lastTest,
        learningRate: opt.lr,
        samplesPerSecond: trainMs > 0 ? ((epochSeen - seenAtStart) * 1000) / trainMs : null,
        firingRates: windowRates,
      });
      epoch++;
      step = 0;
      epochLoss = 0;
      epochCorrect = 0;
      epochSeen = 0;
      await hooks.checkpoint(snapshot());
    }
    await closeSources();
    return { stopped: false, epochsDone: epoch, finalTestAccuracy: lastTest, bestTestAccuracy: bestTest, weights: net.saveWeights() };
  };
}

export const trainBptt: TrainMethod = createBpttTrainer();
