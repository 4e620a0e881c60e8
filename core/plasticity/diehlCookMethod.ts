/**
 * The Diehl & Cook (2015) network as a lab TrainMethod ('diehl-cook'). Run settings map as:
 * epochs → passes over the training images (stored order, as the authors); batchSize → images
 * per progress record and control check; learningRate → η_post (η_pre = η_post / 100, the paper's
 * ratio; 0.01 reproduces the paper); trainLimit / testLimit as usual; timesteps is unused (a
 * presentation is 350 ms at dt = 0.5 ms). The excitatory layer size is the units of the model's
 * first dense layer (default 100). Batch records report the online accuracy of each window of
 * images under the neuron labels assigned from the previous window (the authors' running
 * estimate) with loss = 1 − that accuracy; epoch records add the test accuracy after a labelling
 * pass over the first 10 000 (or fewer) training images with plasticity off. Plasticity snapshots
 * (when the lab asks) carry the input weights as 28x28 maps of at most 100 neurons and their histogram.
 */
import type { RunConfig } from '../api/contract';
import { loadMnist } from '../data/mnist';
import { decodeSafetensors, encodeSafetensors } from '../snn/safetensors';
import type { CheckpointState, TrainHooks, TrainMethod, TrainResult } from '../train/types';
import { assignLabels, DiehlCookNetwork, predictLabel, type DiehlCookParams } from './diehlCook';
import { evaluateDiehlCook, type ImageSet } from './diehlCookExperiment';
import { PlasticityError } from './errors';
import { histogram, receptiveFields } from './ruleLoop';

export interface DiehlCookDeps {
  loadData?: (split: 'train' | 'test', limit: number | null) => Promise<ImageSet>;
  /** Parameter overrides (tests shorten the presentation). */
  params?: Partial<DiehlCookParams>;
  /** Images used for labelling before each test evaluation. */
  labelCount?: number;
}

async function loadMnistSet(split: 'train' | 'test', limit: number | null): Promise<ImageSet> {
  const d = await loadMnist(split, limit === null ? {} : { limit });
  return { images: d.images, labels: d.labels, count: d.count, features: d.rows * d.cols };
}

function excitatoryCount(config: RunConfig): number {
  for (const l of config.model.layers) if (l.type === 'dense') return l.units;
  return 100;
}

function saveWeights(net: DiehlCookNetwork): Uint8Array {
  return encodeSafetensors(
    [
      { name: 'input_exc.weight', shape: [net.p.nInput, net.p.nExc], data: net.w },
      { name: 'exc.theta', shape: [net.p.nExc], data: net.theta },
    ],
    { method: 'diehl-cook' },
  );
}

/**
 * The state that carries from one image to the next (restMode 'simulate': membranes, conductances,
 * traces, spikes in flight), bit for bit: each float64 as its four 16-bit words, which float32
 * holds exactly (safetensors here is F32 only).
 */
function saveCarried(net: DiehlCookNetwork): Uint8Array {
  const words = new Uint16Array(net.saveState().buffer);
  return encodeSafetensors([{ name: 'state.words', shape: [words.length], data: Float32Array.from(words) }], { method: 'diehl-cook', encoding: 'float64-u16' });
}

function loadCarried(net: DiehlCookNetwork, bytes: Uint8Array): void {
  // Checkpoints written before the state was carried have none: the run goes on from rest.
  const t = bytes.length > 0 ? decodeSafetensors(bytes).tensors.get('state.words') : undefined;
  if (!t) return;
  net.loadState(new Float64Array(Uint16Array.from(t.data).buffer));
}

function loadWeights(net: DiehlCookNetwork, bytes: Uint8Array): void {
  const t = decodeSafetensors(bytes).tensors;
  const w = t.get('input_exc.weight');
  const theta = t.get('exc.theta');
  if (!w || !theta || w.data.length !== net.w.length || theta.data.length !== net.theta.length) {
    throw new PlasticityError('BAD_INPUT', `Checkpoint does not hold a ${net.p.nInput}x${net.p.nExc} Diehl & Cook network`);
  }
  net.w.set(w.data);
  net.theta.set(theta.data);
}

