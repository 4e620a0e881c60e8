import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { asfRatio, asfStep, createAsfTrainer, FlowModel, flowSnnSpec } from '../../../core/train/asf';
import { getTrainMethod } from '../../../core/train/index';
import { mlp, recordingHooks, runConfig } from './helpers';

const ifNeuron = { model: 'if', reset: 'soft', threshold: 1 } as const;
const snnMlp = mlp('asf', [
  { type: 'dense', name: 'fc1', units: 100 },
  { type: 'neuron', name: 'if1', neuron: ifNeuron },
  { type: 'dense', name: 'fc2', units: 10 },
]);

describe('ASF', () => {
  it('gradients follow the flow equations on a tiny hand-checked net', () => {
    const spec = flowSnnSpec(mlp('tiny', [
      { type: 'dense', name: 'a', units: 3 },
      { type: 'neuron', name: 'n', neuron: ifNeuron },
      { type: 'dense', name: 'b', units: 2 },
    ], { input: [4] }), 5);
    const m = new FlowModel(spec, referenceKernels, 7);
    const x = Float32Array.from([0.9, 0.1, 0.5, 0.7]);
    const f = m.forward(x, 1);
    const r = asfStep(m, x, [1], 1, { vth: 1 });
    const [wa, ba, wb, bb] = m.snn.params();
    // FO^0 = T x; FI^out = W_b^T FO^1 + T b_b.
    const T = 5;
    for (let i = 0; i < 4; i++) expect(f.fo[0][i]).toBeCloseTo(T * x[i], 5);
    const out = new Float64Array(2);
    for (let j = 0; j < 2; j++) {
      out[j] = T * bb.value[j];
      for (let i = 0; i < 3; i++) out[j] += f.fo[1][i] * wb.value[i * 2 + j];
      expect(f.fi[1][j]).toBeCloseTo(out[j], 4);
    }
    const Y = [0, 1];
    const dOut = Y.map((y, j) => -(y - out[j] / T) / T);
    expect(r.loss).toBeCloseTo(0.5 * Y.reduce((a, y, j) => a + (y - out[j] / T) ** 2, 0), 5);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) expect(wb.grad[i * 2 + j]).toBeCloseTo(dOut[j] * f.fo[1][i], 5);
    for (let j = 0; j < 2; j++) expect(bb.grad[j]).toBeCloseTo(T * dOut[j], 5);
    const S = asfRatio(f.fo[1], f.fi[0], 1)[0];
    let so = 0, si = 0;
    for (let i = 0; i < 3; i++) { so += f.fo[1][i]; si += Math.max(0, f.fi[0][i]); }
    expect(S).toBeCloseTo(si > 0 ? so / si : 0, 6);
    for (let k = 0; k < 4; k++) for (let i = 0; i < 3; i++) {
      let dFO = 0;
      for (let j = 0; j < 2; j++) dFO += wb.value[i * 2 + j] * dOut[j];
      expect(wa.grad[k * 3 + i]).toBeCloseTo(dFO * S * f.fo[0][k], 5);
    }
    expect(ba.grad.length).toBe(3);
  });

  it('backward work does not grow with T (rows counted; times logged, measured in bench/)', () => {
    const x = new Float32Array(784 * 10).map((_, i) => ((i * 13) % 17) / 17);
    const y = Array.from({ length: 10 }, (_, i) => i % 10);
    const work = (T: number) => {
      const m = new FlowModel(flowSnnSpec(snnMlp, T), referenceKernels, 1);
      const r = asfStep(m, x, y, 10, { vth: 1 });
      return { rows: m.lastBackwardRows, fwd: r.forwardMs, bwd: r.backwardMs };
    };
    const a = work(10);
    const b = work(100);
    // One backward row per layer and sample, whatever T: the accumulated flows replace the time loop.
    expect(a.rows).toBe(2 * 10);
    expect(b.rows).toBe(a.rows);
    // Time on a shared machine is not asserted (it made this test flaky under load); it is logged.
    console.log(`asf step T=10: forward ${a.fwd.toFixed(1)} ms, backward ${a.bwd.toFixed(1)} ms; T=100: forward ${b.fwd.toFixed(1)} ms, backward ${b.bwd.toFixed(1)} ms`);
  });

  it('learns MNIST well above chance (IF and LIF variants)', async () => {
    const h = recordingHooks();
    const r = await createAsfTrainer({ reportEvery: 5 })(runConfig('asf', snnMlp, { trainLimit: 2000, testLimit: 300, timesteps: 8, epochs: 2, learningRate: 1e-3 }), h, null);
    expect(r.finalTestAccuracy).toBeGreaterThan(0.8);
    const batches = h.metrics.filter((m) => m.kind === 'batch');
    expect(batches[batches.length - 1].loss).toBeLessThan(batches[0].loss);
    expect(h.checkpoints).toHaveLength(2);
    const lif = mlp('asf-lif', [
      { type: 'dense', name: 'fc1', units: 100 },
      { type: 'neuron', name: 'lif1', neuron: { model: 'lif', beta: 0.9, reset: 'soft' } },
      { type: 'dense', name: 'fc2', units: 10 },
    ]);
    const r2 = await getTrainMethod('asf')(runConfig('asf', lif, { trainLimit: 2000, testLimit: 300, timesteps: 8, epochs: 2 }), recordingHooks(), null);
    expect(r2.finalTestAccuracy).toBeGreaterThan(0.7);
  });
});
