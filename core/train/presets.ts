/**
 * Built-in presets: a model spec, default run settings and the training recipe (loss, optimiser)
 * that goes with them. Recipes stay in the engine; the API only sees summaries and the model.
 */
import { ApiError, type PresetSummary } from '../api/contract';
import type { LossKind, LossOptions } from '../snn/losses';
import type { OptimizerConfig, Schedule } from '../snn/optim';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type LayerSpec, type ModelSpec, type NeuronSpec } from '../snn/spec';

export interface TrainingRecipe {
  loss: LossKind;
  lossOptions?: LossOptions;
  /** lr comes from the run settings. */
  optimizer: Omit<OptimizerConfig, 'lr'>;
  schedule: Schedule;
  /** Global gradient-norm clip; null = off. */
  clipNorm: number | null;
  /** Event-frame training only: random shift of each training sample by up to this many pixels. */
  maxShift?: number;
}

interface Preset {
  summary: PresetSummary;
  model: ModelSpec;
  training: TrainingRecipe;
}

const lif: NeuronSpec = {
  model: 'lif',
  form: 'decay',
  beta: 0.9,
  threshold: 1,
  reset: 'soft',
  surrogate: { kind: 'arctan', alpha: 2 },
};

const PRESETS: Preset[] = [
  {
    summary: {
      name: 'mnist-mlp',
      title: 'MNIST MLP (LIF, BPTT)',
      description: 'Poisson-encoded 784-500-10 LIF network trained with surrogate-gradient BPTT (arctan), cross-entropy on output spike counts, Adam.',
      dataset: 'mnist',
      method: 'bptt',
      defaults: { epochs: 1, batchSize: 128, learningRate: 1e-3, timesteps: 25, seed: 1, trainLimit: null, testLimit: null },
    },
    model: {
      format: MODEL_SPEC_FORMAT,
      version: MODEL_SPEC_VERSION,
      name: 'mnist-mlp',
      input: [784],
      timesteps: 25,
      encoder: { type: 'poisson', gain: 1 },
      layers: [
        { type: 'dense', name: 'fc1', units: 500 },
        { type: 'neuron', name: 'lif1', neuron: lif },
        { type: 'dense', name: 'fc2', units: 10 },
        { type: 'neuron', name: 'lif2', neuron: lif },
      ],
      decoder: { type: 'spikeCount' },
    },
    training: { loss: 'ce', optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999 }, schedule: { kind: 'constant' }, clipNorm: null },
  },
  {
    summary: {
      name: 'mnist-conv',
      title: 'MNIST ConvNet (LIF, BPTT)',
      description: 'Poisson-encoded 20C5-P2-50C5-P2-200FC-10FC LIF network (average pooling), surrogate-gradient BPTT, Adam.',
      dataset: 'mnist',
      method: 'bptt',
      defaults: { epochs: 1, batchSize: 64, learningRate: 1e-3, timesteps: 8, seed: 1, trainLimit: null, testLimit: null },
    },
    model: {
      format: MODEL_SPEC_FORMAT,
      version: MODEL_SPEC_VERSION,
      name: 'mnist-conv',
      input: [1, 28, 28],
      timesteps: 8,
      encoder: { type: 'poisson', gain: 1 },
      layers: [
        { type: 'conv2d', name: 'conv1', filters: 20, kernel: 5 },
        { type: 'neuron', name: 'lif1', neuron: lif },
        { type: 'avgpool', name: 'pool1', size: 2 },
        { type: 'conv2d', name: 'conv2', filters: 50, kernel: 5 },
        { type: 'neuron', name: 'lif2', neuron: lif },
        { type: 'avgpool', name: 'pool2', size: 2 },
        { type: 'flatten', name: 'flatten' },
        { type: 'dense', name: 'fc1', units: 200 },
        { type: 'neuron', name: 'lif3', neuron: lif },
        { type: 'dense', name: 'fc2', units: 10 },
        { type: 'neuron', name: 'lif4', neuron: lif },
      ],
      decoder: { type: 'spikeCount' },
    },
    training: { loss: 'ce', optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999 }, schedule: { kind: 'constant' }, clipNorm: null },
  },
  {
    summary: {
      name: 'nmnist-conv',
      title: 'N-MNIST ConvNet (LIF, BPTT, event frames)',
      description:
        'Event recordings cut into T time-bin frames with 2 polarity channels (34x34) fed one frame per step: 12C5-P2-32C5-P2-128FC-10FC LIF network, surrogate-gradient BPTT, Adam. Train with --data <N-MNIST folder>; 20% of each class is held out for validation when the folder has no test split.',
      dataset: 'nmnist',
      method: 'bptt',
      defaults: { epochs: 24, batchSize: 32, learningRate: 2e-3, timesteps: 10, seed: 1, trainLimit: null, testLimit: null },
    },
    model: {
      format: MODEL_SPEC_FORMAT,
      version: MODEL_SPEC_VERSION,
      name: 'nmnist-conv',
      input: [2, 34, 34],
      timesteps: 10,
      // Frames are the [T, B, ...] input already (core/train/eventData.ts); 'direct' is the same
      // coding when a single static frame is given.
      encoder: { type: 'direct' },
      layers: [
        { type: 'conv2d', name: 'conv1', filters: 12, kernel: 5 },
        { type: 'neuron', name: 'lif1', neuron: lif },
        { type: 'avgpool', name: 'pool1', size: 2 },
        { type: 'conv2d', name: 'conv2', filters: 32, kernel: 5 },
        { type: 'neuron', name: 'lif2', neuron: lif },
        { type: 'avgpool', name: 'pool2', size: 2 },
        { type: 'flatten', name: 'flatten' },
        // A 128-unit hidden layer: on the 1000-sample set it lifts held-out accuracy from about
        // 95.5% (conv features straight to 10 outputs) to about 97% for ~100k more weights.
        { type: 'dense', name: 'fc1', units: 128 },
        { type: 'neuron', name: 'lif3', neuron: lif },
        { type: 'dense', name: 'fc2', units: 10 },
        { type: 'neuron', name: 'lif4', neuron: lif },
      ],
      decoder: { type: 'spikeCount' },
    },
    // 800 training recordings are few for a conv net: shift augmentation and a halving step decay
    // (every 200 batches, 8 epochs at the default batch size) keep it from overfitting.
    training: { loss: 'ce', optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999 }, schedule: { kind: 'step', every: 200, gamma: 0.5 }, clipNorm: null, maxShift: 2 },
  },
  ...methodPresets(),
  ...plasticityPresets(),
];

