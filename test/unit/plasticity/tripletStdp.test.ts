import { describe, expect, it } from 'vitest';
import { pairingProtocol, TripletStdpSynapses, tripletParams } from '../../../core/plasticity/tripletStdp';

describe('triplet STDP (Pfister & Gerstner 2006)', () => {
  it('reduces to the pair window when the triplet amplitudes are zero', () => {
    const p = tripletParams('visual-cortex-all-to-all', { a3Plus: 0, a3Minus: 0, a2Plus: 0.01 });
    const s = new TripletStdpSynapses(1, 1, p, 0);
    s.preSpike(0, 0);
    s.postSpike(0, 10);
    expect(s.w[0]).toBeCloseTo(0.01 * Math.exp(-10 / 16.8), 12);
  });

  for (const set of ['visual-cortex-all-to-all', 'visual-cortex-nearest'] as const) {
    it(`${set}: depression at low pairing frequency, potentiation growing with frequency`, () => {
      const p = tripletParams(set);
      const freqs = [0.1, 10, 20, 40, 50];
      const plus = freqs.map((f) => pairingProtocol(p, 10, f));
      const minus = freqs.map((f) => pairingProtocol(p, -10, f));
      // Sjöström et al. 2001 / Pfister & Gerstner Fig. 3: at 0.1 Hz post-pre pairs depress and
      // pre-post pairs barely change; pre-post potentiation grows with frequency; post-pre pairs
      // keep depressing up to 20 Hz and turn into potentiation at 40-50 Hz.
      expect(Math.abs(plus[0])).toBeLessThan(Math.abs(minus[0]) * 0.1);
      for (let k = 1; k < freqs.length; k++) expect(plus[k]).toBeGreaterThan(plus[k - 1]);
      for (let k = 0; k < 3; k++) expect(minus[k]).toBeLessThan(0);
      expect(minus[3]).toBeGreaterThan(0);
      expect(minus[4]).toBeGreaterThan(minus[3]);
    });
  }

  it('trace reads exclude the current spike (the ε of eqs. 3-4)', () => {
    // A single post spike after one pre spike: o2 was 0 before the spike, so only A2+ acts.
    const p = tripletParams('visual-cortex-all-to-all', { a2Plus: 0.001 });
    const s = new TripletStdpSynapses(1, 1, p, 0);
    s.preSpike(0, 0);
    s.postSpike(0, 5);
    expect(s.w[0]).toBeCloseTo(0.001 * Math.exp(-5 / 16.8), 12);
  });
});
