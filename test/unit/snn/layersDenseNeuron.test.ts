import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../core/snn/kernels/reference';
import { DenseLayer } from '../../../core/snn/layers/dense';
import { createLayer } from '../../../core/snn/layers/index';
import type { ForwardContext, Layer, Tensor } from '../../../core/snn/layers/layer';
import { NeuronLayer, neuronKernelParams, NeuronSpecError } from '../../../core/snn/layers/neuron';
import { filterBackward, filterForward } from '../../../core/snn/layers/synapse';
import { Rng } from '../../../core/snn/rng';
import type { NeuronSpec } from '../../../core/snn/spec';
import { surrogatePrimitive } from '../../../core/snn/surrogates';

const ctx = (training = true): ForwardContext => ({ kernels: referenceKernels, training, rng: new Rng(5) });

function randTensor(rng: Rng, shape: number[], binary = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = binary ? (rng.next() < 0.4 ? 1 : 0) : rng.next() * 2 - 1;
  return { data, shape };
}

/** L = Σ w · layer(x); returns L for the given layer state. */
function lossOf(layer: Layer, x: Tensor, w: Float32Array): number {
  const y = layer.forward(x, ctx(false));
  let l = 0;
  for (let i = 0; i < w.length; i++) l += w[i] * y.data[i];
  return l;
}

describe('neuronKernelParams', () => {
  it('maps each model and form to the kernel equations', () => {
    expect(neuronKernelParams({ model: 'if' })).toMatchObject({ decay: 1, inputScale: 1, bias: 0, threshold: 1, reset: 0, vReset: 0, surrogate: 'arctan', surrogateAlpha: 2 });
    expect(neuronKernelParams({ model: 'lif', beta: 0.8, reset: 'soft' })).toMatchObject({ decay: 0.8, inputScale: 1, reset: 1 });
    expect(neuronKernelParams({ model: 'lif' }).decay).toBe(0.9);
    expect(neuronKernelParams({ model: 'lif', form: 'tau', tau: 4, vReset: -1 })).toMatchObject({ decay: 0.75, inputScale: 0.25, bias: -0.25, vInit: -1 });
    expect(neuronKernelParams({ model: 'integrator' })).toMatchObject({ decay: 1, reset: 2 });
    expect(neuronKernelParams({ model: 'lif', refractory: 3, detachReset: true, surrogate: { kind: 'triangle', alpha: 0.5 } })).toMatchObject({ refractory: 3, detachReset: true, surrogate: 'triangle', surrogateAlpha: 0.5 });
    expect(neuronKernelParams({ model: 'lif', surrogate: { kind: 'sigmoid' } as never }).surrogateAlpha).toBe(4);
    expect(() => neuronKernelParams({ model: 'lif', reset: 'none' })).toThrow(NeuronSpecError);
  });
});