/**
 * The seed networks of issue 4 for the other method families: the 20C5-P2-50C5-P2-200FC-10FC
 * convnet as an ANN (conversion, hybrid) or with IF neurons and direct input (ASF, ADM), and the
 * 784-400-10 single-spike network (S4NN). Method hyperparameters come from each method's option
 * table (core/train/methodKit.ts OptionTable) and a run's `methodOptions`.
 */
function methodPresets(): Preset[] {
  const model = (name: string, input: number[], layers: LayerSpec[], extra: Partial<ModelSpec> = {}): ModelSpec => ({
    format: MODEL_SPEC_FORMAT,
    version: MODEL_SPEC_VERSION,
    name,
    input,
    timesteps: 1,
    encoder: { type: 'direct' },
    layers,
    decoder: { type: 'rate' },
    ...extra,
  });
  const conv = (act: (i: number) => LayerSpec): LayerSpec[] => [
    { type: 'conv2d', name: 'conv1', filters: 20, kernel: 5 },
    act(1),
    { type: 'avgpool', name: 'pool1', size: 2 },
    { type: 'conv2d', name: 'conv2', filters: 50, kernel: 5 },
    act(2),
    { type: 'avgpool', name: 'pool2', size: 2 },
    { type: 'flatten', name: 'flatten' },
    { type: 'dense', name: 'fc1', units: 200 },
    act(3),
    { type: 'dense', name: 'fc2', units: 10 },
  ];
  const relu = (i: number): LayerSpec => ({ type: 'relu', name: `act${i}` });
  const ifn = (i: number): LayerSpec => ({ type: 'neuron', name: `act${i}`, neuron: { model: 'if', reset: 'soft', threshold: 1 } });
  const ce: TrainingRecipe = { loss: 'ce', optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999 }, schedule: { kind: 'constant' }, clipNorm: null };
  const preset = (name: string, title: string, description: string, method: string, m: ModelSpec, d: Partial<PresetSummary['defaults']>): Preset => ({
    summary: { name, title, description, dataset: 'mnist', method, defaults: { epochs: 1, batchSize: 64, learningRate: 1e-3, timesteps: m.timesteps, seed: 1, trainLimit: null, testLimit: null, ...d } },
    model: m,
    training: ce,
  });
  const annConv = model('mnist-conv-ann', [1, 28, 28], conv(relu));
  const ifConv = model('mnist-conv-if', [1, 28, 28], conv(ifn), { timesteps: 10 });
  return [
    preset('mnist-conv-conversion', 'MNIST ConvNet, ANN-to-SNN conversion (rate)', 'Trains the ReLU/avg-pool ANN of 20C5-P2-50C5-P2-200FC-10FC, normalises by the 99.9th activation percentile, converts ReLU to IF (reset by subtraction) and reports accuracy against T = 1..256.', 'conversion', annConv, { timesteps: 32 }),
    preset('mnist-conv-ttfs', 'MNIST ConvNet, conversion with TTFS coding', 'Same ANN, converted to one-spike-per-neuron time-to-first-spike coding; accuracy against T beside the rate curve.', 'conversion-ttfs', annConv, { timesteps: 64 }),
    preset('mnist-conv-asf', 'MNIST ConvNet (IF), Accumulated Spiking Flow', 'IF convnet with direct input trained by ASF (Wu et al., AAAI 2021): T-step forward, one backward over accumulated flows.', 'asf', ifConv, { timesteps: 10 }),
    preset('mnist-conv-adm', 'MNIST ConvNet (IF), approximate derivative method', 'IF convnet trained by ADM (Lee et al. 2020): membrane-accumulating output, spike-rate approximate derivatives.', 'adm', ifConv, { timesteps: 10 }),
    preset('mnist-conv-hybrid', 'MNIST ConvNet, hybrid (conversion + BPTT, DIET-SNN)', 'ANN training and conversion as initialisation, then BPTT at T = 5 with learnable leak and threshold (Rathi & Roy 2020).', 'hybrid', annConv, { timesteps: 5 }),
    preset(
      'mnist-s4nn',
      'MNIST 784-400-10, single-spike temporal backprop (S4NN)',
      'Latency-coded input, non-leaky IF neurons firing at most once, first-spike readout, temporal backprop with relative targets (Kheradpisheh & Masquelier 2020).',
      'single-spike',
      model('mnist-s4nn', [784], [
        { type: 'dense', name: 'fc1', units: 400, bias: false },
        { type: 'neuron', name: 'if1', neuron: { model: 'if', threshold: 1 } },
        { type: 'dense', name: 'fc2', units: 10, bias: false },
        { type: 'neuron', name: 'if2', neuron: { model: 'if', threshold: 1 } },
      ], { timesteps: 64, encoder: { type: 'latency', mode: 'linear' }, decoder: { type: 'firstSpike' } }),
      { timesteps: 64, batchSize: 32, learningRate: 1e-3 },
    ),
  ];
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export function listPresets(): PresetSummary[] {
  return PRESETS.map((p) => clone(p.summary));
}

