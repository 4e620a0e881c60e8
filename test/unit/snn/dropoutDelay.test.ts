import { describe, expect, it } from 'vitest';
import { DropoutLayer } from '../../../core/snn/layers/dropout';
import { DelayLayer } from '../../../core/snn/layers/delay';
import { Rng } from '../../../core/snn/rng';
import { ctxFor, gradCheck, testKernels as kernels, randomTensor } from './synapticTestKit';

describe('DropoutLayer', () => {
  it('holds one mask per sample across all time steps, scaled by 1/(1-rate)', () => {
    const d = new DropoutLayer('d', [50], 0.4);
    const x = { data: new Float32Array(5 * 3 * 50).fill(1), shape: [5, 3, 50] };
    const y = d.forward(x, ctxFor(kernels, true));
    let zeros = 0;
    for (let t = 1; t < 5; t++)
      for (let i = 0; i < 150; i++) expect(y.data[t * 150 + i]).toBe(y.data[i]);
    for (let i = 0; i < 150; i++) {
      if (y.data[i] === 0) zeros++;
      else expect(y.data[i]).toBeCloseTo(1 / 0.6, 6);
    }
    expect(zeros).toBeGreaterThan(35);
    expect(zeros).toBeLessThan(85);
    // different samples get different masks
    expect(Array.from(y.data.slice(0, 50))).not.toEqual(Array.from(y.data.slice(50, 100)));
    expect(d.retainedFloats()).toBe(150);
  });

  it('is the identity in eval and masks gradients like the forward in training', () => {
    const d = new DropoutLayer('d', [4], 0.5);
    const x = randomTensor([2, 2, 4], new Rng(1));
    expect(d.forward(x, ctxFor(kernels, false)).data).toBe(x.data);
    expect(gradCheck(d, x, kernels).inputRelErr).toBeLessThan(1e-2);
  });

  it('rejects rates outside [0, 1)', () => {
    expect(() => new DropoutLayer('d', [4], 1)).toThrow(expect.objectContaining({ code: 'LAYER_CONFIG', message: 'd: dropout rate must be in [0, 1), got 1' }) as Error);
    expect(() => new DelayLayer('dl', -1)).toThrow(expect.objectContaining({ code: 'LAYER_CONFIG' }) as Error);
  });
});

describe('DelayLayer', () => {
  it('shifts each sample later by `steps` with zero fill, and shifts gradients back', () => {
    const d = new DelayLayer('dl', 2);
    const x = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [4, 1, 2] };
    const y = d.forward(x);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
    const g = d.backward({ data: Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]), shape: [4, 1, 2] });
    expect(Array.from(g.data)).toEqual([3, 3, 4, 4, 0, 0, 0, 0]);
  });

  it('passes a gradient check', () => {
    expect(gradCheck(new DelayLayer('dl', 1), randomTensor([3, 2, 3], new Rng(2)), kernels).inputRelErr).toBeLessThan(1e-2);
  });
});
