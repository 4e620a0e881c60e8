/**
 * The STDP window of a rule, simulated: for every Δt = t_post − t_pre of a sweep, one synapse at
 * w0 receives `pairs` pre/post pairs at `frequencyHz` (post lagging pre by Δt) and Δw is read
 * off. With one pair the pair rule gives its exponential window exactly (Song et al. 2000, eq. 1);
 * with many pairs the pairing scheme (all-to-all vs nearest) and the triplet terms (Pfister &
 * Gerstner 2006, Fig. 3 protocol) show. The sweep takes the midpoints of `points` equal bins of
 * [−rangeMs, rangeMs]; with an even count Δt = 0, where the order of simultaneous spikes decides,
 * is not sampled, and with an odd count it is simulated with the pre spike first.
 */
import { MethodError, parseOptions, type OptionTable } from '../train/methodKit';
import { pairingDeltaW } from './pairing';
import { PairStdpSynapses } from './pairStdp';
import { TRIPLET_PARAMETER_SETS, tripletParams, TripletStdpSynapses, type TripletParameterSet } from './tripletStdp';

const PROTOCOL = {
  pairs: { rule: { kind: 'number', default: 1, min: 1, max: 1000, integer: true }, doc: 'Pre/post pairs per Δt.' },
  frequencyHz: { rule: { kind: 'number', default: 1, min: 0.01, max: 200 }, doc: 'Pairing frequency (Hz).' },
} as const satisfies OptionTable;

export const PAIR_WINDOW_OPTIONS = {
  ...PROTOCOL,
  aPlus: { rule: { kind: 'number', default: 0.005, min: 0, max: 10 }, doc: 'A+' },
  aMinus: { rule: { kind: 'number', default: 0.00525, min: 0, max: 10 }, doc: 'A−' },
  tauPlus: { rule: { kind: 'number', default: 20, min: 0.01, max: 10000 }, doc: 'τ+ (ms)' },
  tauMinus: { rule: { kind: 'number', default: 20, min: 0.01, max: 10000 }, doc: 'τ− (ms)' },
  form: { rule: { kind: 'enum', default: 'additive', values: ['additive', 'multiplicative', 'van-rossum'] }, doc: 'Weight dependence.' },
  mu: { rule: { kind: 'number', default: 1, min: 0, max: 10 }, doc: 'Gütig exponent μ (multiplicative).' },
  pairing: { rule: { kind: 'enum', default: 'all-to-all', values: ['all-to-all', 'nearest'] }, doc: 'Pairing scheme.' },
  wMin: { rule: { kind: 'number', default: 0 }, doc: 'Lower weight bound.' },
  wMax: { rule: { kind: 'number', default: 1 }, doc: 'Upper weight bound.' },
  w0: { rule: { kind: 'number', default: 0.5 }, doc: 'Initial weight of the synapse.' },
} as const satisfies OptionTable;

const SET_NAMES = Object.keys(TRIPLET_PARAMETER_SETS);

export const TRIPLET_WINDOW_OPTIONS = {
  ...PROTOCOL,
  parameterSet: { rule: { kind: 'enum', default: 'visual-cortex-all-to-all', values: SET_NAMES }, doc: 'Published parameter set; the fields below override it.' },
  a2Plus: { rule: { kind: 'number', default: -1, min: -1, max: 10 }, doc: 'A2+ (−1: from the set)' },
  a3Plus: { rule: { kind: 'number', default: -1, min: -1, max: 10 }, doc: 'A3+ (−1: from the set)' },
  a2Minus: { rule: { kind: 'number', default: -1, min: -1, max: 10 }, doc: 'A2− (−1: from the set)' },
  a3Minus: { rule: { kind: 'number', default: -1, min: -1, max: 10 }, doc: 'A3− (−1: from the set)' },
  tauPlus: { rule: { kind: 'number', default: -1, min: -1, max: 10000 }, doc: 'τ+ (ms; −1: from the set)' },
  tauMinus: { rule: { kind: 'number', default: -1, min: -1, max: 10000 }, doc: 'τ− (ms; −1: from the set)' },
  tauX: { rule: { kind: 'number', default: -1, min: -1, max: 100000 }, doc: 'τx (ms; −1: from the set)' },
  tauY: { rule: { kind: 'number', default: -1, min: -1, max: 100000 }, doc: 'τy (ms; −1: from the set)' },
} as const satisfies OptionTable;

