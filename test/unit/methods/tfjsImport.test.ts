import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../../core/snn/build';
import { referenceKernels } from '../../../core/snn/kernels/index';
import { createConversionTrainer } from '../../../core/train/conversion/index';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTfjsLayersModel, readTfjsLayersModel } from '../../../core/train/conversion/tfjs';
import { recordingHooks, runConfig } from './helpers';

/** A TF.js layers-model written by hand: Conv2D(relu) -> AvgPool -> Flatten -> Dense(relu) -> Dense(softmax). */
function makeModel(H: number, W: number, C: number, F: number, U: number, O: number): { json: unknown; shards: Map<string, Uint8Array>; w: Record<string, Float32Array> } {
  const w: Record<string, Float32Array> = {
    'conv/kernel': Float32Array.from({ length: 3 * 3 * C * F }, (_, i) => Math.sin(i * 0.37) * 0.5),
    'conv/bias': Float32Array.from({ length: F }, (_, i) => 0.05 * (i - 1)),
    'hidden/kernel': Float32Array.from({ length: ((H - 2) / 2) * ((W - 2) / 2) * F * U }, (_, i) => Math.cos(i * 0.21) * 0.4),
    'hidden/bias': Float32Array.from({ length: U }, (_, i) => 0.01 * i),
    'out/kernel': Float32Array.from({ length: U * O }, (_, i) => Math.sin(i * 1.3) * 0.6),
    'out/bias': new Float32Array(O),
  };
  const shapes: Record<string, number[]> = {
    'conv/kernel': [3, 3, C, F],
    'conv/bias': [F],
    'hidden/kernel': [((H - 2) / 2) * ((W - 2) / 2) * F, U],
    'hidden/bias': [U],
    'out/kernel': [U, O],
    'out/bias': [O],
  };
  const names = Object.keys(w);
  const total = names.reduce((a, n) => a + w[n].length, 0);
  const bytes = new Uint8Array(total * 4);
  const dv = new DataView(bytes.buffer);
  let o = 0;
  for (const n of names) for (const v of w[n]) { dv.setFloat32(o, v, true); o += 4; }
  // Two shards, split mid-tensor, as the TF.js writer does at its shard size.
  const cut = 4 * 7;
  const shards = new Map([['group1-shard1of2.bin', bytes.slice(0, cut)], ['group1-shard2of2.bin', bytes.slice(cut)]]);
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15',
    convertedBy: 'TensorFlow.js Converter v4',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'Conv2D', config: { name: 'conv', filters: F, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', activation: 'relu', use_bias: true, batch_input_shape: [null, H, W, C] } },
          { class_name: 'AveragePooling2D', config: { name: 'pool', pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' } },
          { class_name: 'Flatten', config: { name: 'flat', data_format: 'channels_last' } },
          { class_name: 'Dropout', config: { name: 'drop', rate: 0.5 } },
          { class_name: 'Dense', config: { name: 'hidden', units: U, activation: 'relu', use_bias: true } },
          { class_name: 'Dense', config: { name: 'out', units: O, activation: 'softmax', use_bias: true } },
        ],
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: names.map((n) => ({ name: n, shape: shapes[n], dtype: 'float32' })) }],
  };
  return { json, shards, w };
}

/** The same model computed the TF way: channels_last everywhere, logits before softmax. */
function tfForward(x: Float32Array, H: number, W: number, C: number, F: number, U: number, O: number, w: Record<string, Float32Array>): Float32Array {
  const oh = H - 2, ow = W - 2;
  const conv = new Float32Array(oh * ow * F);
  for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let f = 0; f < F; f++) {
    let s = w['conv/bias'][f];
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) for (let c = 0; c < C; c++) s += x[((y + ky) * W + xx + kx) * C + c] * w['conv/kernel'][((ky * 3 + kx) * C + c) * F + f];
    conv[(y * ow + xx) * F + f] = Math.max(0, s);
  }
  const ph = oh / 2, pw = ow / 2;
  const pool = new Float32Array(ph * pw * F);
  for (let y = 0; y < ph; y++) for (let xx = 0; xx < pw; xx++) for (let f = 0; f < F; f++)
    pool[(y * pw + xx) * F + f] = (conv[((2 * y) * ow + 2 * xx) * F + f] + conv[((2 * y) * ow + 2 * xx + 1) * F + f] + conv[((2 * y + 1) * ow + 2 * xx) * F + f] + conv[((2 * y + 1) * ow + 2 * xx + 1) * F + f]) / 4;
  const hid = new Float32Array(U);
  for (let u = 0; u < U; u++) { let s = w['hidden/bias'][u]; for (let i = 0; i < pool.length; i++) s += pool[i] * w['hidden/kernel'][i * U + u]; hid[u] = Math.max(0, s); }
  const out = new Float32Array(O);
  for (let k = 0; k < O; k++) { let s = w['out/bias'][k]; for (let u = 0; u < U; u++) s += hid[u] * w['out/kernel'][u * O + k]; out[k] = s; }
  return out;
}

