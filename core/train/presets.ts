/**
 * Built-in presets: a model spec, default run settings and the training recipe (loss, optimiser)
 * that goes with them. Recipes stay in the engine; the API only sees summaries and the model.
 */
import { ApiError, type PresetSummary } from '../api/contract';
import type { LossKind, LossOptions } from '../snn/losses';
import type { OptimizerConfig, Schedule } from '../snn/optim';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec, type NeuronSpec } from '../snn/spec';

export interface TrainingRecipe {
  loss: LossKind;
  lossOptions?: LossOptions;
  /** lr comes from the run settings. */
  optimizer: Omit<OptimizerConfig, 'lr'>;
  schedule: Schedule;
  /** Global gradient-norm clip; null = off. */
  clipNorm: number | null;
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
];

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
