import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/snn/rng';
import { SpikePropNetwork, SPIKEPROP_XOR, type SpikePropOptimizer } from '../../../core/plasticity/spikeProp';

const X = SPIKEPROP_XOR.inputs;
const Y = SPIKEPROP_XOR.targets;

describe('SpikeProp (Bohte, Kok & La Poutré 2002)', () => {
  it('back-propagated spike-time gradients match finite differences', () => {
    const net = new SpikePropNetwork({ layers: [3, 5, 1], minSlope: 1e-9, inhibitoryHidden: 1 }, new Rng(2), 0.3);
    const { grads } = net.gradients(X, Y);
    const h = 1e-5;
    for (const [l, k] of [[0, 3], [0, 20], [0, 100], [1, 5], [1, 20], [1, 70]]) {
      const w0 = net.w[l][k];
      net.w[l][k] = w0 + h;
      const ep = net.error(X, Y);
      net.w[l][k] = w0 - h;
      const em = net.error(X, Y);
      net.w[l][k] = w0;
      expect(grads[l][k]).toBeCloseTo((ep - em) / (2 * h), 4);
    }
  });

  const cases: Array<[SpikePropOptimizer, number, number]> = [
    ['rprop', 0.01, 0.15],
    ['momentum', 0.001, 0.3],
    ['sgd', 0.003, 0.3],
  ];
  for (const [optimizer, learningRate, scale] of cases) {
    it(`solves the temporally encoded XOR (${optimizer})`, () => {
      const net = new SpikePropNetwork({ layers: [3, 5, 1], optimizer, learningRate, tMax: 40, scanStep: 0.2 }, new Rng(1), scale);
      const r = net.fit(X, Y, 800, 1);
      expect(r.maxErrorMs).toBeLessThanOrEqual(1);
      // Read as a classifier: every output is nearer its own target than the other class's.
      X.forEach((x, n) => {
        const t = net.forward(x)[2][0];
        expect(Math.abs(t - Y[n][0])).toBeLessThan(Math.abs(t - (Y[n][0] === 10 ? 16 : 10)));
      });
    });
  }
});
