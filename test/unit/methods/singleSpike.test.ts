import { describe, expect, it } from 'vitest';
import { getTrainMethod } from '../../../core/train/index';
import { latencyTimes, relativeTargets, shiftImages, singleSpikeForward, singleSpikePredict, singleSpikeStep } from '../../../core/train/singleSpike';
import { Rng } from '../../../core/snn/rng';
import type { Param } from '../../../core/snn/layers/layer';
import { mlp, recordingHooks, runConfig } from './helpers';

function param(name: string, values: number[], shape: number[]): Param {
  return { name, shape, value: Float32Array.from(values), grad: new Float32Array(values.length), decay: true };
}

describe('single-spike temporal backprop (S4NN)', () => {
  it('latency code, one spike per neuron, first spike wins', () => {
    const T = 10;
    expect(Array.from(latencyTimes(Float32Array.from([1, 0.5, 0.05, 0]), 0, 4, T))).toEqual([0, 5, 9, 10]);
    // 2 inputs -> 2 outputs; output 0 needs both inputs, output 1 only the first.
    const layers = [{ w: param('a.weight', [0.6, 1.2, 0.6, 0.1], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 }];
    const tr = singleSpikeForward(layers, Int32Array.from([2, 5]), T);
    expect(Array.from(tr.times[1])).toEqual([5, 2]);
    expect(singleSpikePredict(tr.times[1], tr.vEnd[0])).toBe(1);
  });

  it('tie-break by the crossing interpolated within the step', () => {
    const T = 10;
    // Both outputs cross on input 1's spike (t = 5): output 0 from 0.9 by 0.5 (crossing 4 + 0.2),
    // output 1 from 0.2 by 1.3 (4 + 0.8/1.3) but ends higher, so only the crossing rule picks output 0.
    const layers = [{ w: param('a.weight', [0.9, 0.2, 0.5, 1.3], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 }];
    const tr = singleSpikeForward(layers, Int32Array.from([2, 5]), T);
    expect(Array.from(tr.times[1])).toEqual([5, 5]);
    expect(tr.crossing[0]).toBeCloseTo(4.2, 6);
    expect(tr.crossing[1]).toBeCloseTo(4 + 0.8 / 1.3, 6);
    expect(singleSpikePredict(tr.times[1], tr.vEnd[0])).toBe(1);
    expect(singleSpikePredict(tr.times[1], tr.vEnd[0], tr.crossing)).toBe(0);
  });

  it('shift augmentation translates whole images with zero fill', () => {
    const side = 4;
    const x = new Float32Array(2 * 16);
    x[5] = 1; // image 0, row 1 col 1
    x[16 + 10] = 0.5; // image 1, row 2 col 2
    const before = Float32Array.from(x);
    shiftImages(x, 2, side, 1, new Rng(7));
    for (let b = 0; b < 2; b++) {
      const img = Array.from(x.subarray(b * 16, b * 16 + 16));
      // One pixel moved by at most one row and column; nothing else appears.
      const at = img.findIndex((v) => v !== 0);
      const src = Array.from(before.subarray(b * 16, b * 16 + 16)).findIndex((v) => v !== 0);
      expect(img.filter((v) => v !== 0)).toHaveLength(1);
      expect(img[at]).toBe(before[b * 16 + src]);
      expect(Math.abs(Math.floor(at / side) - Math.floor(src / side))).toBeLessThanOrEqual(1);
      expect(Math.abs((at % side) - (src % side))).toBeLessThanOrEqual(1);
    }
    // Over many draws every offset in [-1, 1]^2 occurs, the identity included.
    const seen = new Set<number>();
    const rng = new Rng(3);
    for (let k = 0; k < 200; k++) {
      const y = new Float32Array(16);
      y[5] = 1;
      shiftImages(y, 1, side, 1, rng);
      seen.add(y.findIndex((v) => v !== 0));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
  });

  it('gradients follow the spike-time rules on a hand-checked two-layer case', () => {
    const T = 10;
    const h = { w: param('h.weight', [0.7, 0.2, 0.5, 0.9], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 };
    const o = { w: param('o.weight', [1.0, 0.3, 0.5, 0.8], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 };
    // x = [0.8, 0.5] -> input times [2, 5]; hidden: h0 = 0.7 + 0.5 at t=5, h1 = 0.2 + 0.9 at t=5.
    const x = Float32Array.from([0.8, 0.5]);
    const r = singleSpikeStep([h, o], x, [1], 1, T, { gamma: 2, silentPenalty: 0, normaliseDelta: false });
    const tr = singleSpikeForward([h, o], latencyTimes(x, 0, 2, T), T);
    expect(Array.from(tr.times[1])).toEqual([5, 5]);
    expect(Array.from(tr.times[2])).toEqual([5, 5]);
    // tau = 5; target: correct (1) 5, other (0) fired before tau + gamma -> 7.
    const e0 = (7 - 5) / T;
    expect(r.loss).toBeCloseTo(0.5 * e0 * e0, 6);
    const d0 = -e0 / T;
    // dL/dw_i0 = -delta_0 for inputs that fired no later than output 0; output 1 has no error.
    expect(Array.from(o.w.grad)).toEqual([-d0, 0, -d0, 0].map((v) => Math.fround(v)));
    // Hidden deltas: delta_i = delta_0 * w_i0 (t_i <= t_0), weight grads -delta_i for inputs before t_i.
    const dh = [d0 * 1.0, d0 * 0.5];
    for (let k = 0; k < 2; k++) for (let i = 0; i < 2; i++) expect(h.w.grad[k * 2 + i]).toBeCloseTo(-dh[i], 7);
  });

  it('the silent-neuron regulariser raises the weights into a silent hidden neuron', () => {
    const T = 10;
    const h = { w: param('h.weight', [0.1, 0.1], [2, 1]), b: null, nIn: 2, nOut: 1, theta: 1 };
    const o = { w: param('o.weight', [1, 1], [1, 2]), b: null, nIn: 1, nOut: 2, theta: 1 };
    singleSpikeStep([h, o], Float32Array.from([0.9, 0.9]), [0], 1, T, { gamma: 2, silentPenalty: 0.5, normaliseDelta: true });
    // Hidden neuron never fires; its weights get a negative gradient (i.e. they grow under descent).
    expect(h.w.grad[0]).toBeLessThan(0);
    expect(h.w.grad[1]).toBeLessThan(0);
  });

  it('relative targets: winner at tau, close rivals pushed to tau + gamma, all-silent asks the label to fire', () => {
    const T = 20;
    // Output 2 fired first (tau = 4); 0 is within gamma of it, 1 is not and keeps its time.
    expect(Array.from(relativeTargets(Int32Array.from([5, 12, 4]), 0, T, 3))).toEqual([4, 12, 7]);
    // The label is the winner: only the close rival moves.
    expect(Array.from(relativeTargets(Int32Array.from([5, 12, 4]), 2, T, 3))).toEqual([7, 12, 4]);
    expect(Array.from(relativeTargets(Int32Array.from([T, T, T]), 1, T, 3))).toEqual([T, T - 3, T]);
  });

  it('a silent presynaptic neuron neither learns nor passes error back (S4NN reference)', () => {
    const T = 10;
    // Hidden 0 fires (0.6 + 0.6 at t=5), hidden 1 stays silent; the outputs fire on hidden 0 alone.
    const h = { w: param('h.weight', [0.6, 0.1, 0.6, 0.1], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 };
    const o = { w: param('o.weight', [1.0, 2.0, 0.5, 0.5], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 };
    const x = Float32Array.from([0.8, 0.5]);
    const tr = singleSpikeForward([h, o], latencyTimes(x, 0, 2, T), T);
    expect(Array.from(tr.times[1])).toEqual([5, T]);
    singleSpikeStep([h, o], x, [0], 1, T, { gamma: 2, silentPenalty: 0, normaliseDelta: true });
    // Row 1 of the output weights belongs to the silent hidden neuron: untouched.
    expect(o.w.grad[2]).toBe(0);
    expect(o.w.grad[3]).toBe(0);
    // Label 0 wins at t = 5; output 1 fired with it, so only output 1 carries an error.
    expect(o.w.grad[1]).not.toBe(0);
    // Column 1 of the hidden weights feeds the silent neuron: no backpropagated error reaches it.
    expect(h.w.grad[1]).toBe(0);
    expect(h.w.grad[3]).toBe(0);
    expect(h.w.grad[0]).not.toBe(0);
  });

  it('online SGD applies, per image, minus lr times the batch-mode gradient', () => {
    const T = 10;
    const mk = () => [
      { w: param('h.weight', [0.7, 0.2, 0.5, 0.9], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 },
      { w: param('o.weight', [1.0, 0.3, 0.5, 0.8], [2, 2]), b: null, nIn: 2, nOut: 2, theta: 1 },
    ];
    const x = Float32Array.from([0.8, 0.5]);
    const opts = { gamma: 2, silentPenalty: 0, normaliseDelta: true };
    const batch = mk();
    singleSpikeStep(batch, x, [1], 1, T, opts);
    const online = mk();
    const before = online.map((L) => Array.from(L.w.value));
    singleSpikeStep(online, x, [1], 1, T, opts, 0.1);
    for (let l = 0; l < 2; l++) {
      expect(Array.from(online[l].w.grad)).toEqual([0, 0, 0, 0]);
      // The hidden update reads the output weights before they move, as the batch path does.
      for (let k = 0; k < 4; k++) expect(online[l].w.value[k]).toBeCloseTo(before[l][k] - 0.1 * batch[l].w.grad[k], 6);
    }
  });

  it('S4NN recipe pieces: uniform positive init, online SGD with decay, dead-neuron reset', async () => {
    const model = mlp('ss', [
      { type: 'dense', name: 'fc1', units: 50, bias: false },
      { type: 'neuron', name: 'if1', neuron: { model: 'if', threshold: 1 } },
      { type: 'dense', name: 'fc2', units: 10, bias: false },
      { type: 'neuron', name: 'if2', neuron: { model: 'if', threshold: 1 } },
    ], { encoder: { type: 'latency', mode: 'linear' }, decoder: { type: 'firstSpike' } });
    const h = recordingHooks();
    // deadReset 1 re-draws every hidden neuron that missed any image, so the log must report it.
    const r = await getTrainMethod('single-spike')(runConfig('single-spike', model, { trainLimit: 600, testLimit: 200, timesteps: 64, epochs: 2, batchSize: 100, learningRate: 0.002 }, { optimizer: 'online', init: 'uniform', lrDecay: 0.5, deadReset: 1, silentPenalty: 0 }), h, null);
    expect(h.logs.some((m) => /re-initialised \d+ hidden neurons/.test(m))).toBe(true);
    const epochs = h.metrics.filter((m) => m.kind === 'epoch');
    expect(epochs.map((m) => m.learningRate)).toEqual([0.002, 0.001]);
    expect(r.epochsDone).toBe(2);
  });

  it('learns MNIST (784-100-10, T = 32) clearly above chance', async () => {
    const model = mlp('ss', [
      { type: 'dense', name: 'fc1', units: 100, bias: false },
      { type: 'neuron', name: 'if1', neuron: { model: 'if', threshold: 1 } },
      { type: 'dense', name: 'fc2', units: 10, bias: false },
      { type: 'neuron', name: 'if2', neuron: { model: 'if', threshold: 1 } },
    ], { encoder: { type: 'latency', mode: 'linear' }, decoder: { type: 'firstSpike' } });
    const h = recordingHooks();
    const r = await getTrainMethod('single-spike')(runConfig('single-spike', model, { trainLimit: 2000, testLimit: 300, timesteps: 32, epochs: 2, learningRate: 3e-3 }), h, null);
    expect(r.finalTestAccuracy).toBeGreaterThan(0.5);
    expect(h.checkpoints).toHaveLength(2);
  });
});
