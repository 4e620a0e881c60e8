import { describe, expect, it } from 'vitest';
import { Conv2dLayer, resolveConvPadding } from '../../../core/snn/layers/conv2d';
import { Rng } from '../../../core/snn/rng';
import { getKernels } from '../../../core/snn/kernels';
import type { Kernels } from '../../../core/snn/kernels/types';
import { ctxFor, gradCheck, naiveKernels, testKernels as kernels, randomTensor } from './synapticTestKit';

function conv(inputShape: number[], filters: number, k: number, stride = 1, pad: number | 'same' = 0, groups = 1, bias = true): Conv2dLayer {
  const kernel: [number, number] = [k, k];
  return new Conv2dLayer('c', inputShape, { filters, kernel, stride: [stride, stride], padding: resolveConvPadding(pad, kernel), groups, bias }, new Rng(1));
}

describe('Conv2dLayer', () => {
  it('computes a hand-checked 3x3 input, 2x2 kernel, one filter with bias', () => {
    const layer = conv([1, 3, 3], 1, 2);
    const [w, b] = layer.params();
    w.value.set([1, 2, 3, 4]);
    b.value[0] = 0.5;
    const x = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 1, 1, 3, 3] };
    const y = layer.forward(x, ctxFor(kernels, false));
    // [1 2;4 5].[1 2;3 4] = 1+4+12+20 = 37, then 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77
    expect(y.shape).toEqual([1, 1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([37.5, 47.5, 67.5, 77.5]);
  });

  it('keeps H and W with same padding and halves them with stride 2', () => {
    expect(conv([2, 7, 7], 3, 3, 1, 'same').outputShape([2, 7, 7])).toEqual([3, 7, 7]);
    expect(conv([2, 8, 8], 3, 3, 2, 1).outputShape([2, 8, 8])).toEqual([3, 4, 4]);
    expect(conv([1, 28, 28], 20, 5).outputShape([1, 28, 28])).toEqual([20, 24, 24]);
  });

  it('keeps groups independent: a group only sees its own channels', () => {
    const layer = conv([2, 2, 2], 2, 1, 1, 0, 2, false);
    const [w] = layer.params();
    expect(w.shape).toEqual([2, 1, 1, 1]);
    w.value.set([2, 3]);
    const x = { data: Float32Array.from([1, 1, 1, 1, 10, 10, 10, 10]), shape: [1, 1, 2, 2, 2] };
    const y = layer.forward(x, ctxFor(kernels, false));
    expect(Array.from(y.data)).toEqual([2, 2, 2, 2, 30, 30, 30, 30]);
  });

  it('treats T*B as one batch: each sample is convolved independently', () => {
    const layer = conv([1, 4, 4], 2, 3, 1, 1);
    const rng = new Rng(3);
    const x = randomTensor([2, 3, 1, 4, 4], rng);
    const y = layer.forward(x, ctxFor(kernels, false));
    const one = { data: x.data.slice(5 * 16, 6 * 16), shape: [1, 1, 1, 4, 4] };
    const y1 = layer.forward(one, ctxFor(kernels, false));
    expect(Array.from(y.data.slice(5 * 32, 6 * 32))).toEqual(Array.from(y1.data));
  });

  it('uses Kaiming normal init: weight std close to sqrt(2/fanIn)', () => {
    const layer = conv([8, 10, 10], 64, 3);
    const w = layer.params()[0].value;
    let s = 0;
    for (const v of w) s += v * v;
    const std = Math.sqrt(s / w.length);
    expect(std).toBeGreaterThan(Math.sqrt(2 / 72) * 0.93);
    expect(std).toBeLessThan(Math.sqrt(2 / 72) * 1.07);
  });

  it.each([
    ['plain', [2, 5, 5], 3, 3, 1, 0 as number | 'same', 1],
    ['stride 2, pad 1', [2, 6, 6], 2, 3, 2, 1, 1],
    ['same, groups 2', [4, 5, 5], 4, 3, 1, 'same' as const, 2],
  ])('passes a finite-difference gradient check (%s)', (_label, shape, filters, k, stride, pad, groups) => {
    const layer = conv(shape as number[], filters as number, k as number, stride as number, pad, groups as number);
    const x = randomTensor([2, 2, ...(shape as number[])], new Rng(5));
    const r = gradCheck(layer, x, kernels);
    expect(r.inputRelErr).toBeLessThan(1e-2);
    for (const e of Object.values(r.paramRelErr)) expect(e).toBeLessThan(1e-2);
  });

  const parity = (other: Kernels): void => {
    const layer = conv([4, 6, 5], 6, 3, 2, 1, 2);
    const x = randomTensor([2, 2, 4, 6, 5], new Rng(9));
    const g = randomTensor([2, 2, 6, 3, 3], new Rng(10));
    const run = (k: Kernels): number[] => {
      for (const p of layer.params()) p.grad.fill(0);
      const y = layer.forward(x, ctxFor(k, true));
      const dx = layer.backward(g, ctxFor(k, true));
      return [...y.data, ...dx.data, ...layer.params().flatMap((p) => [...p.grad])];
    };
    const a = run(kernels);
    const b = run(other);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
  };

  it('gives the same outputs and gradients on the reference backend and a naive oracle', () => parity(naiveKernels));

  const native = getKernels().kernels;
  it.skipIf(native.name !== 'native')('gives the same outputs and gradients on the native addon', () => parity(native));

  it('rejects inputs whose shape does not match the construction shape', () => {
    const layer = conv([1, 4, 4], 1, 3);
    expect(() => layer.forward(randomTensor([1, 1, 2, 4, 4], new Rng(1)), ctxFor(kernels, false))).toThrow(/expected input \[T, B, 1, 4, 4\]/);
    expect(() => conv([3, 4, 4], 2, 1, 1, 0, 2)).toThrow(expect.objectContaining({ code: 'LAYER_SHAPE', message: expect.stringMatching(/groups 2 must divide/) as string }) as Error);
    expect(() => conv([1, 4, 4], 1, 3).backward(randomTensor([1, 1, 1, 2, 2], new Rng(1)), ctxFor(kernels, true))).toThrow(
      expect.objectContaining({ code: 'LAYER_STATE', message: 'c: backward called without a training forward' }) as Error,
    );
    expect(() => conv([1, 2, 2], 1, 3)).toThrow(/does not fit/);
  });
});
