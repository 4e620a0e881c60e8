/**
 * Triplet STDP (Pfister & Gerstner 2006, J. Neurosci. 26:9673, eqs. 3-4). Two presynaptic traces
 * r1 (τ+), r2 (τx) and two postsynaptic traces o1 (τ-), o2 (τy); at a presynaptic spike
 *
 *   w ← w - o1(t) [A2- + A3- r2(t - ε)]
 *
 * and at a postsynaptic spike
 *
 *   w ← w + r1(t) [A2+ + A3+ o2(t - ε)],
 *
 * where "t - ε" means the trace is read before the current spike bumps it. All-to-all
 * interactions add 1 to a trace per spike; nearest-spike interactions reset it to 1. The triplet
 * terms make potentiation grow with the postsynaptic rate, which reproduces the frequency
 * dependence of Sjöström, Turrigiano & Nelson (2001) that pair STDP cannot.
 */
import { PlasticityError, requireNonNegative, requirePositive } from './errors';
import { pairingDeltaW } from './pairing';
import { ExpTraces, type Pairing } from './traces';

export interface TripletStdpParams {
  a2Plus: number;
  a3Plus: number;
  a2Minus: number;
  a3Minus: number;
  /** ms */
  tauPlus: number;
  tauMinus: number;
  tauX: number;
  tauY: number;
  pairing: Pairing;
  wMin: number;
  wMax: number;
}

/**
 * Published fits (Pfister & Gerstner 2006, Table 4 for the visual cortex data of Sjöström et al.
 * 2001; the hippocampal fits of the same paper for the data of Wang et al. 2005); τ+ = 16.8 ms and τ- = 33.7 ms
 * throughout (Bi & Poo 1998). Weights are unbounded in the fits; bounds here default to ±∞.
 */
export const TRIPLET_PARAMETER_SETS = {
  'visual-cortex-all-to-all': { a2Plus: 5e-10, a3Plus: 6.2e-3, a2Minus: 7e-3, a3Minus: 2.3e-4, tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 125, pairing: 'all-to-all' },
  'visual-cortex-nearest': { a2Plus: 8.8e-11, a3Plus: 5.3e-2, a2Minus: 6.6e-3, a3Minus: 3.1e-3, tauPlus: 16.8, tauMinus: 33.7, tauX: 714, tauY: 40, pairing: 'nearest' },
  'visual-cortex-minimal-all-to-all': { a2Plus: 0, a3Plus: 6.5e-3, a2Minus: 7.1e-3, a3Minus: 0, tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 114, pairing: 'all-to-all' },
  'visual-cortex-minimal-nearest': { a2Plus: 0, a3Plus: 7.2e-2, a2Minus: 8e-3, a3Minus: 0, tauPlus: 16.8, tauMinus: 33.7, tauX: 714, tauY: 40, pairing: 'nearest' },
  'hippocampal-all-to-all': { a2Plus: 6.1e-3, a3Plus: 6.7e-3, a2Minus: 1.6e-3, a3Minus: 1.4e-3, tauPlus: 16.8, tauMinus: 33.7, tauX: 946, tauY: 27, pairing: 'all-to-all' },
  'hippocampal-nearest': { a2Plus: 4.6e-3, a3Plus: 9.1e-3, a2Minus: 3e-3, a3Minus: 7.5e-9, tauPlus: 16.8, tauMinus: 33.7, tauX: 575, tauY: 47, pairing: 'nearest' },
} as const satisfies Record<string, Omit<TripletStdpParams, 'wMin' | 'wMax'>>;

export type TripletParameterSet = keyof typeof TRIPLET_PARAMETER_SETS;

export function tripletParams(set: TripletParameterSet, overrides: Partial<TripletStdpParams> = {}): TripletStdpParams {
  const base = TRIPLET_PARAMETER_SETS[set];
  if (!base) throw new PlasticityError('BAD_PARAMETER', `Unknown triplet parameter set "${String(set)}"; available: ${Object.keys(TRIPLET_PARAMETER_SETS).join(', ')}`);
  const p: TripletStdpParams = { ...base, wMin: -Infinity, wMax: Infinity, ...overrides };
  for (const k of ['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus'] as const) requireNonNegative(k, p[k]);
  for (const k of ['tauPlus', 'tauMinus', 'tauX', 'tauY'] as const) requirePositive(k, p[k]);
  return p;
}

/** A dense [nPre, nPost] synapse matrix under the triplet rule, driven by spike events in ms. */
export class TripletStdpSynapses {
  readonly w: Float64Array;
  private readonly r1: ExpTraces;
  private readonly r2: ExpTraces;
  private readonly o1: ExpTraces;
  private readonly o2: ExpTraces;

  constructor(readonly nPre: number, readonly nPost: number, readonly p: TripletStdpParams, initial = 0) {
    this.w = new Float64Array(nPre * nPost).fill(initial);
    this.r1 = new ExpTraces(nPre, p.tauPlus);
    this.r2 = new ExpTraces(nPre, p.tauX);
    this.o1 = new ExpTraces(nPost, p.tauMinus);
    this.o2 = new ExpTraces(nPost, p.tauY);
  }

  preSpike(i: number, t: number): void {
    const p = this.p;
    const r2 = this.r2.read(i, t);
    for (let j = 0; j < this.nPost; j++) {
      const o1 = this.o1.read(j, t);
      if (o1 === 0) continue;
      const k = i * this.nPost + j;
      this.w[k] = Math.max(p.wMin, this.w[k] - o1 * (p.a2Minus + p.a3Minus * r2));
    }
    this.r1.spike(i, t, p.pairing);
    this.r2.spike(i, t, p.pairing);
  }

  /** Clears all traces between independent trials (time restarts at 0). */
  resetTraces(): void {
    for (const tr of [this.r1, this.r2, this.o1, this.o2]) tr.reset();
  }

  postSpike(j: number, t: number): void {
    const p = this.p;
    const o2 = this.o2.read(j, t);
    for (let i = 0; i < this.nPre; i++) {
      const r1 = this.r1.read(i, t);
      if (r1 === 0) continue;
      const k = i * this.nPost + j;
      this.w[k] = Math.min(p.wMax, this.w[k] + r1 * (p.a2Plus + p.a3Plus * o2));
    }
    this.o1.spike(j, t, p.pairing);
    this.o2.spike(j, t, p.pairing);
  }
}

/**
 * Weight change of one synapse under the pairing protocol of Sjöström et al. (2001) as simulated
 * by Pfister & Gerstner (2006, Fig. 3): `pairs` pre/post pairs at `frequencyHz`, post lagging pre
 * by `dtMs` (negative: post first). Returns the summed Δw.
 */
export function pairingProtocol(p: TripletStdpParams, dtMs: number, frequencyHz: number, pairs = 60): number {
  requirePositive('frequencyHz', frequencyHz);
  return pairingDeltaW(new TripletStdpSynapses(1, 1, p, 0), dtMs, pairs, frequencyHz);
}