describe('DenseLayer', () => {
  for (const binaryInput of [false, true]) {
    it(`gradients match finite differences (binaryInput=${binaryInput})`, () => {
      const rng = new Rng(11);
      const layer = new DenseLayer('fc', [6], { units: 4, bias: true, binaryInput, inputGrad: true }, rng);
      const x = randTensor(rng, [3, 2, 6], binaryInput);
      const w = randTensor(rng, [3, 2, 4]).data;
      layer.forward(x, ctx());
      const dx = layer.backward({ data: w, shape: [3, 2, 4] }, ctx());
      const eps = 1e-2;
      for (const p of layer.params()) {
        for (let i = 0; i < p.value.length; i += 3) {
          const v = p.value[i];
          p.value[i] = v + eps;
          const lp = lossOf(layer, x, w);
          p.value[i] = v - eps;
          const lm = lossOf(layer, x, w);
          p.value[i] = v;
          expect(p.grad[i]).toBeCloseTo((lp - lm) / (2 * eps), 3);
        }
      }
      if (!binaryInput) {
        for (let i = 0; i < x.data.length; i += 2) {
          const v = x.data[i];
          x.data[i] = v + eps;
          const lp = lossOf(layer, x, w);
          x.data[i] = v - eps;
          const lm = lossOf(layer, x, w);
          x.data[i] = v;
          expect(dx.data[i]).toBeCloseTo((lp - lm) / (2 * eps), 3);
        }
      }
    });
  }
  it('skips the input gradient for the first layer and initialises within ±1/sqrt(fanIn)', () => {
    const rng = new Rng(1);
    const layer = new DenseLayer('fc', [16], { units: 8, bias: false, binaryInput: false, inputGrad: false }, rng);
    expect(Math.max(...layer.weight.value.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(layer.params().length).toBe(1);
    const x = randTensor(rng, [2, 1, 16]);
    layer.forward(x, ctx());
    expect(layer.backward(randTensor(rng, [2, 1, 8]), ctx()).data.length).toBe(0);
  });
  it('is made by createLayer, which rejects unknown types with a SpecError naming the layer', () => {
    const rng = new Rng(1);
    expect(createLayer({ type: 'dense', units: 3 }, [5], 'fc9', rng, { binaryInput: false }).type).toBe('dense');
    expect(() => createLayer({ type: 'bogus' } as never, [5], 'weird1', rng, { binaryInput: false })).toThrow(/weird1/);
  });
});

describe('synapse filters', () => {
  it('filterBackward is the adjoint of filterForward', () => {
    const rng = new Rng(4);
    const T = 9;
    const N = 3;
    const x = randTensor(rng, [T, N]).data;
    const g = randTensor(rng, [T, N]).data;
    const fx = filterForward(x, T, N, 0.7);
    const bg = filterBackward(g, T, N, 0.7);
    let a = 0;
    let b = 0;
    for (let i = 0; i < x.length; i++) {
      a += fx[i] * g[i];
      b += x[i] * bg[i];
    }
    expect(a).toBeCloseTo(b, 5);
    // Unit DC gain: a constant input converges to itself.
    const c = filterForward(new Float32Array(200).fill(1), 200, 1, 0.7);
    expect(c[199]).toBeCloseTo(1, 5);
  });
});

describe('NeuronLayer', () => {
  it('integrator with exponential and alpha synapses: input and leak gradients match finite differences', () => {
    for (const synapse of [{ kind: 'exponential', tauSyn: 3 }, { kind: 'alpha', tauSyn: 2 }] as const) {
      const spec: NeuronSpec = { model: 'integrator', beta: 0.8, synapse };
      const layer = new NeuronLayer('int', [3], spec);
      const rng = new Rng(2);
      const x = randTensor(rng, [5, 2, 3]);
      const w = randTensor(rng, [5, 2, 3]).data;
      layer.forward(x, ctx());
      const dx = layer.backward({ data: w, shape: [5, 2, 3] }, ctx());
      const eps = 1e-2;
      for (let i = 0; i < x.data.length; i++) {
        const v = x.data[i];
        x.data[i] = v + eps;
        const lp = lossOf(layer, x, w);
        x.data[i] = v - eps;
        const lm = lossOf(layer, x, w);
        x.data[i] = v;
        expect(dx.data[i]).toBeCloseTo((lp - lm) / (2 * eps), 3);
      }
    }
  });

  it('PLIF (tau form): leak, threshold and input gradients equal those of the surrogate-smoothed loss', () => {
    // No spikes occur (high threshold) and detachReset removes the reset path, so backward is the
    // exact gradient of L = Σ w σ(H − θ) with σ the arctan primitive and linear membrane dynamics.
    const spec: NeuronSpec = { model: 'plif', form: 'tau', tau: 3, vReset: -0.2, threshold: 5, learnThreshold: true, detachReset: true, surrogate: { kind: 'arctan', alpha: 2 } };
    const layer = new NeuronLayer('plif', [2], spec);
    const [leak, thr] = layer.params();
    expect(leak.name).toBe('plif.leak');
    expect(thr.name).toBe('plif.threshold');
    const rng = new Rng(8);
    const T = 6;
    const x = randTensor(rng, [T, 1, 2]);
    const w = randTensor(rng, [T, 1, 2]).data;
    const smooth = (wl: number, th: number, xs: Float32Array): number => {
      const k = 1 / (1 + Math.exp(-wl));
      let l = 0;
      for (let n = 0; n < 2; n++) {
        let v = -0.2;
        for (let t = 0; t < T; t++) {
          v = (1 - k) * v + k * xs[t * 2 + n] + k * -0.2;
          l += w[t * 2 + n] * surrogatePrimitive('arctan', v - th, 2);
        }
      }
      return l;
    };
    const y = layer.forward(x, ctx());
    expect(y.data.every((s) => s === 0)).toBe(true);
    const dx = layer.backward({ data: w, shape: [T, 1, 2] }, ctx());
    const eps = 1e-4;
    const wl = leak.value[0];
    const th = thr.value[0];
    expect(leak.grad[0]).toBeCloseTo((smooth(wl + eps, th, x.data) - smooth(wl - eps, th, x.data)) / (2 * eps), 4);
    expect(thr.grad[0]).toBeCloseTo((smooth(wl, th + eps, x.data) - smooth(wl, th - eps, x.data)) / (2 * eps), 4);
    for (let i = 0; i < x.data.length; i++) {
      const xp = x.data.slice();
      const xm = x.data.slice();
      xp[i] += eps;
      xm[i] -= eps;
      expect(dx.data[i]).toBeCloseTo((smooth(wl, th, xp) - smooth(wl, th, xm)) / (2 * eps), 4);
    }
  });

  it('ALIF raises the threshold after spikes, and its adaptation gradient matches a tangent derivation', () => {
    const spec: NeuronSpec = { model: 'alif', beta: 0.9, threshold: 1, reset: 'soft', adaptDecay: 0.8, adaptStrength: 0.5, surrogate: { kind: 'sigmoid', alpha: 4 } };
    const T = 10;
    const xs = new Float32Array(40).fill(0.6);
    const plain = new NeuronLayer('lif', [1], { ...spec, model: 'lif' });
    const alif = new NeuronLayer('alif', [1], { ...spec, adaptStrength: 2 });
    const sl = plain.forward({ data: xs, shape: [40, 1, 1] }, ctx()).data.reduce((a, b) => a + b, 0);
    const sa = alif.forward({ data: xs, shape: [40, 1, 1] }, ctx()).data.reduce((a, b) => a + b, 0);
    expect(sa).toBeLessThan(sl);

    // Tangent (forward-mode) derivative of L = Σ w S with S' = surrogate, through V and a.
    const rng = new Rng(3);
    const x = Float32Array.from({ length: T }, () => rng.next() * 1.5);
    const w = Float32Array.from({ length: T }, () => rng.next() * 2 - 1);
    const tangent = (dirT: number): number => {
      let v = 0, dv = 0, a = 0, da = 0, dL = 0;
      for (let t = 0; t < T; t++) {
        const thr = 1 + 0.5 * a;
        const dthr = 0.5 * da;
        const h = Math.fround(0.9 * v + x[t]);
        const dh = 0.9 * dv + (t === dirT ? 1 : 0);
        const s = h >= thr ? 1 : 0;
        const sg = 4 / (1 + Math.exp(-4 * (h - thr)));
        const g = sg * (1 - sg / 4);
        const ds = g * (dh - dthr);
        dL += w[t] * ds;
        v = h - thr * s;
        dv = dh - dthr * s - thr * ds;
        a = 0.8 * a + 0.2 * s;
        da = 0.8 * da + 0.2 * ds;
      }
      return dL;
    };
    const layer = new NeuronLayer('alif', [1], spec);
    const out = layer.forward({ data: x, shape: [T, 1, 1] }, ctx());
    expect(out.data.reduce((p, q) => p + q, 0)).toBeGreaterThan(1);
    const dx = layer.backward({ data: w, shape: [T, 1, 1] }, ctx());
    for (let t = 0; t < T; t++) expect(dx.data[t]).toBeCloseTo(tangent(t), 4);
  });

  it("reset 'none' spikes whenever the membrane is above threshold and never resets it", () => {
    const layer = new NeuronLayer('nr', [1], { model: 'lif', beta: 1, reset: 'none' });
    const y = layer.forward({ data: Float32Array.from([0.6, 0.6, -0.5, 0.1]), shape: [4, 1, 1] }, ctx());
    // V: 0.6, 1.2 (spike), 0.7, 0.8
    expect(Array.from(y.data)).toEqual([0, 1, 0, 0]);
    const dx = layer.backward({ data: Float32Array.from([0, 0, 0, 1]), shape: [4, 1, 1] }, ctx());
    // Only the last step's surrogate reaches the inputs; without reset every step passes it on unchanged.
    const g = 1 / (1 + (Math.PI * (0.8 - 1)) ** 2);
    for (let t = 0; t < 4; t++) expect(dx.data[t]).toBeCloseTo(g, 3);
  });

  it('reports spikes as activity and rejects refractory with alif', () => {
    const layer = new NeuronLayer('if1', [2], { model: 'if' });
    layer.forward({ data: Float32Array.from([1, 0, 1, 0.5]), shape: [2, 1, 2] }, ctx(false));
    expect(layer.activity()).toEqual({ spikes: 2, neuronSteps: 4 });
    expect(() => new NeuronLayer('a', [1], { model: 'alif', refractory: 2 })).toThrow(NeuronSpecError);
  });
});
