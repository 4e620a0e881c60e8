/**
 * Synapse dynamics in front of the membrane as a first-order linear filter over time, applied
 * independently to each of N channels of a [T, N] current:
 *   exponential:  I[t] = a I[t-1] + (1 - a) x[t],   a = exp(-1/tauSyn)
 *   alpha:        the same filter applied twice (kernel ∝ t e^(-t/tauSyn), Gerstner et al. 2014,
 *                 "Neuronal Dynamics", ch. 1.3 and snnTorch `Alpha`)
 * The (1 - a) factor gives unit DC gain, so switching synapse kinds keeps thresholds meaningful.
 * The adjoint (backward) is the same recursion run backwards in time:
 *   gx[t] = (1 - a) gI[t],  gI[t] += a gI[t+1]
 */

export function synapseDecay(tauSyn: number): number {
  return Math.exp(-1 / tauSyn);
}

/** `out` (optional, same length as x, not aliasing it) receives the result; every element is written. */
export function filterForward(x: Float32Array, T: number, N: number, a: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const b = 1 - a;
  for (let n = 0; n < N; n++) {
    let i = 0;
    for (let t = 0; t < T; t++) {
      const k = t * N + n;
      i = a * i + b * x[k];
      out[k] = i;
    }
  }
  return out;
}

export function filterBackward(g: Float32Array, T: number, N: number, a: number, out: Float32Array = new Float32Array(g.length)): Float32Array {
  const b = 1 - a;
  for (let n = 0; n < N; n++) {
    let acc = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + n;
      acc = g[k] + a * acc;
      out[k] = b * acc;
    }
  }
  return out;
}
