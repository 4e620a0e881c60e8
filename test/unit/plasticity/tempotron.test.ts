import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/snn/rng';
import { makePattern, randomLatencyPattern } from '../../../core/plasticity/spikePattern';
import { Tempotron } from '../../../core/plasticity/tempotron';

describe('Tempotron (Gütig & Sompolinsky 2006)', () => {
  it('finds the exact voltage maximum of the PSP sum', () => {
    const t = new Tempotron({ nAfferents: 2 }, new Rng(1));
    t.w[0] = 0.7;
    t.w[1] = 0.5;
    const pat = makePattern([[0, 10], [1, 14]]);
    const r = t.respond(pat);
    let best = -Infinity;
    let arg = 0;
    for (let s = 0; s <= 100; s += 0.001) {
      const v = 0.7 * t.kernel(s - 10) + 0.5 * t.kernel(s - 14);
      if (v > best) {
        best = v;
        arg = s;
      }
    }
    expect(r.vMax).toBeCloseTo(best, 6);
    expect(r.tMax).toBeCloseTo(arg, 2);
    // The kernel is normalised to peak 1.
    const tPeak = (15 * 3.75 * Math.log(4)) / (15 - 3.75);
    expect(t.kernel(tPeak)).toBeCloseTo(1, 12);
  });

  it('separates 2 classes x 50 random patterns over 500 afferents to 100 % training accuracy', () => {
    const rng = new Rng(7);
    const patterns = Array.from({ length: 100 }, () => randomLatencyPattern(500, 500, rng));
    const labels = patterns.map((_, k) => k % 2 === 0);
    const t = new Tempotron({ nAfferents: 500 }, rng);
    expect(t.accuracy(patterns, labels)).toBeLessThan(0.75);
    const r = t.fit(patterns, labels, 500, rng);
    expect(r.accuracy).toBe(1);
  });
});
