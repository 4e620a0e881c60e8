import { describe, expect, it } from 'vitest';
import type { PlasticitySnapshot } from '../../../core/api/contract';
import { PLASTICITY_METHOD_INFO } from '../../../core/plasticity/methodInfo';
import { decodeRuleState, histogram, receptiveFields } from '../../../core/plasticity/ruleLoop';
import { getPreset, getTrainMethod, listPresets } from '../../../core/train/index';
import { MethodError } from '../../../core/train/methodKit';
import type { TrainMethod } from '../../../core/train/types';
import { decodeSafetensors } from '../../../core/snn/safetensors';
import { mlp, recordingHooks, runConfig } from '../methods/helpers';

const RULES = ['tempotron', 'resume', 'spikeprop', 'stdp-pair', 'stdp-triplet', 'rstdp', 'clopath'] as const;

/** Tiny configurations that learn (seed 1), with the test accuracy each must reach. */
const TINY: Record<(typeof RULES)[number], { settings: Record<string, number>; options: Record<string, unknown>; atLeast: number }> = {
  tempotron: { settings: { epochs: 6, learningRate: 3e-3, batchSize: 20 }, options: { patternsPerClass: 20, afferents: 200, durationMs: 200 }, atLeast: 0.9 },
  resume: { settings: { epochs: 2, learningRate: 0.01, batchSize: 50 }, options: { trialsPerEpoch: 100 }, atLeast: 1 },
  spikeprop: { settings: { epochs: 1, learningRate: 0.01, batchSize: 25 }, options: { trialsPerEpoch: 50 }, atLeast: 1 },
  'stdp-pair': { settings: { epochs: 3, learningRate: 4, batchSize: 25 }, options: { trialsPerEpoch: 50 }, atLeast: 0.9 },
  'stdp-triplet': { settings: { epochs: 2, learningRate: 3, batchSize: 25 }, options: { trialsPerEpoch: 50 }, atLeast: 0.7 },
  rstdp: { settings: { epochs: 1, learningRate: 0.1, batchSize: 50 }, options: { trialsPerEpoch: 150 }, atLeast: 0.9 },
  clopath: { settings: { epochs: 2, learningRate: 1, batchSize: 25 }, options: { trialsPerEpoch: 50 }, atLeast: 0.9 },
};

function config(rule: (typeof RULES)[number], extra: Record<string, unknown> = {}) {
  const t = TINY[rule];
  return runConfig(rule, mlp(rule, []), t.settings, { ...t.options, ...extra });
}

