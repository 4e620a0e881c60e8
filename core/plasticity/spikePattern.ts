/**
 * A spike pattern over a set of afferents: events sorted by time. The supervised rules
 * (Tempotron, ReSuMe) read their inputs in this form.
 */
import { PlasticityError } from './errors';
import type { Rng } from '../snn/rng';

export interface SpikePattern {
  /** Afferent index of each event. */
  afferent: Int32Array;
  /** Event times in ms, non-decreasing. */
  time: Float64Array;
}

/** Builds a pattern from (afferent, time) pairs in any order. */
export function makePattern(events: ReadonlyArray<readonly [number, number]>): SpikePattern {
  const sorted = [...events].sort((a, b) => a[1] - b[1]);
  const afferent = new Int32Array(sorted.length);
  const time = new Float64Array(sorted.length);
  sorted.forEach(([a, t], k) => {
    if (!Number.isInteger(a) || a < 0 || !Number.isFinite(t)) throw new PlasticityError('BAD_INPUT', `Expected (afferent >= 0 integer, finite time) but received (${a}, ${t})`);
    afferent[k] = a;
    time[k] = t;
  });
  return { afferent, time };
}

/** Gütig & Sompolinsky's (2006) random patterns: every afferent fires once, uniformly in [0, T). */
export function randomLatencyPattern(nAfferents: number, durationMs: number, rng: Rng): SpikePattern {
  const ev: Array<[number, number]> = [];
  for (let i = 0; i < nAfferents; i++) ev.push([i, rng.next() * durationMs]);
  return makePattern(ev);
}

/** Homogeneous Poisson spikes on every afferent at rateHz over [0, T). */
export function poissonPattern(nAfferents: number, rateHz: number, durationMs: number, rng: Rng): SpikePattern {
  const ev: Array<[number, number]> = [];
  const isi = 1000 / rateHz;
  for (let i = 0; i < nAfferents; i++) {
    for (let t = -Math.log(1 - rng.next()) * isi; t < durationMs; t += -Math.log(1 - rng.next()) * isi) ev.push([i, t]);
  }
  return makePattern(ev);
}
