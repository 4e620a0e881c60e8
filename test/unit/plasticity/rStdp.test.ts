import { describe, expect, it } from 'vitest';
import { RewardTask } from '../../../core/plasticity/rewardTask';
import { RStdpSynapses } from '../../../core/plasticity/rStdp';

describe('reward-modulated STDP', () => {
  it('changes weights only through reward times eligibility, minus the baseline', () => {
    const s = new RStdpSynapses(1, 1, { aPlus: 1, aMinus: 1, tauPlus: 20, tauE: 100, learningRate: 0.1, baselineTrials: 2 }, 0.5);
    s.preSpike(0, 0);
    s.postSpike(0, 10);
    expect(s.w[0]).toBe(0.5);
    const e = Math.exp(-10 / 20);
    expect(s.eligibility[0]).toBeCloseTo(e, 12);
    // Reward 50 ms later: the trace has decayed with τ_e; b starts at 0.
    expect(s.reward(1, 60)).toBe(1);
    expect(s.w[0]).toBeCloseTo(0.5 + 0.1 * e * Math.exp(-50 / 100), 12);
    // b moved halfway to R, so the same reward now counts half as much.
    expect(s.reward(1, 60)).toBeCloseTo(0.5, 12);
  });

  for (const seed of [1, 2, 3]) {
    it(`learns a rewarded stimulus -> output association (seed ${seed})`, () => {
      const task = new RewardTask({}, seed);
      const accuracy = (n: number): number => {
        let c = 0;
        for (let k = 0; k < n; k++) if (task.trial((k % 2) as 0 | 1, false)) c++;
        return c / n;
      };
      for (let k = 0; k < 600; k++) task.trial(task.rng.int(2) as 0 | 1, true);
      expect(accuracy(40)).toBeGreaterThanOrEqual(0.9);
    });
  }
});
