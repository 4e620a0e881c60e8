/** Example specs shared by the validator, schema, estimate and metric tests (also shown in docs/model-spec.md). */
import type { ModelSpec } from '../../../core/snn/spec';

export const mlpSpec: ModelSpec = {
  format: 'spikelab.model',
  version: 1,
  name: 'mlp',
  input: [784],
  timesteps: 25,
  encoder: { type: 'poisson', gain: 1 },
  layers: [
    { type: 'dense', name: 'fc1', units: 100 },
    { type: 'neuron', name: 'lif1', neuron: { model: 'lif', beta: 0.9, threshold: 1, reset: 'soft', surrogate: { kind: 'fastSigmoid', alpha: 25 } } },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', name: 'fc2', units: 10 },
    { type: 'neuron', name: 'lif2', neuron: { model: 'lif', beta: 0.9 } },
  ],
  decoder: { type: 'spikeCount' },
};

/** 20C5-P2-50C5-P2-200FC-10FC (the classic LeNet-style SNN benchmark net). */
export const convSpec: ModelSpec = {
  format: 'spikelab.model',
  version: 1,
  name: 'lenet-snn',
  input: [1, 28, 28],
  timesteps: 8,
  encoder: { type: 'direct' },
  layers: [
    { type: 'conv2d', name: 'conv1', filters: 20, kernel: 5 },
    { type: 'neuron', name: 'sn1', neuron: { model: 'if' } },
    { type: 'maxpool', name: 'pool1', size: 2 },
    { type: 'conv2d', name: 'conv2', filters: 50, kernel: 5 },
    { type: 'neuron', name: 'sn2', neuron: { model: 'if' } },
    { type: 'maxpool', name: 'pool2', size: 2 },
    { type: 'flatten', name: 'flat' },
    { type: 'dense', name: 'fc1', units: 200 },
    { type: 'neuron', name: 'sn3', neuron: { model: 'if' } },
    { type: 'dense', name: 'fc2', units: 10 },
    { type: 'neuron', name: 'out', neuron: { model: 'integrator' } },
  ],
  decoder: { type: 'membrane', reduce: 'mean' },
};

/** A small ResNet-style net: stem, one identity block, one downsampling block with a 1x1 shortcut. */
export const resnetSpec: ModelSpec = {
  format: 'spikelab.model',
  version: 1,
  name: 'tiny-resnet',
  input: [2, 16, 16],
  timesteps: 4,
  encoder: { type: 'direct' },
  layers: [
    { type: 'conv2d', name: 'stem', filters: 8, kernel: 3, padding: 'same', bias: false },
    { type: 'tdbn', name: 'stemBn', alpha: 1, threshold: 1 },
    { type: 'neuron', name: 'stemSn', neuron: { model: 'plif', form: 'tau', tau: 2, reset: 'hard', detachReset: true } },
    {
      type: 'residual',
      name: 'block1',
      layers: [
        { type: 'conv2d', filters: 8, kernel: 3, padding: 1, bias: false },
        { type: 'batchnorm' },
        { type: 'neuron', neuron: { model: 'lif', form: 'tau', tau: 2 } },
        { type: 'conv2d', filters: 8, kernel: 3, padding: 1, bias: false },
        { type: 'batchnorm' },
      ],
    },
    { type: 'neuron', name: 'sn1', neuron: { model: 'lif', form: 'tau', tau: 2 } },
    {
      type: 'residual',
      name: 'block2',
      layers: [
        { type: 'conv2d', filters: 16, kernel: 3, stride: 2, padding: 1, bias: false },
        { type: 'batchnorm' },
        { type: 'neuron', neuron: { model: 'lif', form: 'tau', tau: 2 } },
        { type: 'conv2d', filters: 16, kernel: 3, padding: 1, bias: false },
        { type: 'batchnorm' },
      ],
      shortcut: [{ type: 'conv2d', filters: 16, kernel: 1, stride: 2, bias: false }, { type: 'batchnorm' }],
    },
    { type: 'neuron', name: 'sn2', neuron: { model: 'lif', form: 'tau', tau: 2 } },
    { type: 'avgpool', name: 'gap', size: 8 },
    { type: 'flatten' },
    { type: 'dense', name: 'head', units: 10 },
  ],
  decoder: { type: 'rate' },
};

export const exampleSpecs: Record<string, ModelSpec> = { mlp: mlpSpec, conv: convSpec, resnet: resnetSpec };
