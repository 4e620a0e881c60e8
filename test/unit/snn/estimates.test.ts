import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../core/api/units';
import { estimateModel, nativeConvScratch } from '../../../core/snn/estimates';
import { createLayer } from '../../../core/snn/layers';
import type { Layer, Tensor } from '../../../core/snn/layers/layer';
import { Rng } from '../../../core/snn/rng';
import type { ModelSpec } from '../../../core/snn/spec';
import { inferShapes } from '../../../core/snn/specValidate';
import { convSpec, mlpSpec, resnetSpec } from './specExamples';
import { ctxFor, randomTensor, testKernels } from './synapticTestKit';

interface Retains {
  retainedFloats(): number;
}
const hasRetained = (l: Layer): l is Layer & Retains => typeof (l as Partial<Retains>).retainedFloats === 'function';

const small: ModelSpec = {
  format: 'spikelab.model',
  version: 1,
  name: 'small',
  input: [1, 8, 8],
  timesteps: 3,
  encoder: { type: 'direct' },
  layers: [
    { type: 'conv2d', name: 'conv', filters: 4, kernel: 3, padding: 1 },
    { type: 'batchnorm', name: 'bn' },
    { type: 'neuron', name: 'sn', neuron: { model: 'if' } },
    { type: 'maxpool', name: 'pool', size: 2 },
    { type: 'dropout', name: 'drop', rate: 0.5 },
    { type: 'flatten', name: 'flat' },
    { type: 'dense', name: 'fc', units: 5 },
    { type: 'neuron', name: 'out', neuron: { model: 'lif' } },
  ],
  decoder: { type: 'spikeCount' },
};

/** Builds a plain chain with the real factory and runs one training forward. */
function runChain(spec: ModelSpec, B: number): Layer[] {
  const shapes = inferShapes(spec);
  const rng = new Rng(1);
  const layers = shapes.layers.map((info, i) =>
    createLayer(info.spec, info.inputShape, info.name, rng, { binaryInput: info.inputKind === 'binary', inputGrad: i > 0 }),
  );
  let x: Tensor = randomTensor([spec.timesteps, B, ...spec.input], new Rng(2), 3);
  const ctx = ctxFor(testKernels, true);
  for (const l of layers) x = l.forward(x, ctx);
  return layers;
}

