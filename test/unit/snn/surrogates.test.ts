import { describe, expect, it } from 'vitest';
import { DEFAULT_SURROGATE_ALPHA, SURROGATE_KINDS, surrogateGrad, surrogatePrimitive } from '../../../core/snn/surrogates';

describe('surrogates', () => {
  for (const kind of SURROGATE_KINDS) {
    it(`${kind}: gradient is the derivative of its primitive`, () => {
      for (const alpha of [DEFAULT_SURROGATE_ALPHA[kind], 0.7, 3]) {
        for (let x = -2.03; x < 2; x += 0.137) {
          const eps = 1e-6;
          const fd = (surrogatePrimitive(kind, x + eps, alpha) - surrogatePrimitive(kind, x - eps, alpha)) / (2 * eps);
          // Skip the kinks of the piecewise kinds, where the derivative is one-sided.
          if (kind === 'rectangle' && Math.abs(Math.abs(alpha * x) - 0.5) < 1e-5) continue;
          expect(surrogateGrad(kind, x, alpha)).toBeCloseTo(fd, 4);
        }
      }
    });
    it(`${kind}: peaks at the threshold and is symmetric`, () => {
      const a = DEFAULT_SURROGATE_ALPHA[kind];
      expect(surrogateGrad(kind, 0, a)).toBeGreaterThan(0);
      expect(surrogateGrad(kind, 0.05, a)).toBeLessThanOrEqual(surrogateGrad(kind, 0, a));
      expect(surrogateGrad(kind, 0.3, a)).toBeCloseTo(surrogateGrad(kind, -0.3, a), 12);
    });
  }
  it('uses the published peak values', () => {
    expect(surrogateGrad('arctan', 0, 2)).toBe(1); // alpha / 2
    expect(surrogateGrad('sigmoid', 0, 4)).toBe(1); // alpha / 4
    expect(surrogateGrad('fastSigmoid', 0, 25)).toBe(1);
    expect(surrogateGrad('triangle', 0, 1)).toBe(1);
    expect(surrogateGrad('rectangle', 0.49, 1)).toBe(1);
    expect(surrogateGrad('rectangle', 0.5, 1)).toBe(0);
  });
});