export interface WindowSweep {
  rangeMs: number;
  points: number;
}

export const WINDOW_LIMITS = { maxRangeMs: 1000, minPoints: 2, maxPoints: 2001 } as const;

/** Midpoints of `points` equal bins of [−range, range]. */
export function sweep(rangeMs: number, points: number): number[] {
  const w = (2 * rangeMs) / points;
  return Array.from({ length: points }, (_, k) => -rangeMs + (k + 0.5) * w);
}

/**
 * Δw against Δt for `rule` ('stdp-pair' or 'stdp-triplet') at the given options. Bad options throw
 * MethodError('METHOD_OPTIONS') naming the option; parameters the rule refuses throw PlasticityError.
 */
export function simulateStdpWindow(rule: string, raw: Record<string, unknown>, s: WindowSweep): { dtMs: number[]; dw: number[] } {
  if (!Number.isFinite(s.rangeMs) || s.rangeMs <= 0 || s.rangeMs > WINDOW_LIMITS.maxRangeMs) throw new MethodError('METHOD_OPTIONS', `rangeMs must be in (0, ${WINDOW_LIMITS.maxRangeMs}], got ${s.rangeMs}`);
  if (!Number.isInteger(s.points) || s.points < WINDOW_LIMITS.minPoints || s.points > WINDOW_LIMITS.maxPoints) throw new MethodError('METHOD_OPTIONS', `points must be an integer in ${WINDOW_LIMITS.minPoints}..${WINDOW_LIMITS.maxPoints}, got ${s.points}`);
  const dtMs = sweep(s.rangeMs, s.points);
  if (rule === 'stdp-pair') {
    const o = parseOptions(rule, PAIR_WINDOW_OPTIONS, raw);
    if (!(o.wMax > o.wMin)) throw new MethodError('METHOD_OPTIONS', `stdp-pair: wMax must exceed wMin, got wMin=${o.wMin}, wMax=${o.wMax}`);
    if (o.w0 < o.wMin || o.w0 > o.wMax) throw new MethodError('METHOD_OPTIONS', `stdp-pair: w0 must lie in [wMin, wMax], got ${o.w0}`);
    const params = { aPlus: o.aPlus, aMinus: o.aMinus, tauPlus: o.tauPlus, tauMinus: o.tauMinus, form: o.form as 'additive', mu: o.mu, pairing: o.pairing as 'nearest', wMin: o.wMin, wMax: o.wMax };
    return { dtMs, dw: dtMs.map((dt) => pairingDeltaW(new PairStdpSynapses(1, 1, params, o.w0), dt, o.pairs, o.frequencyHz)) };
  }
  if (rule === 'stdp-triplet') {
    const o = parseOptions(rule, TRIPLET_WINDOW_OPTIONS, raw);
    const set = o.parameterSet as TripletParameterSet;
    const overrides: Record<string, number> = {};
    for (const k of ['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus', 'tauPlus', 'tauMinus', 'tauX', 'tauY'] as const) {
      if (o[k] === -1) continue;
      if (k.startsWith('tau') && o[k] <= 0) throw new MethodError('METHOD_OPTIONS', `stdp-triplet: option "${k}" must be positive (or −1 for the set's value), got ${o[k]}`);
      if (o[k] < 0) throw new MethodError('METHOD_OPTIONS', `stdp-triplet: option "${k}" must be >= 0 (or −1 for the set's value), got ${o[k]}`);
      overrides[k] = o[k];
    }
    const p = tripletParams(set, overrides);
    return { dtMs, dw: dtMs.map((dt) => pairingDeltaW(new TripletStdpSynapses(1, 1, p, 0), dt, o.pairs, o.frequencyHz)) };
  }
  throw new MethodError('METHOD_OPTIONS', `unknown STDP rule "${rule}"; available: stdp-pair, stdp-triplet`);
}

