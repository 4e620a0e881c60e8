import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/api/contract';
import type { LabContext } from '../../../core/lab/context';
import { MethodsService } from '../../../core/lab/methods/service';
import { simulateStdpWindow, sweep } from '../../../core/plasticity/stdpWindow';
import { TRIPLET_PARAMETER_SETS } from '../../../core/plasticity/tripletStdp';

const service = new MethodsService({} as LabContext);

/** Least-squares slope of ln|Δw| against Δt: −1/τ on the LTP side, +1/τ on the LTD side. */
function fittedTau(dt: number[], dw: number[]): number {
  const x = dt;
  const y = dw.map((v) => Math.log(Math.abs(v)));
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  x.forEach((xi, k) => {
    num += (xi - mx) * (y[k] - my);
    den += (xi - mx) ** 2;
  });
  return Math.abs(den / num);
}

describe('stdpWindow', () => {
  it('sweeps the midpoints of equal bins (Δt = 0 only for an odd count, pre first)', () => {
    expect(sweep(10, 4)).toEqual([-7.5, -2.5, 2.5, 7.5]);
    expect(sweep(100, 200)).not.toContain(0);
    expect(sweep(10, 5)[2]).toBeCloseTo(0, 12);
    expect(simulateStdpWindow('stdp-pair', {}, { rangeMs: 10, points: 5 }).dw[2]).toBeCloseTo(0.005, 12);
  });

  it('reproduces the exponential pair window of its parameters (additive, one pair)', async () => {
    const options = { aPlus: 0.01, aMinus: 0.012, tauPlus: 17, tauMinus: 34 };
    const w = await service.stdpWindow({ rule: 'stdp-pair', options, rangeMs: 100, points: 200 });
    expect(w.rule).toBe('stdp-pair');
    expect(w.dtMs).toHaveLength(200);
    w.dtMs.forEach((dt, k) => {
      const expected = dt > 0 ? 0.01 * Math.exp(-dt / 17) : -0.012 * Math.exp(dt / 34);
      expect(w.dw[k]).toBeCloseTo(expected, 12);
    });
    const ltp = w.dtMs.map((dt, k) => [dt, w.dw[k]]).filter(([dt]) => dt > 0);
    const ltd = w.dtMs.map((dt, k) => [dt, w.dw[k]]).filter(([dt]) => dt < 0);
    expect(fittedTau(ltp.map((p) => p[0]), ltp.map((p) => p[1]))).toBeCloseTo(17, 6);
    expect(fittedTau(ltd.map((p) => p[0]), ltd.map((p) => p[1]))).toBeCloseTo(34, 6);
  });

  it('shows the weight dependence and the pairing scheme', () => {
    const mult = simulateStdpWindow('stdp-pair', { form: 'multiplicative', w0: 0.75 }, { rangeMs: 50, points: 2 });
    // Gütig et al.: A+ (1 − w) and A− w at w = 0.75.
    expect(mult.dw[1]).toBeCloseTo(0.005 * 0.25 * Math.exp(-25 / 20), 12);
    expect(mult.dw[0]).toBeCloseTo(-0.00525 * 0.75 * Math.exp(-25 / 20), 12);
    // At 40 Hz the next pair is 25 ms away, so all-to-all sums more pairings than nearest.
    const a = simulateStdpWindow('stdp-pair', { pairs: 10, frequencyHz: 40 }, { rangeMs: 20, points: 4 });
    const n = simulateStdpWindow('stdp-pair', { pairs: 10, frequencyHz: 40, pairing: 'nearest' }, { rangeMs: 20, points: 4 });
    expect(a.dw).not.toEqual(n.dw);
  });

  it('simulates the triplet rule with the published sets selectable', () => {
    const set = TRIPLET_PARAMETER_SETS['hippocampal-all-to-all'];
    // One pair: only the pair terms act (no earlier spike feeds the triplet traces).
    const one = simulateStdpWindow('stdp-triplet', { parameterSet: 'hippocampal-all-to-all' }, { rangeMs: 40, points: 4 });
    one.dtMs.forEach((dt, k) => {
      const expected = dt > 0 ? set.a2Plus * Math.exp(-dt / set.tauPlus) : -set.a2Minus * Math.exp(dt / set.tauMinus);
      expect(one.dw[k]).toBeCloseTo(expected, 12);
    });
    // Sjöström protocol, 60 pairs at 50 Hz: post-before-pre turns to potentiation (Pfister & Gerstner, Fig. 3).
    const fast = simulateStdpWindow('stdp-triplet', { parameterSet: 'visual-cortex-all-to-all', pairs: 60, frequencyHz: 50 }, { rangeMs: 20, points: 2 });
    expect(fast.dw[0]).toBeGreaterThan(0);
    const slow = simulateStdpWindow('stdp-triplet', { parameterSet: 'visual-cortex-all-to-all', pairs: 60, frequencyHz: 0.1 }, { rangeMs: 20, points: 2 });
    expect(slow.dw[0]).toBeLessThan(0);
    const override = simulateStdpWindow('stdp-triplet', { parameterSet: 'hippocampal-all-to-all', a2Plus: 0 }, { rangeMs: 40, points: 4 });
    expect(override.dw[3]).toBe(0);
  });

  it('rejects bad requests with BAD_REQUEST naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ rule: 'stdp-quad', options: {}, rangeMs: 50, points: 10 }, /unknown STDP rule "stdp-quad"/],
      [{ rule: 'stdp-pair', options: { tauPlus: -1 }, rangeMs: 50, points: 10 }, /option "tauPlus" expected a number >= 0.01/],
      [{ rule: 'stdp-pair', options: { gain: 2 }, rangeMs: 50, points: 10 }, /unknown option "gain"/],
      [{ rule: 'stdp-pair', options: { wMin: 1, wMax: 0 }, rangeMs: 50, points: 10 }, /wMax must exceed wMin/],
      [{ rule: 'stdp-pair', options: {}, rangeMs: 0, points: 10 }, /rangeMs must be in \(0, 1000\]/],
      [{ rule: 'stdp-pair', options: {}, rangeMs: 50, points: 1.5 }, /points must be an integer in 2\.\.2001/],
      [{ rule: 'stdp-pair', options: [], rangeMs: 50, points: 10 }, /request.options must be an object/],
      [{ rule: 'stdp-pair', options: {}, rangeMs: '50', points: 10 }, /request.rangeMs must be a number/],
      [{ rule: 'stdp-triplet', options: { parameterSet: 'cortex' }, rangeMs: 50, points: 10 }, /option "parameterSet" expected one of visual-cortex-all-to-all/],
      [{ rule: 'stdp-triplet', options: { tauX: 0 }, rangeMs: 50, points: 10 }, /"tauX" must be positive/],
      [{ rule: 'stdp-pair', options: {}, rangeMs: 50, points: 10, extra: 1 }, /request.extra is not a known field/],
    ];
    for (const [request, msg] of cases) {
      const err = await service.stdpWindow(request as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('BAD_REQUEST');
      expect((err as Error).message).toMatch(msg);
    }
  });
});
