import { describe, expect, it } from 'vitest';
import { AvgPoolLayer, MaxPoolLayer } from '../../../core/snn/layers/pool';
import { FlattenLayer } from '../../../core/snn/layers/flatten';
import type { Layer, Tensor } from '../../../core/snn/layers/layer';
import { Rng } from '../../../core/snn/rng';
import { ctxFor, gradCheck, testKernels as kernels, randomTensor } from './synapticTestKit';

const x4 = (): Tensor => ({ data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), shape: [1, 1, 1, 4, 4] });

/** Distinct values so max pooling has no ties within the finite-difference step. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(seed);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return { data: Float32Array.from(perm, (v) => v * 0.1), shape };
}

describe('AvgPoolLayer', () => {
  it('averages 2x2 windows (hand-computed)', () => {
    const p = new AvgPoolLayer('p', [1, 4, 4], { size: 2, stride: 2 });
    const y = p.forward(x4(), ctxFor(kernels, true));
    expect(y.shape).toEqual([1, 1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([3.5, 5.5, 11.5, 13.5]);
    const dx = p.backward({ data: Float32Array.from([4, 0, 0, 8]), shape: y.shape }, ctxFor(kernels, true));
    expect(Array.from(dx.data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2]);
  });

  it('supports overlapping windows and passes a gradient check', () => {
    const p = new AvgPoolLayer('p', [2, 5, 5], { size: 3, stride: 2 });
    expect(p.outputShape([2, 5, 5])).toEqual([2, 2, 2]);
    const r = gradCheck(p, randomTensor([2, 2, 2, 5, 5], new Rng(2)), kernels);
    expect(r.inputRelErr).toBeLessThan(1e-2);
  });
});

describe('MaxPoolLayer', () => {
  it('takes window maxima and routes gradient to the argmax only', () => {
    const p = new MaxPoolLayer('m', [1, 4, 4], { size: 2, stride: 2 });
    const y = p.forward(x4(), ctxFor(kernels, true));
    expect(Array.from(y.data)).toEqual([6, 8, 14, 16]);
    const dx = p.backward({ data: Float32Array.from([1, 2, 3, 4]), shape: y.shape }, ctxFor(kernels, true));
    expect(Array.from(dx.data)).toEqual([0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4]);
    expect(p.retainedFloats()).toBe(4);
  });

  it('is the OR of binary spikes', () => {
    const p = new MaxPoolLayer('m', [1, 2, 2], { size: 2, stride: 2 });
    const y = p.forward({ data: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 0]), shape: [2, 1, 1, 2, 2] }, ctxFor(kernels, false));
    expect(Array.from(y.data)).toEqual([1, 0]);
  });

  it('passes a gradient check with overlapping windows', () => {
    const p = new MaxPoolLayer('m', [2, 5, 5], { size: 3, stride: 2 });
    const r = gradCheck(p, distinct([2, 2, 2, 5, 5], 4), kernels, 1e-3);
    expect(r.inputRelErr).toBeLessThan(1e-2);
  });
});

describe('FlattenLayer', () => {
  it('relabels [T,B,C,H,W] as [T,B,CHW] without copying, and back', () => {
    const f = new FlattenLayer('f', [2, 3, 3]);
    const x = randomTensor([2, 4, 2, 3, 3], new Rng(1));
    const y = f.forward(x);
    expect(y.shape).toEqual([2, 4, 18]);
    expect(y.data).toBe(x.data);
    expect(f.backward(y).shape).toEqual([2, 4, 2, 3, 3]);
    expect(f.outputShape([2, 3, 3])).toEqual([18]);
  });
});

describe('gradCheck', () => {
  it('detects a wrong backward (the checker itself can fail)', () => {
    const inner = new AvgPoolLayer('p', [1, 4, 4], { size: 2, stride: 2 });
    const broken: Layer = {
      name: 'broken',
      type: 'avgpool',
      outputShape: (s) => inner.outputShape(s),
      forward: (x, c) => inner.forward(x, c),
      backward: (g, c) => {
        const d = inner.backward(g, c);
        d.data[0] *= 1.5;
        return d;
      },
      params: () => [],
      activity: () => null,
      buffers: () => [],
    };
    expect(gradCheck(broken, randomTensor([1, 1, 1, 4, 4], new Rng(3)), kernels).inputRelErr).toBeGreaterThan(1e-2);
  });
});