describe('plasticity rules as lab methods', () => {
  for (const rule of RULES) {
    it(`${rule} learns its task through the TrainHooks contract, with metrics, snapshots and checkpoints`, async () => {
      const train: TrainMethod = getTrainMethod(rule);
      const h = recordingHooks();
      const snaps: Omit<PlasticitySnapshot, 'runId'>[] = [];
      h.wantPlasticity = () => true;
      h.plasticity = (s) => snaps.push(s);
      const r = await train(config(rule), h, null);
      const t = TINY[rule];
      expect(r.stopped).toBe(false);
      expect(r.epochsDone).toBe(t.settings.epochs);
      expect(r.finalTestAccuracy).toBeGreaterThanOrEqual(t.atLeast);
      const epochs = h.metrics.filter((m) => m.kind === 'epoch');
      expect(epochs).toHaveLength(t.settings.epochs);
      for (const m of h.metrics) {
        expect(Number.isFinite(m.loss)).toBe(true);
        expect(m.learningRate).toBe(t.settings.learningRate);
      }
      expect(h.checkpoints).toHaveLength(t.settings.epochs);
      expect(h.checkpoints.at(-1)?.epoch).toBe(t.settings.epochs);
      // Final weights are readable float32 safetensors named after the layer they belong to.
      expect(decodeSafetensors(r.weights).tensors.size).toBeGreaterThan(0);
      expect(snaps.length).toBeGreaterThan(0);
      const last = snaps[snaps.length - 1];
      expect(last.histogram?.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      if (rule === 'tempotron' || rule === 'resume' || rule === 'spikeprop') {
        expect(last.trace?.voltage.length).toBeGreaterThan(10);
        expect(last.trace?.voltage.length).toBeLessThanOrEqual(1000);
        expect(last.trace?.threshold).toBe(1);
      }
      if (rule === 'resume') expect(last.trace?.targetSpikesMs).toEqual([40, 90, 130, 170]);
      if (rule === 'spikeprop') expect(last.trace?.outputSpikesMs).toHaveLength(1);
      if (rule === 'stdp-pair' || rule === 'stdp-triplet' || rule === 'clopath') expect(last.receptiveFields).toMatchObject({ rows: 8, cols: 8, count: 4 });
    });
  }

  it('stops with a checkpoint and resumes to the same state as an uninterrupted run', async () => {
    // Stops mid-epoch: after 3 of 12 batches (tempotron), 3 of 6 (stdp-pair), 1 of 2 (spikeprop), 2 of 4 (clopath).
    for (const [rule, stopAfter] of [['tempotron', 3], ['stdp-pair', 3], ['spikeprop', 1], ['clopath', 2]] as const) {
      const train = getTrainMethod(rule);
      const full = await train(config(rule), recordingHooks(), null);
      const h = recordingHooks({ stopAfter });
      const stopped = await train(config(rule), h, null);
      expect(stopped.stopped).toBe(true);
      const ckpt = h.checkpoints.at(-1);
      expect(ckpt).toBeDefined();
      const resumed = await train(config(rule), recordingHooks(), ckpt ?? null);
      expect(resumed.stopped).toBe(false);
      expect(Buffer.from(resumed.weights).equals(Buffer.from(full.weights))).toBe(true);
      expect(resumed.finalTestAccuracy).toBe(full.finalTestAccuracy);
    }
  });

  it('rejects a checkpoint of another method', async () => {
    const h = recordingHooks();
    await getTrainMethod('tempotron')(config('tempotron'), h, null);
    const ckpt = h.checkpoints[0];
    await expect(getTrainMethod('resume')(config('resume'), recordingHooks(), ckpt)).rejects.toThrow(/not written by the resume method/);
    expect(() => decodeRuleState('tempotron', { state: () => ({ weights: [{ name: 'afferent.weight', shape: [3], data: new Float64Array(3) }], extra: [] }) } as never, ckpt.optimizer)).toThrow(/lacks "afferent.weight" of 3 values/);
  });

  it('rejects bad options with a METHOD_OPTIONS error that names the option', async () => {
    const cases: Array<[(typeof RULES)[number], Record<string, unknown>, RegExp]> = [
      ['tempotron', { afferents: 0 }, /option "afferents" expected an integer >= 1/],
      ['tempotron', { colour: 'red' }, /unknown option "colour"/],
      ['resume', { targetMs: [40, 500] }, /"targetMs" has 500 ms, outside the 200 ms presentation/],
      ['spikeprop', { optimizer: 'adam' }, /option "optimizer" expected one of rprop, momentum, sgd/],
      ['stdp-pair', { patterns: 3 }, /"patterns" \(3\) must divide "side" \(8\)/],
      ['stdp-triplet', { parameterSet: 'cortex' }, /option "parameterSet" expected one of/],
      ['rstdp', { trialsPerEpoch: 1.5 }, /option "trialsPerEpoch" expected an integer/],
      ['clopath', { wMax: 0 }, /option "wMax" expected a number >= 0.01/],
    ];
    for (const [rule, opts, msg] of cases) {
      const err = await getTrainMethod(rule)(config(rule, opts), recordingHooks(), null).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MethodError);
      expect((err as MethodError).code).toBe('METHOD_OPTIONS');
      expect((err as Error).message).toMatch(msg);
    }
  });

  it('every rule has a method-picker entry with its options and a preset the lab can start', () => {
    const presets = listPresets();
    for (const name of ['diehl-cook', ...RULES]) {
      const info = PLASTICITY_METHOD_INFO.find((m) => m.name === name);
      expect(info, name).toBeDefined();
      expect(info?.references.length).toBeGreaterThan(0);
      const preset = presets.find((p) => p.method === name);
      expect(preset, `a preset for ${name}`).toBeDefined();
      expect(typeof getTrainMethod(name)).toBe('function');
      expect(getPreset(preset?.name ?? '').model.layers[0]).toMatchObject({ type: 'dense' });
    }
    const tempotron = PLASTICITY_METHOD_INFO.find((m) => m.name === 'tempotron');
    expect(tempotron?.options.find((o) => o.key === 'patternsPerClass')).toMatchObject({ kind: 'number', default: 50, integer: true, min: 1 });
  });

  it('builds receptive fields decimated to at most 100 maps, and histograms that count every weight', () => {
    const inputs = 784;
    const neurons = 400;
    const w = new Float32Array(inputs * neurons);
    for (let i = 0; i < inputs; i++) for (let j = 0; j < neurons; j++) w[i * neurons + j] = j + i / 1000;
    const rf = receptiveFields(w, inputs, neurons, 28, 28);
    expect(rf.count).toBe(100);
    expect(rf.data).toHaveLength(100 * 784);
    // Map m is neuron 4m: its pixel i is 4m + i/1000.
    expect(rf.data[5 * 784 + 10]).toBeCloseTo(20.01, 5);
    expect(() => receptiveFields(w, inputs, neurons, 27, 28)).toThrow(/need 756 inputs/);
    const h = histogram('x', [0, 0.5, 1, 1, 0.25], 4);
    expect(h.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(h.counts).toEqual([1, 1, 1, 2]);
    expect(histogram('flat', [2, 2, 2], 3).counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('diehl-cook plasticity snapshots', () => {
  it('sends the input weights as 28x28 receptive fields (at most 100 maps) and their histogram', async () => {
    const { createDiehlCookTrainer } = await import('../../../core/plasticity/diehlCookMethod');
    const { Rng } = await import('../../../core/snn/rng');
    // Synthetic "digits": class c lights pixel rows 2c..2c+5, so the set is tiny and needs no MNIST files.
    const loadData = async (_split: 'train' | 'test', limit: number | null) => {
      const count = limit ?? 20;
      const images = new Uint8Array(count * 784);
      const labels = new Uint8Array(count);
      const rng = new Rng(3);
      for (let k = 0; k < count; k++) {
        labels[k] = k % 10;
        for (let p = 0; p < 784; p++) if (Math.floor(p / 28) >= 2 * labels[k] && Math.floor(p / 28) < 2 * labels[k] + 6) images[k * 784 + p] = 200 + rng.int(56);
      }
      return { images, labels, count, features: 784 };
    };
    const train = createDiehlCookTrainer({ loadData, params: { presentMs: 40 }, labelCount: 20 });
    const h = recordingHooks();
    const snaps: Omit<PlasticitySnapshot, 'runId'>[] = [];
    h.wantPlasticity = () => true;
    h.plasticity = (s) => snaps.push(s);
    const cfg = runConfig('diehl-cook', mlp('dc', [{ type: 'dense', name: 'exc', units: 120 }]), { epochs: 1, batchSize: 10, learningRate: 0.01, trainLimit: 20, testLimit: 10 });
    await train(cfg, h, null);
    expect(snaps).toHaveLength(2);
    const f = snaps[1].receptiveFields;
    expect(f).toMatchObject({ rows: 28, cols: 28, count: 100 });
    expect(f?.data).toHaveLength(100 * 784);
    expect(f?.max).toBeGreaterThan(f?.min ?? Infinity);
    expect(snaps[1].histogram?.counts.reduce((a, b) => a + b, 0)).toBe(784 * 120);
  });
});
