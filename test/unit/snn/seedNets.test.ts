import { describe, expect, it } from 'vitest';
import { SEED_NETS } from '../../../core/snn/seedNets';
import { estimateModel } from '../../../core/snn/estimates';
import { inferShapes, validateModelSpec } from '../../../core/snn/specValidate';

const byName = (n: string) => SEED_NETS.find((s) => s.spec.name === n)!;

describe('seed networks', () => {
  it('all validate and infer shapes, with unique names and a 10-class output', () => {
    expect(new Set(SEED_NETS.map((s) => s.spec.name)).size).toBe(SEED_NETS.length);
    for (const s of SEED_NETS) {
      expect(validateModelSpec(s.spec)).toEqual(s.spec);
      expect(inferShapes(s.spec).output, s.spec.name).toEqual([10]);
      expect(s.title.length).toBeGreaterThan(5);
    }
  });

  it('have the documented topologies', () => {
    const mlp = byName('mnist-mlp-lif').spec;
    expect(mlp.input).toEqual([784]);
    expect(mlp.layers.filter((l) => l.type === 'dense').map((l) => (l.type === 'dense' ? l.units : 0))).toEqual([500, 10]);
    expect(estimateModel(mlp, { batch: 1 }).totalParams).toBe(784 * 500 + 500 + 500 * 10 + 10);
    const conv = inferShapes(byName('mnist-conv-lif').spec).layers.map((l) => `${l.name}:${l.outputShape.join('x')}`);
    expect(conv).toEqual(expect.arrayContaining(['conv1:20x24x24', 'pool1:20x12x12', 'conv2:50x8x8', 'pool2:50x4x4', 'fc1:200', 'fc2:10']));
    const ifNet = byName('mnist-if-400').spec;
    expect(ifNet.layers.filter((l) => l.type === 'neuron').every((l) => l.type === 'neuron' && l.neuron.model === 'if')).toBe(true);
    const vgg = byName('cifar10-vgg-tdbn').spec;
    expect(vgg.input).toEqual([3, 32, 32]);
    expect(vgg.layers.some((l) => l.type === 'tdbn')).toBe(true);
    const res = inferShapes(byName('cifar10-resnet').spec);
    expect(res.layers.filter((l) => l.type === 'residual').map((l) => l.outputShape.join('x'))).toEqual(['32x32x32', '64x16x16', '64x16x16', '128x8x8']);
  });
});
