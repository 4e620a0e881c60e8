import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../core/snn/decoders';
import { createEncoder, dctEncoder, latencyEncoder, poissonEncoder, rateEncoder } from '../../../core/snn/encoders';
import { computeLoss, type LossKind } from '../../../core/snn/losses';
import { Rng } from '../../../core/snn/rng';
import type { DecoderSpec } from '../../../core/snn/spec';

const sumT = (y: Float32Array, T: number, n: number, i: number): number => {
  let s = 0;
  for (let t = 0; t < T; t++) s += y[t * n + i];
  return s;
};

describe('encoders', () => {
  it('poisson fires at about gain·x per step and is reproducible under a seed', () => {
    const x = Float32Array.from([0, 0.25, 0.5, 1]);
    const T = 4000;
    const y = poissonEncoder(1).encode(x, 1, T, new Rng(1));
    expect(sumT(y, T, 4, 0)).toBe(0);
    expect(sumT(y, T, 4, 1) / T).toBeCloseTo(0.25, 1);
    expect(sumT(y, T, 4, 2) / T).toBeCloseTo(0.5, 1);
    expect(sumT(y, T, 4, 3)).toBe(T);
    expect(poissonEncoder(2).encode(Float32Array.of(0.5), 1, 50, new Rng(3)).every((v) => v === 1)).toBe(true);
    expect(poissonEncoder(1).encode(x, 1, 20, new Rng(9))).toEqual(poissonEncoder(1).encode(x, 1, 20, new Rng(9)));
  });
  it('rate encoder gives a regular train with round(x·T) spikes', () => {
    const y = rateEncoder().encode(Float32Array.of(0.5, 0.2), 1, 10, new Rng(1));
    expect(Array.from({ length: 10 }, (_, t) => y[t * 2])).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(sumT(y, 10, 2, 1)).toBe(2);
  });
  it('latency: one spike, brighter earlier; below threshold silent', () => {
    const lin = latencyEncoder('linear').encode(Float32Array.of(1, 0.5, 0.005), 1, 11, new Rng(1));
    expect(lin[0 * 3 + 0]).toBe(1);
    expect(lin[5 * 3 + 1]).toBe(1);
    expect(sumT(lin, 11, 3, 2)).toBe(0);
    const log = latencyEncoder('log', 5, 0.1).encode(Float32Array.of(1, 0.2), 1, 20, new Rng(1));
    // t = 5 ln(x / (x - 0.1)): x = 1 -> 0.53 -> 1; x = 0.2 -> 3.47 -> 3
    expect(log[1 * 2 + 0]).toBe(1);
    expect(log[3 * 2 + 1]).toBe(1);
    expect(sumT(log, 20, 2, 0) + sumT(log, 20, 2, 1)).toBe(2);
  });
  it('direct repeats the analog value', () => {
    const y = createEncoder({ type: 'direct' }, [2]).encode(Float32Array.of(0.3, 0.7), 1, 3, new Rng(1));
    expect(Array.from(y)).toEqual(Array.from(Float32Array.of(0.3, 0.7, 0.3, 0.7, 0.3, 0.7)));
  });
  it('dct: spike counts track intensity (the currents rebuild the image)', () => {
    const img = new Float32Array(64);
    for (let i = 0; i < 64; i++) img[i] = (i % 8) / 8;
    const T = 64;
    const y = dctEncoder([1, 8, 8], 4).encode(img, 1, T, new Rng(1));
    // Negative early currents and the leftover membrane cost a few spikes per pixel at most.
    let total = 0;
    for (let i = 0; i < 64; i++) {
      expect(Math.abs(sumT(y, T, 64, i) - img[i] * T)).toBeLessThanOrEqual(0.08 * T);
      total += sumT(y, T, 64, i);
    }
    expect(Math.abs(total - img.reduce((a, b) => a + b, 0) * T)).toBeLessThan(0.05 * 64 * T * 0.5);
    expect(() => dctEncoder([10])).toThrow(/square/);
  });
});

