import { describe, expect, it } from 'vitest';
import { AdexNeuron } from '../../../core/plasticity/adex';
import { CLOPATH_DEFAULTS, ClopathSynapses, voltageClampProtocol } from '../../../core/plasticity/clopath';

describe('voltage-based STDP (Clopath et al. 2010)', () => {
  it('voltage clamp: no change below θ−, depression between θ− and θ+, potentiation under strong depolarisation', () => {
    const p = CLOPATH_DEFAULTS;
    // Clamped u makes ū± = u, so per presynaptic spike Δw = (u − θ−)[A_LTP (u − θ+) − A_LTD] (∫x̄ dt = 1).
    const closed = (u: number): number => 50 * Math.max(0, u - p.thetaMinus) * (p.aLtp * Math.max(0, u - p.thetaPlus) - p.aLtd);
    for (const u of [-80, -65, -55, -47, -42, -40]) {
      expect(voltageClampProtocol(u, {}, 50)).toBeCloseTo(closed(u), 2);
    }
    expect(voltageClampProtocol(-75)).toBe(0);
    expect(voltageClampProtocol(-60)).toBeLessThan(0);
    expect(voltageClampProtocol(-50)).toBeLessThan(0);
    expect(voltageClampProtocol(-35)).toBeGreaterThan(0);
    // The switch from LTD to LTP lies at θ+ + A_LTD/A_LTP.
    const uSwitch = p.thetaPlus + p.aLtd / p.aLtp;
    expect(voltageClampProtocol(uSwitch - 0.5)).toBeLessThan(0);
    expect(voltageClampProtocol(uSwitch + 0.5)).toBeGreaterThan(0);
  });

  it('with an AdEx neuron, pre-before-post pairs potentiate and post-before-pre pairs depress', () => {
    const pairing = (lagMs: number): number => {
      const n = new AdexNeuron();
      const syn = new ClopathSynapses(1, {}, 1);
      const dt = 0.1;
      const period = 100; // 10 Hz
      const none: number[] = [];
      let spikes = 0;
      for (let s = 0; s < Math.round((10 * period + 100) / dt); s++) {
        const t = s * dt;
        const k = Math.floor(t / period);
        const ph = t - k * period;
        const pre = k < 10 && Math.abs(ph - 20) < dt / 2 ? [0] : none;
        // A 2 ms current pulse makes the cell fire one spike lagMs after the presynaptic spike.
        const inj = k < 10 && ph >= 20 + lagMs && ph < 22 + lagMs ? 8000 : 0;
        syn.step(dt, n.u, pre);
        if (n.step(dt, inj)) spikes++;
      }
      expect(spikes).toBe(10);
      return syn.w[0] - 1;
    };
    expect(pairing(10)).toBeGreaterThan(0);
    expect(pairing(-10)).toBeLessThan(0);
  });
});