function find(name: string): Preset {
  const p = PRESETS.find((q) => q.summary.name === name);
  if (!p) throw new ApiError('UNKNOWN_PRESET', `Unknown preset "${name}"; available: ${PRESETS.map((q) => q.summary.name).join(', ')}`);
  return p;
}

export function getPreset(name: string): { summary: PresetSummary; model: ModelSpec; training: TrainingRecipe } {
  const p = find(name);
  return { summary: clone(p.summary), model: clone(p.model), training: clone(p.training) };
}

/** The recipe for a preset; runs of custom models (no preset) get CE + Adam. */
export function trainingRecipe(preset: string | null): TrainingRecipe {
  const p = preset ? PRESETS.find((q) => q.summary.name === preset) : undefined;
  return clone(p?.training ?? { loss: 'ce', optimizer: { kind: 'adam' }, schedule: { kind: 'constant' }, clipNorm: null });
}

/**
 * The plasticity rules of core/plasticity, one preset each. Except Diehl & Cook (MNIST) every rule
 * generates its own small task from the run's seed, described by its options (methodOptions); the
 * model spec only names the learning layer's shape for the run list and the builder: the rules do
 * not compile it. The training recipe is unused by these methods.
 */
function plasticityPresets(): Preset[] {
  const unused: TrainingRecipe = { loss: 'ce', optimizer: { kind: 'sgd' }, schedule: { kind: 'constant' }, clipNorm: null };
  const layer = (name: string, input: number[], units: number): ModelSpec => ({
    format: MODEL_SPEC_FORMAT,
    version: MODEL_SPEC_VERSION,
    name,
    input,
    timesteps: 1,
    encoder: { type: 'direct' },
    layers: [
      { type: 'dense', name: 'fc1', units, bias: false },
      { type: 'neuron', name: 'lif1', neuron: { model: 'lif', form: 'decay', beta: 0.9, threshold: 1, reset: 'hard' } },
    ],
    decoder: { type: 'spikeCount' },
  });
  const preset = (name: string, title: string, description: string, dataset: string, method: string, model: ModelSpec, d: Partial<PresetSummary['defaults']>): Preset => ({
    summary: { name, title, description, dataset, method, defaults: { epochs: 1, batchSize: 10, learningRate: 1, timesteps: 1, seed: 1, trainLimit: null, testLimit: null, ...d } },
    model,
    training: unused,
  });
  return [
    preset(
      'mnist-diehl-cook',
      'MNIST, Diehl & Cook unsupervised STDP (100 neurons)',
      'Poisson-coded MNIST into 100 conductance-based excitatory neurons with adaptive thresholds and lateral inhibition, learning with STDP; neurons labelled from their responses, test accuracy by their vote (Diehl & Cook 2015). The size is the units of fc1.',
      'mnist',
      'diehl-cook',
      { ...layer('mnist-diehl-cook', [784], 100), encoder: { type: 'poisson', gain: 1 } },
      { epochs: 1, batchSize: 100, learningRate: 0.01, trainLimit: 10000, testLimit: 1000 },
    ),
    preset('tempotron-patterns', 'Tempotron, random latency patterns', '2 classes x 50 random patterns over 500 afferents, one spike each in 500 ms; the neuron must fire for class 1 only (Gütig & Sompolinsky 2006).', 'latency-patterns', 'tempotron', layer('tempotron', [500], 1), { epochs: 10, batchSize: 20, learningRate: 3e-3 }),
    preset('resume-target', 'ReSuMe, target spike train', 'A LIF neuron driven by 200 Poisson afferents learns to fire at 40, 90, 130 and 170 ms (Ponulak & Kasiński 2010).', 'poisson-target', 'resume', layer('resume', [200], 1), { epochs: 5, batchSize: 20, learningRate: 0.01 }),
    preset('spikeprop-xor', 'SpikeProp, temporal XOR', 'The temporally encoded XOR of Bohte et al. (2002): 3 inputs (with bias), 5 hidden (1 inhibitory), 1 output with 16 delayed terminals per connection; RProp.', 'xor-timing', 'spikeprop', layer('spikeprop', [3], 5), { epochs: 4, batchSize: 10, learningRate: 0.01 }),
    preset('stdp-pair-bars', 'Pair STDP, receptive fields of bars', '8x8 Poisson afferents, 4 horizontal bars, 4 neurons with lateral inhibition and adaptive thresholds learning with additive pair STDP (Song et al. 2000); each neuron comes to prefer one bar.', 'bars', 'stdp-pair', layer('stdp-pair', [64], 4), { epochs: 4, batchSize: 25, learningRate: 4 }),
    preset('stdp-triplet-bars', 'Triplet STDP, receptive fields of bars', 'The bars task with the minimal all-to-all triplet rule of Pfister & Gerstner (2006) and weight normalisation.', 'bars', 'stdp-triplet', layer('stdp-triplet', [64], 4), { epochs: 4, batchSize: 25, learningRate: 3 }),
    preset('clopath-bars', 'Voltage-based STDP (Clopath), receptive fields of bars', 'The bars task on 4 AdEx neurons whose input weights follow the voltage-based rule of Clopath et al. (2010), with weight normalisation.', 'bars', 'clopath', layer('clopath', [64], 4), { epochs: 3, batchSize: 25, learningRate: 1 }),
    preset('rstdp-reward', 'R-STDP, rewarded association', 'Two stimuli, two outputs: reward-modulated STDP with eligibility traces and a reward baseline learns which output answers which stimulus (Izhikevich 2007).', 'reward-task', 'rstdp', layer('rstdp', [40], 2), { epochs: 3, batchSize: 50, learningRate: 0.1 }),
  ];
}