function fdCheckDecoder(spec: DecoderSpec, T: number, B: number, O: number, binary: boolean): void {
  const rng = new Rng(7);
  const dec = createDecoder(spec);
  const y = Float32Array.from({ length: T * B * O }, () => (binary ? (rng.next() < 0.4 ? 1 : 0) : rng.next()));
  const C = dec.classes(O);
  const w = Float32Array.from({ length: B * C }, () => rng.next() * 2 - 1);
  const f = (yy: Float32Array): number => createDecoder(spec).forward(yy, T, B, O).reduce((s, v, i) => s + v * w[i], 0);
  dec.forward(y, T, B, O);
  const dy = dec.backward(w);
  const eps = 1e-3;
  for (let i = 0; i < y.length; i++) {
    const yp = y.slice();
    const ym = y.slice();
    yp[i] += eps;
    ym[i] -= eps;
    expect(dy[i]).toBeCloseTo((f(yp) - f(ym)) / (2 * eps), 2);
  }
}

describe('decoders', () => {
  it('spike count, rate, voting and membrane reductions have exact backward', () => {
    fdCheckDecoder({ type: 'spikeCount' }, 4, 2, 3, false);
    fdCheckDecoder({ type: 'rate' }, 4, 2, 3, false);
    fdCheckDecoder({ type: 'voting', classes: 2 }, 3, 2, 6, false);
    for (const reduce of ['last', 'max', 'mean'] as const) fdCheckDecoder({ type: 'membrane', reduce }, 5, 2, 3, false);
  });
  it('voting averages each class population and rejects uneven groups', () => {
    const d = createDecoder({ type: 'voting', classes: 2 });
    const y = Float32Array.of(1, 1, 0, 1, 1, 0, 0, 0);
    expect(Array.from(d.forward(y, 2, 1, 4))).toEqual([1.5, 0.5]);
    expect(() => d.classes(5)).toThrow(/voting groups/);
  });
  it('first spike: earlier output scores higher, silent scores 0', () => {
    const d = createDecoder({ type: 'firstSpike' });
    // T=3, B=1, O=3: neuron 0 fires at t=2, neuron 1 at t=0, neuron 2 never.
    const y = Float32Array.of(0, 1, 0, 0, 1, 0, 1, 0, 0);
    expect(Array.from(d.forward(y, 3, 1, 3))).toEqual([1, 3, 0]);
    const g = d.backward(Float32Array.of(1, 1, 1));
    expect(g[0]).toBeCloseTo(1);
    expect(g[2 * 3 + 0]).toBeCloseTo(1 / 3);
    expect(g[1 * 3 + 1]).toBe(0);
  });
});

describe('losses', () => {
  const kinds: LossKind[] = ['ce', 'mseCount', 'mseMembrane'];
  for (const kind of kinds) {
    it(`${kind}: gradient matches finite differences`, () => {
      const rng = new Rng(kind.length);
      const B = 3;
      const C = 4;
      const s = Float32Array.from({ length: B * C }, () => rng.next() * 4 - 2);
      const labels = [1, 3, 0];
      const opts = { timesteps: 5 };
      const r = computeLoss(kind, s, labels, B, C, opts);
      const eps = 1e-3;
      for (let i = 0; i < s.length; i++) {
        const sp = s.slice();
        const sm = s.slice();
        sp[i] += eps;
        sm[i] -= eps;
        const fd = (computeLoss(kind, sp, labels, B, C, opts).loss - computeLoss(kind, sm, labels, B, C, opts).loss) / (2 * eps);
        expect(r.grad[i]).toBeCloseTo(fd, 3);
      }
    });
  }
  it('cross-entropy has known values and counts correct predictions', () => {
    const r = computeLoss('ce', Float32Array.of(0, 0, 5, 0), [0, 0], 2, 2);
    expect(r.loss).toBeCloseTo((Math.log(2) + Math.log(1 + Math.exp(-5))) / 2, 5);
    expect(r.correct).toBe(2);
    expect(computeLoss('ce', Float32Array.of(0, 5), [0], 1, 2).correct).toBe(0);
    const m = computeLoss('mseCount', Float32Array.of(8, 2), [0], 1, 2, { timesteps: 10 });
    expect(m.loss).toBe(0);
    expect(() => computeLoss('mseCount', Float32Array.of(1, 2), [0], 1, 2)).toThrow(/timesteps/);
  });
});
