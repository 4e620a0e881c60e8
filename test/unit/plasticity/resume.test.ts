import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/snn/rng';
import { ResumeNeuron, spikeTimingErrors } from '../../../core/plasticity/resume';
import { poissonPattern } from '../../../core/plasticity/spikePattern';

describe('ReSuMe (Ponulak & Kasiński 2010)', () => {
  it('learns to emit a target spike train within a few ms per spike', () => {
    const rng = new Rng(3);
    const input = poissonPattern(200, 10, 200, rng);
    const neuron = new ResumeNeuron({ nAfferents: 200 }, rng);
    const target = [40, 90, 130, 170];
    expect(spikeTimingErrors(neuron.run(input, 200), target)?.every((e) => e <= 2) ?? false).toBe(false);
    let errors: number[] | null = null;
    for (let epoch = 0; epoch < 1000 && !errors; epoch++) {
      neuron.run(input, 200, target);
      const e = spikeTimingErrors(neuron.run(input, 200), target);
      if (e && e.every((x) => x <= 2)) errors = e;
    }
    expect(errors).not.toBeNull();
    // The trained neuron, run without supervision, reproduces the train.
    const out = neuron.run(input, 200);
    expect(out).toHaveLength(target.length);
    out.forEach((t, k) => expect(Math.abs(t - target[k])).toBeLessThanOrEqual(2));
  });

  it('leaves the weights alone when output and target coincide', () => {
    const rng = new Rng(5);
    const input = poissonPattern(200, 10, 200, rng);
    const neuron = new ResumeNeuron({ nAfferents: 200 }, rng);
    const out = neuron.run(input, 200);
    const before = Float64Array.from(neuron.w);
    neuron.run(input, 200, out);
    expect(out.length).toBeGreaterThan(0);
    neuron.w.forEach((w, i) => expect(w).toBeCloseTo(before[i], 12));
  });
});
