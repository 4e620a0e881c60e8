/**
 * Surrogate gradients for the spike nonlinearity.
 *
 * Every surrogate has the same forward: the Heaviside step S = Θ(x) = (x >= 0 ? 1 : 0), with
 * x = H - threshold. Only the backward differs: dS/dx is replaced by g'(x; alpha), the derivative of
 * a smooth (or piecewise-linear) stand-in g for Θ. Each g integrates to a total rise of 1 so the
 * surrogates are comparable; `alpha` is a sharpness (larger = narrower, taller peak).
 *
 * The native addon ports these functions one to one (selected by SURROGATE_CODES), so any change
 * here must be mirrored there; the parity tests catch a mismatch.
 */
import type { SurrogateKind } from './kernels/types';

/** Defaults follow the libraries the formulas come from (SpikingJelly, snnTorch). */
export const DEFAULT_SURROGATE_ALPHA: Record<SurrogateKind, number> = {
  arctan: 2,
  sigmoid: 4,
  fastSigmoid: 25,
  triangle: 1,
  rectangle: 1,
};

export const SURROGATE_KINDS: readonly SurrogateKind[] = ['arctan', 'sigmoid', 'fastSigmoid', 'triangle', 'rectangle'];

/**
 * Arctan surrogate (Fang et al., ICCV 2021, PLIF paper; SpikingJelly `surrogate.ATan`).
 *   g(x)  = 1/π · arctan(π/2 · α · x) + 1/2
 *   g'(x) = (α/2) / (1 + (π/2 · α · x)²)
 */
export function arctanGrad(x: number, alpha: number): number {
  const u = (Math.PI / 2) * alpha * x;
  return alpha / 2 / (1 + u * u);
}

/**
 * Sigmoid surrogate (SpikingJelly `surrogate.Sigmoid`; snnTorch `surrogate.sigmoid`).
 *   g(x)  = σ(α x) = 1 / (1 + e^(−α x))
 *   g'(x) = α · σ(α x) · (1 − σ(α x))
 */
export function sigmoidGrad(x: number, alpha: number): number {
  const s = 1 / (1 + Math.exp(-alpha * x));
  return alpha * s * (1 - s);
}

/**
 * Fast sigmoid (Zenke & Ganguli, Neural Computation 2018, SuperSpike, eq. 4; snnTorch
 * `surrogate.fast_sigmoid` with slope α).
 *   g(x)  = x / (1 + α|x|) + 1/2
 *   g'(x) = 1 / (1 + α|x|)²
 * Unlike the others its peak is 1 for every α, so g rises by 2/α rather than 1; we keep the
 * published form because users compare against snnTorch.
 */
export function fastSigmoidGrad(x: number, alpha: number): number {
  const d = 1 + alpha * Math.abs(x);
  return 1 / (d * d);
}

/**
 * Triangle / piecewise-linear pseudo-derivative (Esser et al., PNAS 2016; Bellec et al., NeurIPS
 * 2018, eq. for the LSNN pseudo-derivative γ·max(0, 1 − |x|)), here with unit area:
 *   g'(x) = α · max(0, 1 − α|x|)
 */
export function triangleGrad(x: number, alpha: number): number {
  const v = 1 - alpha * Math.abs(x);
  return v > 0 ? alpha * v : 0;
}

/**
 * Rectangular surrogate (Wu et al., Frontiers in Neuroscience 2018, STBP, eq. 22 with a = 1/α):
 *   g'(x) = α  if |x| < 1/(2α), else 0
 */
export function rectangleGrad(x: number, alpha: number): number {
  return Math.abs(x) < 0.5 / alpha ? alpha : 0;
}

/** dS/dx of the chosen surrogate at x = H − threshold. */
export function surrogateGrad(kind: SurrogateKind, x: number, alpha: number): number {
  switch (kind) {
    case 'arctan':
      return arctanGrad(x, alpha);
    case 'sigmoid':
      return sigmoidGrad(x, alpha);
    case 'fastSigmoid':
      return fastSigmoidGrad(x, alpha);
    case 'triangle':
      return triangleGrad(x, alpha);
    case 'rectangle':
      return rectangleGrad(x, alpha);
  }
}

/**
 * The smooth primitive g whose derivative is the surrogate gradient. Used by tests to check each
 * gradient by finite differences, and by anyone who wants the "soft spike" the backward pretends.
 */
export function surrogatePrimitive(kind: SurrogateKind, x: number, alpha: number): number {
  switch (kind) {
    case 'arctan':
      return Math.atan((Math.PI / 2) * alpha * x) / Math.PI + 0.5;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-alpha * x));
    case 'fastSigmoid':
      return x / (1 + alpha * Math.abs(x)) + 0.5;
    case 'triangle': {
      const ax = alpha * x;
      if (ax <= -1) return 0;
      if (ax >= 1) return 1;
      return ax < 0 ? 0.5 * (1 + ax) * (1 + ax) : 1 - 0.5 * (1 - ax) * (1 - ax);
    }
    case 'rectangle': {
      const ax = alpha * x;
      if (ax <= -0.5) return 0;
      if (ax >= 0.5) return 1;
      return ax + 0.5;
    }
  }
}
