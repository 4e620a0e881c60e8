/**
 * Exponential spike traces read lazily in continuous time: each trace stores its value at its last
 * update and decays analytically, x(t) = x(t_k) exp(-(t - t_k)/tau), so rules driven by spike
 * events cost nothing between spikes and are exact for any spike times (Morrison, Diesmann &
 * Gerstner 2008, Biol. Cybern. 98:459, section 2: the "local variable" form of STDP).
 */
import { requirePositive } from './errors';

/**
 * How a spike updates its trace (Morrison et al. 2008, Fig. 5): 'all-to-all' adds 1, so every
 * earlier spike contributes; 'nearest' resets to 1, so only the most recent spike counts.
 */
export type Pairing = 'all-to-all' | 'nearest';

export class ExpTraces {
  private readonly value: Float64Array;
  private readonly last: Float64Array;

  constructor(readonly size: number, readonly tau: number) {
    requirePositive('tau', tau);
    this.value = new Float64Array(size);
    this.last = new Float64Array(size);
  }

  /** Trace k at time t (t must not precede its last update). */
  read(k: number, t: number): number {
    const v = this.value[k];
    return v === 0 ? 0 : v * Math.exp(-(t - this.last[k]) / this.tau);
  }

  /** Registers a spike of k at time t. */
  spike(k: number, t: number, pairing: Pairing): void {
    this.value[k] = pairing === 'nearest' ? 1 : this.read(k, t) + 1;
    this.last[k] = t;
  }

  reset(): void {
    this.value.fill(0);
    this.last.fill(0);
  }
}