describe('TF.js layers-model import', () => {
  it('rebuilds the topology and computes the same logits as the TF layout', () => {
    const [H, W, C, F, U, O] = [6, 6, 2, 3, 5, 4];
    const m = makeModel(H, W, C, F, U, O);
    const { spec, weights } = importTfjsLayersModel(JSON.stringify(m.json), (p) => m.shards.get(p) as Uint8Array, 'tiny');
    expect(spec.input).toEqual([C, H, W]);
    expect(spec.layers.map((l) => l.type)).toEqual(['conv2d', 'relu', 'avgpool', 'flatten', 'dense', 'relu', 'dense']);
    const net = buildNetwork(spec, { kernels: referenceKernels, seed: 1 });
    net.loadWeights(weights);
    const xTf = Float32Array.from({ length: H * W * C }, (_, i) => ((i * 7) % 11) / 11);
    const xOurs = new Float32Array(xTf.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) xOurs[(c * H + y) * W + x] = xTf[(y * W + x) * C + c];
    const ours = net.forward(xOurs, 1, false).scores;
    const ref = tfForward(xTf, H, W, C, F, U, O, m.w);
    for (let k = 0; k < O; k++) expect(ours[k]).toBeCloseTo(ref[k], 4);
  });

  it('reads model.json and shards from a folder and refuses shard paths outside it', () => {
    const m = makeModel(6, 6, 1, 2, 3, 2);
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(m.json));
    for (const [p, b] of m.shards) writeFileSync(join(dir, p), b);
    const { spec } = readTfjsLayersModel(join(dir, 'model.json'), 'disk');
    expect(spec.name).toBe('disk');
    const evil = structuredClone(m.json) as { weightsManifest: Array<{ paths: string[] }> };
    evil.weightsManifest[0].paths[0] = '../x.bin';
    writeFileSync(join(dir, 'evil.json'), JSON.stringify(evil));
    expect(() => readTfjsLayersModel(join(dir, 'evil.json'))).toThrow(/leaves the model folder/);
  });

  it('rejects what it cannot convert with METHOD_IMPORT errors', () => {
    const m = makeModel(6, 6, 1, 2, 3, 2);
    const j = m.json as { modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } };
    const bad = structuredClone(j);
    bad.modelTopology.config.layers[4].config.activation = 'tanh';
    expect(() => importTfjsLayersModel(bad, (p) => m.shards.get(p) as Uint8Array)).toThrow(/tanh/);
    expect(() => importTfjsLayersModel(j, () => new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'METHOD_IMPORT' }));
    const gm = { ...j, format: 'graph-model' };
    expect(() => importTfjsLayersModel(gm, (p) => m.shards.get(p) as Uint8Array)).toThrow(/graph/);
  });

  it('an imported MNIST MLP converts through the conversion method', async () => {
    // Train nothing: import a hand-made 784-16-10 model whose weights are a scaled template match,
    // then check the converted SNN reproduces the ANN's own accuracy at large T.
    const U = 16;
    const k1 = Float32Array.from({ length: 784 * U }, (_, i) => Math.sin(i * 0.013) * 0.05);
    const k2 = Float32Array.from({ length: U * 10 }, (_, i) => Math.cos(i * 0.7));
    const bytes = new Uint8Array((k1.length + U + k2.length + 10) * 4);
    const dv = new DataView(bytes.buffer);
    let o = 0;
    for (const arr of [k1, new Float32Array(U), k2, new Float32Array(10)]) for (const v of arr) { dv.setFloat32(o, v, true); o += 4; }
    const json = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [
        { class_name: 'Dense', config: { name: 'd1', units: U, activation: 'relu', batch_input_shape: [null, 784] } },
        { class_name: 'Dense', config: { name: 'd2', units: 10, activation: 'softmax' } },
      ] } },
      weightsManifest: [{ paths: ['w.bin'], weights: [
        { name: 'd1/kernel', shape: [784, U], dtype: 'float32' }, { name: 'd1/bias', shape: [U], dtype: 'float32' },
        { name: 'd2/kernel', shape: [U, 10], dtype: 'float32' }, { name: 'd2/bias', shape: [10], dtype: 'float32' },
      ] }],
    };
    const pretrained = importTfjsLayersModel(json, () => bytes, 'mlp');
    const r = await createConversionTrainer('rate', { pretrained })(runConfig('conversion', pretrained.spec, { testLimit: 200, trainLimit: 200, timesteps: 256 }, { tGrid: [256] }), recordingHooks(), null);
    expect(r.epochsDone).toBe(0);
    expect(Math.abs((r.finalTestAccuracy ?? 0) - r.annTestAccuracy)).toBeLessThan(0.03);
  });
});
