import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { admStep, createAdmTrainer } from '../../../core/train/adm';
import { FlowModel, flowSnnSpec } from '../../../core/train/asf';
import { mlp, recordingHooks, runConfig } from './helpers';

describe('ADM', () => {
  it('output error is softmax CE on V(T)/T and hidden derivatives are 1/V_th where the neuron is in its linear range', () => {
    const spec = flowSnnSpec(mlp('tiny', [
      { type: 'dense', name: 'a', units: 6 },
      { type: 'neuron', name: 'n', neuron: { model: 'if', reset: 'soft', threshold: 0.5 } },
      { type: 'dense', name: 'b', units: 3 },
    ], { input: [4] }), 6);
    const m = new FlowModel(spec, referenceKernels, 5);
    const x = Float32Array.from([0.8, 0.3, 0.6, 1]);
    const f = m.forward(x, 1);
    const r = admStep(m, x, [2], 1, { leakCorrection: true });
    const T = 6;
    const o = Array.from(f.fi[1], (v) => v / T);
    const mx = Math.max(...o);
    const z = o.reduce((a, v) => a + Math.exp(v - mx), 0);
    expect(r.loss).toBeCloseTo(Math.log(z) + mx - o[2], 5);
    const [wa, , wb] = m.snn.params();
    const dOut = o.map((v, c) => (Math.exp(v - mx) / z - (c === 2 ? 1 : 0)) / T);
    for (let i = 0; i < 6; i++) {
      let dFO = 0;
      for (let c = 0; c < 3; c++) {
        dFO += wb.value[i * 3 + c] * dOut[c];
        expect(wb.grad[i * 3 + c]).toBeCloseTo(dOut[c] * f.fo[1][i], 5);
      }
      const linear = f.fi[0][i] > 0 && f.fo[1][i] < T;
      for (let k = 0; k < 4; k++) expect(wa.grad[k * 6 + i]).toBeCloseTo(linear ? (dFO / 0.5) * f.fo[0][k] : 0, 5);
    }
  });

  it('learns MNIST well above chance', async () => {
    const h = recordingHooks();
    const model = mlp('adm', [
      { type: 'dense', name: 'fc1', units: 100 },
      { type: 'neuron', name: 'if1', neuron: { model: 'if', reset: 'soft' } },
      { type: 'dense', name: 'fc2', units: 10 },
    ]);
    const r = await createAdmTrainer()(runConfig('adm', model, { trainLimit: 2000, testLimit: 300, timesteps: 8, epochs: 2, learningRate: 3e-3 }), h, null);
    expect(r.finalTestAccuracy).toBeGreaterThan(0.8);
    const b = h.metrics.filter((m) => m.kind === 'batch');
    expect(b[b.length - 1].loss).toBeLessThan(b[0].loss);
    expect(b[0].step).toBe(0);
  });
});
