import { describe, expect, it } from 'vitest';
import { PlasticityError } from '../../../core/plasticity/errors';
import { PairStdpSynapses, pairStdpWindow } from '../../../core/plasticity/pairStdp';

/** One pre/post pair at Δt = t_post - t_pre on a fresh synapse; returns Δw. */
function pair(dt: number, params: ConstructorParameters<typeof PairStdpSynapses>[2], w0 = 0.5): number {
  const syn = new PairStdpSynapses(1, 1, params, w0);
  const tPre = 100;
  const tPost = tPre + dt;
  if (dt >= 0) {
    syn.preSpike(0, tPre);
    syn.postSpike(0, tPost);
  } else {
    syn.postSpike(0, tPost);
    syn.preSpike(0, tPre);
  }
  return syn.w[0] - w0;
}

describe('pair-based STDP', () => {
  const params = { aPlus: 0.01, aMinus: 0.012, tauPlus: 16.8, tauMinus: 33.7 };

  it('sweeping Δt reproduces the exponential window of the chosen parameters (additive)', () => {
    for (let dt = -100; dt <= 100; dt += 2.5) {
      if (dt === 0) continue;
      const expected = dt > 0 ? params.aPlus * Math.exp(-dt / params.tauPlus) : -params.aMinus * Math.exp(dt / params.tauMinus);
      expect(pair(dt, params)).toBeCloseTo(expected, 12);
      expect(pairStdpWindow(dt, 0.5, params)).toBeCloseTo(expected, 12);
    }
    // The window's decay constants fitted back from the sweep are the parameters.
    expect(-10 / Math.log(pair(20, params) / pair(10, params))).toBeCloseTo(params.tauPlus, 9);
    expect(-10 / Math.log(pair(-20, params) / pair(-10, params))).toBeCloseTo(params.tauMinus, 9);
  });

  it('multiplicative form scales potentiation by (w_max - w) and depression by (w - w_min)', () => {
    const m = { ...params, form: 'multiplicative' as const, mu: 1 };
    expect(pair(10, m, 0.25)).toBeCloseTo(0.75 * params.aPlus * Math.exp(-10 / params.tauPlus), 12);
    expect(pair(-10, m, 0.25)).toBeCloseTo(-0.25 * params.aMinus * Math.exp(-10 / params.tauMinus), 12);
    // Soft bounds: repeated potentiation approaches w_max without crossing it.
    const syn = new PairStdpSynapses(1, 1, { ...m, aPlus: 0.5 }, 0.5);
    for (let n = 0; n < 50; n++) {
      syn.preSpike(0, n * 1000);
      syn.postSpike(0, n * 1000 + 1);
    }
    expect(syn.w[0]).toBeLessThanOrEqual(1);
    expect(syn.w[0]).toBeGreaterThan(0.99);
  });

  it('van Rossum form: additive potentiation, depression proportional to w', () => {
    const v = { ...params, form: 'van-rossum' as const };
    expect(pair(10, v, 0.25)).toBeCloseTo(params.aPlus * Math.exp(-10 / params.tauPlus), 12);
    expect(pair(-10, v, 0.25)).toBeCloseTo(-0.25 * params.aMinus * Math.exp(-10 / params.tauMinus), 12);
    expect(pair(-10, v, 0.5)).toBeCloseTo(2 * pair(-10, v, 0.25), 12);
  });

  it('additive form is clipped at the hard bounds', () => {
    expect(0.5 + pair(1, { ...params, aPlus: 2 })).toBe(1);
    expect(0.5 + pair(-1, { ...params, aMinus: 2 })).toBe(0);
  });

  it('all-to-all sums over earlier spikes, nearest-neighbour keeps only the last', () => {
    const run = (pairing: 'all-to-all' | 'nearest'): number => {
      const syn = new PairStdpSynapses(1, 1, { ...params, pairing, aMinus: 0 }, 0.5);
      syn.preSpike(0, 0);
      syn.preSpike(0, 10);
      syn.postSpike(0, 20);
      return syn.w[0] - 0.5;
    };
    const e = (d: number): number => params.aPlus * Math.exp(-d / params.tauPlus);
    expect(run('all-to-all')).toBeCloseTo(e(20) + e(10), 12);
    expect(run('nearest')).toBeCloseTo(e(10), 12);
  });

  it('rejects bad parameters with a typed error', () => {
    expect(() => new PairStdpSynapses(1, 1, { tauPlus: 0 })).toThrow(PlasticityError);
    try {
      new PairStdpSynapses(1, 1, { wMin: 1, wMax: 0 });
    } catch (e) {
      expect((e as PlasticityError).code).toBe('BAD_PARAMETER');
    }
  });
});
