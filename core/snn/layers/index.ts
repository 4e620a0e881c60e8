/**
 * The layer factory: the one switch from a LayerSpec to a Layer. Network and builder stay generic
 * over the Layer contract; a new layer type plugs in here.
 * 'residual' is not a layer but a block; build.ts assembles it from layers made here.
 */
import type { Rng } from '../rng';
import type { LayerSpec } from '../spec';
import { SpecError } from '../specValidate';
import { BatchNormLayer } from './batchnorm';
import { Conv2dLayer, pair, resolveConvPadding } from './conv2d';
import { DelayLayer } from './delay';
import { DenseLayer } from './dense';
import { DropoutLayer } from './dropout';
import { FlattenLayer } from './flatten';
import type { Layer } from './layer';
import { NeuronLayer } from './neuron';
import { AvgPoolLayer, MaxPoolLayer } from './pool';
import { ReluLayer } from './relu';

export interface CreateLayerOptions {
  /** Input is exactly 0/1 spikes, so event-driven kernels apply. */
  binaryInput: boolean;
  /** False when nothing consumes dL/dinput (first layer); defaults to true. */
  inputGrad?: boolean;
}

export function createLayer(spec: LayerSpec, inputShape: readonly number[], name: string, rng: Rng, opts: CreateLayerOptions): Layer {
  switch (spec.type) {
    case 'dense':
      return new DenseLayer(name, inputShape, { units: spec.units, bias: spec.bias ?? true, binaryInput: opts.binaryInput, inputGrad: opts.inputGrad ?? true }, rng);
    case 'neuron':
      return new NeuronLayer(name, inputShape, spec.neuron);
    case 'conv2d': {
      const kernel = pair(spec.kernel, 1);
      return new Conv2dLayer(
        name,
        inputShape,
        {
          filters: spec.filters,
          kernel,
          stride: pair(spec.stride, 1),
          padding: resolveConvPadding(spec.padding, kernel),
          groups: spec.groups ?? 1,
          bias: spec.bias ?? true,
          inputGrad: opts.inputGrad ?? true,
        },
        rng,
      );
    }
    case 'avgpool':
      return new AvgPoolLayer(name, inputShape, { size: spec.size, stride: spec.stride ?? spec.size });
    case 'maxpool':
      return new MaxPoolLayer(name, inputShape, { size: spec.size, stride: spec.stride ?? spec.size });
    case 'flatten':
      return new FlattenLayer(name, inputShape);
    case 'relu':
      return new ReluLayer(name, inputShape);
    case 'batchnorm':
      return new BatchNormLayer(name, 'batchnorm', inputShape, { momentum: spec.momentum ?? 0.1, eps: spec.eps ?? 1e-5, scale: 1 });
    case 'tdbn':
      return new BatchNormLayer(name, 'tdbn', inputShape, { momentum: spec.momentum ?? 0.1, eps: spec.eps ?? 1e-5, scale: (spec.alpha ?? 1) * (spec.threshold ?? 1) });
    case 'dropout':
      return new DropoutLayer(name, inputShape, spec.rate);
    case 'delay':
      return new DelayLayer(name, spec.steps);
    default:
      throw new SpecError([{ code: 'SPEC_TYPE', path: name, message: `layer type "${spec.type}" of layer "${name}" has no implementation in createLayer` }]);
  }
}
