/**
 * Built-in seed networks for the model builder: classic SNN benchmark topologies as plain specs,
 * to start from or train as they are. Read-only: the workspace cannot save under these names.
 */
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type LayerSpec, type ModelSpec, type NeuronSpec } from './spec';

export interface SeedNet {
  spec: ModelSpec;
  title: string;
  description: string;
}

const lif: NeuronSpec = { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft', surrogate: { kind: 'arctan', alpha: 2 } };
const neuron = (name: string, n: NeuronSpec = lif): LayerSpec => ({ type: 'neuron', name, neuron: n });

/** conv (no bias: tdBN's shift replaces it) -> tdBN -> LIF, the unit of STBP-tdBN nets (Zheng et al., AAAI 2021). */
function convBnLif(name: string, filters: number, opts: { stride?: number; kernel?: number } = {}): LayerSpec[] {
  const k = opts.kernel ?? 3;
  const stride = opts.stride ?? 1;
  return [
    { type: 'conv2d', name, filters, kernel: k, ...(stride === 1 ? { padding: k === 1 ? 0 : 'same' } : { stride, padding: (k - 1) >> 1 }), bias: false },
    { type: 'tdbn', name: `${name}Bn`, alpha: 1, threshold: 1 },
    neuron(`${name}Sn`),
  ];
}

function spec(name: string, input: number[], timesteps: number, encoder: ModelSpec['encoder'], layers: LayerSpec[], decoder: ModelSpec['decoder']): ModelSpec {
  return { format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name, input, timesteps, encoder, layers, decoder };
}

/** SEW-ResNet basic block (Fang et al., NeurIPS 2021): two conv-tdBN-LIF units, spikes added to the shortcut. */
function basicBlock(name: string, filters: number, downsample: boolean): LayerSpec {
  return {
    type: 'residual',
    name,
    layers: [...convBnLif('conv1', filters, downsample ? { stride: 2 } : {}), ...convBnLif('conv2', filters)],
    ...(downsample ? { shortcut: convBnLif('proj', filters, { kernel: 1, stride: 2 }) } : {}),
  };
}

export const SEED_NETS: readonly SeedNet[] = [
  {
    title: 'MNIST 784-500-10 LIF MLP',
    description: 'Two dense layers of LIF neurons, Poisson input, spike-count readout.',
    spec: spec(
      'mnist-mlp-lif',
      [784],
      25,
      { type: 'poisson', gain: 1 },
      [{ type: 'dense', name: 'fc1', units: 500 }, neuron('lif1'), { type: 'dense', name: 'fc2', units: 10 }, neuron('lif2')],
      { type: 'spikeCount' },
    ),
  },
  {
    title: 'MNIST 20C5-P2-50C5-P2-200FC-10FC LIF conv net',
    description: 'The LeNet-style SNN benchmark of the engine bench and the mnist-conv preset: two 5x5 conv + average-pool stages, two dense layers, Poisson input.',
    spec: spec(
      'mnist-conv-lif',
      [1, 28, 28],
      8,
      { type: 'poisson', gain: 1 },
      [
        { type: 'conv2d', name: 'conv1', filters: 20, kernel: 5 },
        neuron('lif1'),
        { type: 'avgpool', name: 'pool1', size: 2 },
        { type: 'conv2d', name: 'conv2', filters: 50, kernel: 5 },
        neuron('lif2'),
        { type: 'avgpool', name: 'pool2', size: 2 },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc1', units: 200 },
        neuron('lif3'),
        { type: 'dense', name: 'fc2', units: 10 },
        neuron('lif4'),
      ],
      { type: 'spikeCount' },
    ),
  },
  {
    title: 'MNIST 784-400-10 IF net',
    description: 'Integrate-and-fire MLP with soft reset, the usual target of ANN-to-SNN conversion.',
    spec: spec(
      'mnist-if-400',
      [784],
      32,
      { type: 'rate' },
      [
        { type: 'dense', name: 'fc1', units: 400 },
        neuron('if1', { model: 'if', threshold: 1, reset: 'soft' }),
        { type: 'dense', name: 'fc2', units: 10 },
        neuron('if2', { model: 'if', threshold: 1, reset: 'soft' }),
      ],
      { type: 'spikeCount' },
    ),
  },
  {
    title: 'CIFAR-10 VGG-style with tdBN',
    description: 'VGG-11-like stack 64-P-128-P-256-256-P-512-512-P of conv-tdBN-LIF units, integrator readout.',
    spec: spec(
      'cifar10-vgg-tdbn',
      [3, 32, 32],
      4,
      { type: 'direct' },
      [
        ...convBnLif('conv1', 64),
        { type: 'avgpool', name: 'pool1', size: 2 },
        ...convBnLif('conv2', 128),
        { type: 'avgpool', name: 'pool2', size: 2 },
        ...convBnLif('conv3', 256),
        ...convBnLif('conv4', 256),
        { type: 'avgpool', name: 'pool3', size: 2 },
        ...convBnLif('conv5', 512),
        ...convBnLif('conv6', 512),
        { type: 'avgpool', name: 'pool4', size: 2 },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc', units: 10 },
        neuron('out', { model: 'integrator' }),
      ],
      { type: 'membrane', reduce: 'mean' },
    ),
  },
  {
    title: 'CIFAR-10 ResNet-style (SEW)',
    description: 'Stem plus four residual blocks (two downsampling with 1x1 shortcuts), global average pool, integrator readout.',
    spec: spec(
      'cifar10-resnet',
      [3, 32, 32],
      4,
      { type: 'direct' },
      [
        ...convBnLif('stem', 32),
        basicBlock('block1', 32, false),
        basicBlock('block2', 64, true),
        basicBlock('block3', 64, false),
        basicBlock('block4', 128, true),
        { type: 'avgpool', name: 'gap', size: 8 },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc', units: 10 },
        neuron('out', { model: 'integrator' }),
      ],
      { type: 'membrane', reduce: 'mean' },
    ),
  },
];

export function findSeedNet(name: string): SeedNet | undefined {
  return SEED_NETS.find((s) => s.spec.name === name);
}
