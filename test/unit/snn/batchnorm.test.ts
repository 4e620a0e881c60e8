import { describe, expect, it } from 'vitest';
import { BatchNormLayer } from '../../../core/snn/layers/batchnorm';
import { Rng } from '../../../core/snn/rng';
import { ctxFor, gradCheck, testKernels as kernels, randomTensor } from './synapticTestKit';

describe('BatchNormLayer', () => {
  it('normalises each channel over T*B*H*W (hand-computed)', () => {
    const bn = new BatchNormLayer('bn', 'batchnorm', [2, 1, 2], { momentum: 0.1, eps: 0, scale: 1 });
    // channel 0 values over (T=2,B=1,HW=2): 1,3,5,7 -> mean 4, var 5; channel 1 constant 2 plus 0/4.
    const x = { data: Float32Array.from([1, 3, 2, 2, 5, 7, 2, 6]), shape: [2, 1, 2, 1, 2] };
    const y = bn.forward(x, ctxFor(kernels, true));
    const s5 = Math.sqrt(5);
    const expected0 = [-3 / s5, -1 / s5, 1 / s5, 3 / s5];
    const got0 = [y.data[0], y.data[1], y.data[4], y.data[5]];
    got0.forEach((v, i) => expect(v).toBeCloseTo(expected0[i], 5));
    // channel 1: 2,2,2,6 -> mean 3, var 3
    expect(y.data[7]).toBeCloseTo(3 / Math.sqrt(3), 5);
    const [rm, rv] = bn.buffers();
    expect(rm.value[0]).toBeCloseTo(0.4, 6);
    // unbiased variance 20/3 in the running estimate: 0.9 + 0.1 * 20/3
    expect(rv.value[0]).toBeCloseTo(0.9 + 2 / 3, 5);
    for (const p of bn.params()) expect(p.decay).toBe(false);
  });

  it('uses running statistics in eval', () => {
    const bn = new BatchNormLayer('bn', 'batchnorm', [1], { momentum: 0.1, eps: 0, scale: 1 });
    const [rm, rv] = bn.buffers();
    rm.value[0] = 2;
    rv.value[0] = 4;
    const y = bn.forward({ data: Float32Array.from([4, 0]), shape: [1, 2, 1] }, ctxFor(kernels, false));
    expect(Array.from(y.data)).toEqual([1, -1]);
  });

  it('tdBN normalises to alpha*Vth (Zheng et al. 2021, eq. 5)', () => {
    const td = new BatchNormLayer('td', 'tdbn', [3], { momentum: 0.1, eps: 1e-5, scale: 0.5 * 2 });
    const bn = new BatchNormLayer('bn', 'batchnorm', [3], { momentum: 0.1, eps: 1e-5, scale: 1 });
    const x = randomTensor([4, 3, 3], new Rng(8), 3);
    const a = td.forward(x, ctxFor(kernels, true));
    const b = bn.forward(x, ctxFor(kernels, true));
    for (let i = 0; i < a.data.length; i++) expect(a.data[i]).toBeCloseTo(b.data[i], 6);
    const td2 = new BatchNormLayer('td', 'tdbn', [3], { momentum: 0.1, eps: 1e-5, scale: 2 });
    const c = td2.forward(x, ctxFor(kernels, true));
    let sq = 0;
    for (let i = 0; i < c.data.length; i += 3) sq += c.data[i] ** 2;
    // per-channel variance of output = (alpha*Vth)^2 = 4
    expect(sq / 12).toBeCloseTo(4, 3);
  });

  it.each([
    ['conv maps', 'batchnorm' as const, [3, 2, 2], 1],
    ['features', 'batchnorm' as const, [5], 1],
    ['tdBN', 'tdbn' as const, [2, 3, 3], 1.5],
  ])('passes a gradient check (%s)', (_l, type, shape, scale) => {
    const bn = new BatchNormLayer('bn', type, shape, { momentum: 0.1, eps: 1e-5, scale });
    const [g, b] = bn.params();
    const r0 = new Rng(4);
    for (let i = 0; i < g.value.length; i++) {
      g.value[i] = 0.5 + r0.next();
      b.value[i] = r0.next() - 0.5;
    }
    const r = gradCheck(bn, randomTensor([3, 2, ...shape], new Rng(6), 2), kernels, 1e-2);
    expect(r.inputRelErr).toBeLessThan(1e-2);
    for (const e of Object.values(r.paramRelErr)) expect(e).toBeLessThan(1e-2);
  });
});