export function createDiehlCookTrainer(deps: DiehlCookDeps = {}): TrainMethod {
  const loadData = deps.loadData ?? loadMnistSet;
  return async (config: RunConfig, hooks: TrainHooks, resume: CheckpointState | null): Promise<TrainResult> => {
    const s = config.settings;
    const nExc = excitatoryCount(config);
    const [train, test] = await Promise.all([loadData('train', s.trainLimit), loadData('test', s.testLimit)]);
    hooks.log(`diehl-cook: ${nExc} excitatory neurons, ${train.count} training and ${test.count} test images`);
    const nuPost = s.learningRate > 0 ? s.learningRate : 0.01;
    const net = new DiehlCookNetwork({ ...deps.params, nExc, nInput: train.features, nuPost, nuPre: nuPost / 100 }, s.seed);
    const window = Math.max(1, s.batchSize);
    const stepsPerEpoch = Math.ceil(train.count / window);
    const labelCount = Math.min(train.count, deps.labelCount ?? 10000);
    const labelSet: ImageSet = { ...train, count: labelCount, images: train.images.subarray(0, labelCount * train.features), labels: train.labels.subarray(0, labelCount) };

    let epoch = 0;
    let step = 0;
    let bestTest: number | null = null;
    let elapsedBase = 0;
    if (resume) {
      loadWeights(net, resume.weights);
      loadCarried(net, resume.optimizer);
      const words = [0, 1, 2, 3].map((i) => resume.extra[`rng${i}`]);
      if (words.every((x) => typeof x === 'number')) net.rng.setState(words as number[]);
      epoch = resume.epoch;
      step = resume.step;
      bestTest = resume.bestTestAccuracy;
      elapsedBase = typeof resume.extra.elapsedMs === 'number' ? resume.extra.elapsedMs : 0;
      hooks.log(`diehl-cook: resuming at epoch ${epoch + 1}, image ${step * window}`);
    }
    const t0 = Date.now();
    const elapsed = (): number => elapsedBase + (Date.now() - t0);
    const snapshot = (): CheckpointState => {
      const r = net.rng.getState();
      return {
        epoch,
        step,
        weights: saveWeights(net),
        optimizer: saveCarried(net),
        extra: { rng0: r[0], rng1: r[1], rng2: r[2], rng3: r[3], elapsedMs: elapsed(), nExc },
        bestTestAccuracy: bestTest,
      };
    };

    const counts = new Uint16Array(window * nExc);
    let assignments: Int32Array | null = null;
    let lastTest: number | null = null;
    while (epoch < s.epochs) {
      for (; step < stepsPerEpoch; step++) {
        if ((await hooks.control()) === 'stop') {
          await hooks.checkpoint(snapshot());
          return { stopped: true, epochsDone: epoch, finalTestAccuracy: lastTest, bestTestAccuracy: bestTest, weights: saveWeights(net) };
        }
        const start = step * window;
        const end = Math.min(train.count, start + window);
        const wStart = Date.now();
        let spikes = 0;
        let correct = 0;
        for (let k = start; k < end; k++) {
          const raster = k === start && hooks.wantSpikes() ? { times: [] as number[], ids: [] as number[] } : undefined;
          const c = net.present(train.images.subarray(k * train.features, (k + 1) * train.features), true, raster);
          counts.set(c, (k - start) * nExc);
          for (let j = 0; j < nExc; j++) spikes += c[j];
          if (assignments && predictLabel(c, assignments) === train.labels[k]) correct++;
          if (raster) hooks.spikes({ layer: 'exc', epoch, step, timesteps: net.steps, neurons: nExc, times: raster.times, ids: raster.ids, truncated: false });
        }
        const n = end - start;
        const acc = assignments ? correct / n : null;
        assignments = assignLabels(counts, train.labels.subarray(start, end), n, nExc);
        const secs = (Date.now() - wStart) / 1000;
        if (hooks.wantPlasticity()) {
          // 784 inputs are 28x28 images; any other input size is shown as one row per neuron.
          const side = Math.round(Math.sqrt(net.p.nInput));
          const [rows, cols] = side * side === net.p.nInput ? [side, side] : [1, net.p.nInput];
          hooks.plasticity({ epoch, step, receptiveFields: receptiveFields(net.w, net.p.nInput, nExc, rows, cols), histogram: histogram('input_exc', net.w) });
        }
        hooks.metric({
          kind: 'batch',
          epoch,
          // The 0-based index of the window just completed (MetricRecord.step).
          step,
          stepsPerEpoch,
          elapsedMs: elapsed(),
          loss: acc === null ? 1 : 1 - acc,
          trainAccuracy: acc,
          testAccuracy: null,
          learningRate: nuPost,
          samplesPerSecond: secs > 0 ? n / secs : null,
          firingRates: { exc: spikes / (n * nExc * net.steps) },
        });
      }
      const evalStart = Date.now();
      lastTest = test.count > 0 && labelSet.count > 0 ? evaluateDiehlCook(net, labelSet, test).accuracy : null;
      if (lastTest !== null && (bestTest === null || lastTest > bestTest)) bestTest = lastTest;
      hooks.log(`diehl-cook: epoch ${epoch + 1} evaluated in ${((Date.now() - evalStart) / 1000).toFixed(1)} s`);
      hooks.metric({
        kind: 'epoch',
        epoch,
        step: stepsPerEpoch,
        stepsPerEpoch,
        elapsedMs: elapsed(),
        loss: lastTest === null ? 1 : 1 - lastTest,
        trainAccuracy: null,
        testAccuracy: lastTest,
        learningRate: nuPost,
        samplesPerSecond: null,
        firingRates: {},
      });
      epoch++;
      step = 0;
      await hooks.checkpoint(snapshot());
    }
    return { stopped: false, epochsDone: epoch, finalTestAccuracy: lastTest, bestTestAccuracy: bestTest, weights: saveWeights(net) };
  };
}

export const trainDiehlCook: TrainMethod = createDiehlCookTrainer();