describe('estimateModel', () => {
  it('counts parameters and ANN MACs of 20C5-P2-50C5-P2-200FC-10FC by hand', () => {
    const e = estimateModel(convSpec, { batch: 1 });
    const by = Object.fromEntries(e.layers.map((l) => [l.name, l]));
    expect(by.conv1.params).toBe(20 * 25 + 20);
    expect(by.conv2.params).toBe(50 * 20 * 25 + 50);
    expect(by.fc1.params).toBe(800 * 200 + 200);
    expect(by.fc2.params).toBe(200 * 10 + 10);
    expect(e.totalParams).toBe(520 + 25050 + 160200 + 2010);
    expect(by.conv1.macsPerStep).toBe(20 * 24 * 24 * 25);
    expect(by.conv2.macsPerStep).toBe(50 * 8 * 8 * 500);
    expect(e.annMacsPerSample).toBe(288000 + 1600000 + 160000 + 2000);
    expect(e.estimate).toBe(true);
  });

  it('matches parameter and buffer sizes of the layers the factory builds', () => {
    const layers = runChain(small, 2);
    const e = estimateModel(small, { batch: 2 });
    for (const [i, l] of layers.entries()) {
      expect(e.layers[i].params).toBe(l.params().reduce((a, p) => a + p.value.length, 0));
      expect(e.layers[i].buffers).toBe(l.buffers().reduce((a, p) => a + p.value.length, 0));
    }
  });

  it('matches what each synaptic layer really retains after a training forward', () => {
    const B = 2;
    const layers = runChain(small, B);
    const e = estimateModel(small, { batch: B });
    let checked = 0;
    for (const [i, l] of layers.entries()) {
      if (!hasRetained(l)) continue;
      expect([l.name, e.layers[i].savedFloats]).toEqual([l.name, l.retainedFloats()]);
      checked++;
    }
    expect(checked).toBe(5);
  });

  it('computes BPTT memory with shared buffers counted once (hand-computed)', () => {
    const T = 3;
    const B = 2;
    const e = estimateModel(small, { batch: B });
    const tb = T * B;
    const perTB = (n: number, b: number): number =>
      n * 64 + 2 * 9 * 64 + // conv: input, one sample's columns and their gradient
      n * 256 + 4 + // bn: x_hat, 1/std
      n * 256 * 3 + // sn: input (= bn output), H, S
      n * 64 + // pool argmax
      b * 64 + // dropout mask
      n * 64 + // fc input (= dropout output)
      n * 5 * 3; // out: input (= fc output), H, S
    expect(e.bytes.bptt).toBe(perTB(tb, B) * 4);
    expect(estimateModel(small, { batch: 4, timesteps: 6 }).bytes.bptt).toBe(perTB(24, 4) * 4);
  });

  it('counts the native convolution buffers once per kernel thread, each at its largest layer', () => {
    // conv1 (1 -> 20, 28 x 28, 25 taps): direct forward buffers and the im2col block of its GEMM
    // dW (25 + 20 column rows over 576 outputs, 5 images per 128 Ki floats); conv2 (20 -> 50,
    // 12 x 12, 500 taps): direct forward, dW and dx buffers, images along 16 lanes.
    const conv1 = { imageInput: 16 * 784, imageOutput: 16 * 20 * 576, columns: (25 + 20) * 576 * 5 };
    const conv2 = {
      imageInput: 16 * 20 * 144,
      imageOutput: 16 * 50 * 64,
      imageGradOutput: 16 * 50 * 64,
      imageGradInput: 16 * 20 * 144,
      gradWeights: 500 * 64,
      gradOutputRows: 64 * 64,
      paddedInput: 0,
    };
    const floats =
      Math.max(conv1.imageInput, conv2.imageInput) +
      Math.max(conv1.imageOutput, conv2.imageOutput) +
      conv1.columns +
      conv2.imageGradOutput +
      conv2.imageGradInput +
      conv2.gradWeights +
      conv2.gradOutputRows;
    const one = estimateModel(convSpec, { batch: 8 });
    expect(one.bytes.nativeConvScratch).toBe(floats * 4);
    const two = estimateModel(convSpec, { batch: 8, threads: 2 });
    expect(two.bytes.nativeConvScratch).toBe(2 * one.bytes.nativeConvScratch);
    expect(two.bytes.trainingTotal - one.bytes.trainingTotal).toBe(one.bytes.nativeConvScratch);
    expect(estimateModel(mlpSpec, { batch: 8 }).bytes.nativeConvScratch).toBe(0);
  });

  it('counts a wide conv layer (more than 64 filters) with the im2col block only', () => {
    expect(nativeConvScratch({ channels: 3, height: 8, width: 8, padH: 1, padW: 1, kernelArea: 9, filtersPerGroup: 80, outHW: 64 })).toEqual({
      columns: (27 + 80) * 64 * 16,
    });
  });

  it('counts the dense input once when it is the previous neuron layer\'s spikes', () => {
    const e = estimateModel(convSpec, { batch: 1, timesteps: 1 });
    const by = Object.fromEntries(e.layers.map((l) => [l.name, l]));
    const sn3Spikes = by.sn3.saved.find((s) => s.kind === 'spikes');
    const fc2Input = by.fc2.saved.find((s) => s.kind === 'input');
    expect(sn3Spikes?.key).toBe(fc2Input?.key);
    const sumPerLayer = e.layers.reduce((a, l) => a + l.savedFloats, 0) * 4;
    expect(e.bytes.bptt).toBeLessThan(sumPerLayer);
  });

  it('estimates parameters, activations and a training total including Adam state', () => {
    const e = estimateModel(mlpSpec, { batch: 32 });
    const params = 784 * 100 + 100 + 100 * 10 + 10;
    expect(e.bytes.parameters).toBe(params * 4 * 4);
    const outputs = 100 + 100 + 100 + 10 + 10; // fc1, lif1, dropout, fc2, lif2
    expect(e.bytes.activations).toBe(outputs * 25 * 32 * 4);
    expect(e.bytes.trainingTotal).toBe(e.bytes.parameters + e.bytes.bptt + 784 * 25 * 32 * 4);
    expect(estimateModel(mlpSpec, { batch: 32, optimizerStatePerParam: 0 }).bytes.parameters).toBe(params * 2 * 4);
  });

  it('walks residual branches from the block input', () => {
    const e = estimateModel(resnetSpec, { batch: 2 });
    const by = Object.fromEntries(e.layers.map((l) => [l.name, l]));
    // both branches of block2 read sn1's spikes
    expect(by['block2.conv2d1'].saved[0].key).toBe('sn1');
    expect(by['block2.shortcut.conv2d1'].saved[0].key).toBe('sn1');
    expect(by['block2.shortcut.conv2d1'].params).toBe(16 * 8);
    expect(by.stemBn.params).toBe(16);
    expect(by.stemSn.params).toBe(1);
    expect(by.head.inputShape).toEqual([16]);
  });

  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
