/**
 * The methods domain through LabService: the method catalogue, start-time checks of method,
 * options and builder model, the curves a conversion run stores, and measureCurve on its weights.
 * The model is a small dense ANN on 96 MNIST samples so the whole file runs in seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RunEvent, RunSummary, TrainRequest } from '../../../core/api/contract';
import { createLabService, type LabService } from '../../../core/lab/service';
import { validateCurveRequest } from '../../../core/lab/methods/service';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type ModelSpec } from '../../../core/snn/spec';
import { tempDir, waitFor } from './helpers';

const tmp = tempDir('spikelab-methods-');
let service: LabService;
const events: RunEvent[] = [];

const denseAnn: ModelSpec = {
  format: MODEL_SPEC_FORMAT,
  version: MODEL_SPEC_VERSION,
  name: 'tiny-ann',
  input: [1, 28, 28],
  timesteps: 1,
  encoder: { type: 'direct' },
  layers: [
    { type: 'flatten', name: 'flat' },
    { type: 'dense', name: 'fc1', units: 32 },
    { type: 'relu', name: 'act1' },
    { type: 'dense', name: 'fc2', units: 10 },
  ],
  decoder: { type: 'rate' },
};
const small = { epochs: 1, trainLimit: 96, testLimit: 40, batchSize: 32, timesteps: 8 };

async function finish(req: TrainRequest): Promise<RunSummary> {
  const run = await service.startRun(req);
  const end = await waitFor(
    () => events.find((e): e is Extract<RunEvent, { type: 'status' }> => e.type === 'status' && e.run.id === run.id && ['completed', 'failed', 'stopped'].includes(e.run.status)),
    60_000,
    `end of run ${run.id}`,
  );
  return end.run;
}

beforeAll(() => {
  service = createLabService({ workspace: join(tmp.dir, 'ws') });
  service.onRunEvent((e) => events.push(e));
});
afterAll(async () => {
  await service.close();
  tmp.cleanup();
});

describe('listMethods', () => {
  it('describes every method with its options, family and presets', async () => {
    const methods = await service.listMethods();
    const conv = methods.find((m) => m.name === 'conversion');
    expect(conv?.family).toBe('conversion');
    expect(conv?.presets).toContain('mnist-conv-conversion');
    expect(conv?.references.length).toBeGreaterThan(0);
    expect(conv?.options.find((o) => o.key === 'normalisation')).toMatchObject({ kind: 'enum', default: 'data', values: ['data', 'model', 'balance', 'none'] });
    expect(conv?.options.find((o) => o.key === 'percentile')).toMatchObject({ kind: 'number', default: 99.9, min: 50, max: 100 });
    expect(conv?.options.find((o) => o.key === 'tGrid')).toMatchObject({ kind: 'numbers', min: 1, integer: true });
    const bptt = methods.find((m) => m.name === 'bptt');
    expect(bptt?.presets).toEqual(expect.arrayContaining(['mnist-mlp', 'mnist-conv']));
    expect(bptt?.options.map((o) => o.key)).toEqual(expect.arrayContaining(['loss', 'optimizer', 'schedule', 'clipNorm']));
    for (const m of methods) for (const o of m.options) expect(o.doc.length).toBeGreaterThan(0);
  });
});

describe('startRun checks method, options and model', () => {
  it('refuses an unknown method, naming the field and the choices', async () => {
    await expect(service.startRun({ preset: 'mnist-mlp', method: 'magic' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/request\.method.*"magic".*bptt/) });
    await expect(service.startRun({ preset: 'mnist-mlp', method: 'Not A Name' } as TrainRequest)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('request.method') });
  });

  it('refuses a bad or unknown option before any run exists', async () => {
    const before = (await service.listRuns()).length;
    await expect(service.startRun({ preset: 'mnist-conv-conversion', methodOptions: { percentile: 10 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/methodOptions.*"percentile".*>= 50/) });
    await expect(service.startRun({ preset: 'mnist-mlp', methodOptions: { bogus: 1 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('unknown option "bogus"') });
    await expect(service.startRun({ preset: 'mnist-mlp', method: 'conversion', methodOptions: { normalisation: 'max' } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('one of data, model, balance, none') });
    await expect(service.startRun({ preset: 'mnist-mlp', methodOptions: [] } as unknown as TrainRequest)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('request.methodOptions must be an object') });
    expect((await service.listRuns()).length).toBe(before);
  });

  it('refuses a builder model that does not fit the preset data or the method', async () => {
    await expect(service.startRun({ preset: 'mnist-mlp', model: denseAnn })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/request\.model\.input is \[1, 28, 28\].*\[784\]/) });
    const nine = { ...denseAnn, layers: [...denseAnn.layers.slice(0, 3), { type: 'dense' as const, name: 'fc2', units: 9 }] };
    await expect(service.startRun({ preset: 'mnist-conv-conversion', model: nine })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/predicts 9 classes.*has 10/) });
    await expect(service.startRun({ preset: 'mnist-conv-conversion', model: { ...denseAnn, layers: [] } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('request.model') });
    const bn = { ...denseAnn, layers: [denseAnn.layers[0], denseAnn.layers[1], { type: 'batchnorm' as const, name: 'bn' }, ...denseAnn.layers.slice(2)] };
    await expect(service.startRun({ preset: 'mnist-conv-conversion', model: bn })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/does not suit method conversion.*batchnorm/) });
  });
});

describe('conversion curves and measureCurve', () => {
  let run: RunSummary;
  beforeAll(async () => {
    run = await finish({
      preset: 'mnist-conv-ttfs',
      model: denseAnn,
      settings: small,
      methodOptions: { tGrid: [1, 2, 4, 8], ttfsSteps: [1, 2, 4], calibrationSamples: 32 },
    });
  }, 90_000);

  it('stores method, options and model in config.json, and the rate and TTFS curves with the run', async () => {
    expect(run.status).toBe('completed');
    const { config } = await service.getRun(run.id);
    expect(config.method).toBe('conversion-ttfs');
    expect(config.methodOptions).toEqual({ tGrid: [1, 2, 4, 8], ttfsSteps: [1, 2, 4], calibrationSamples: 32 });
    expect(config.model.name).toBe('tiny-ann');
    const curves = await service.listCurves(run.id);
    expect(curves.map((c) => c.name).sort()).toEqual(['rate', 'ttfs']);
    const rate = curves.find((c) => c.name === 'rate');
    expect(rate?.points.map((p) => p.timesteps)).toEqual([1, 2, 4, 8]);
    expect(rate?.samples).toBe(40);
    expect(rate?.reference).toBeGreaterThan(0.3);
    // TTFS latency is K (hidden layers + 1) = 2K.
    expect(curves.find((c) => c.name === 'ttfs')?.points.map((p) => p.timesteps)).toEqual([2, 4, 8]);
    const streamed = events.filter((e) => e.type === 'curve' && e.curve.runId === run.id);
    expect(streamed).toHaveLength(2);
  });

  it('measures the final weights against T, stores the curves and emits them', async () => {
    const c = await service.measureCurve(run.id, { timesteps: [2, 8, 32], samples: 40 });
    expect(c.name).toBe('measured-rate');
    expect(c.points.map((p) => p.timesteps)).toEqual([2, 8, 32]);
    const trained = (await service.listCurves(run.id)).find((x) => x.name === 'rate');
    // Same weights, same samples: the measured point at T = 8 is the point the run recorded.
    expect(c.points[1].accuracy).toBeCloseTo(trained?.points.find((p) => p.timesteps === 8)?.accuracy ?? -1, 6);
    expect(c.reference).toBeCloseTo(trained?.reference ?? -1, 6);
    const names = (await service.listCurves(run.id)).map((x) => x.name).sort();
    expect(names).toEqual(['measured-rate', 'measured-ttfs', 'rate', 'ttfs']);
    expect(events.some((e) => e.type === 'curve' && e.curve.name === 'measured-ttfs')).toBe(true);
  }, 30_000);

  it('answers NOT_FOUND, CONFLICT and BAD_REQUEST with the reason', async () => {
    await expect(service.measureCurve('no-such-run', { timesteps: [1], samples: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.measureCurve(run.id, { timesteps: [4, 2], samples: 10 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('strictly ascending') });
    await expect(service.measureCurve(run.id, { timesteps: [0], samples: 10 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('request.timesteps[0]') });
    await expect(service.measureCurve(run.id, { timesteps: [2], samples: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('request.samples') });
    const { config } = await service.getRun(run.id);
    const now = new Date().toISOString();
    const id = service.store.newRunId('no-weights');
    service.store.create({ ...run, id, status: 'stopped', createdAt: now, updatedAt: now }, config);
    await expect(service.measureCurve(id, { timesteps: [2], samples: 10 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('no final weights') });
  });

  it('validates a curve request shape on its own', () => {
    expect(validateCurveRequest({ timesteps: [1, 4], samples: 5 })).toEqual({ timesteps: [1, 4], samples: 5 });
    expect(() => validateCurveRequest({ timesteps: [1], samples: 5, extra: 1 })).toThrow(/request\.extra/);
    expect(() => validateCurveRequest({ timesteps: [], samples: 5 })).toThrow(/1 to 32/);
    expect(() => validateCurveRequest({ timesteps: [2000], samples: 5 })).toThrow(/1\.\.1024/);
  });
});

describe('hybrid curve and measuring other methods', () => {
  it('stores the converted network\'s curve, and measures the fine-tuned weights at each T', async () => {
    const r = await finish({ preset: 'mnist-conv-hybrid', model: denseAnn, settings: { ...small, timesteps: 4 }, methodOptions: { curveSteps: [1, 2, 8], curveSamples: 20, calibrationSamples: 32 } });
    expect(r.status).toBe('completed');
    const curves = await service.listCurves(r.id);
    expect(curves.map((c) => c.name)).toEqual(['converted']);
    // The run's own T joins the grid.
    expect(curves[0].points.map((p) => p.timesteps)).toEqual([1, 2, 4, 8]);
    expect(curves[0].samples).toBe(20);
    expect(curves[0].reference).not.toBeNull();
    const m = await service.measureCurve(r.id, { timesteps: [1, 4], samples: 40 });
    expect(m).toMatchObject({ name: 'measured', reference: null, samples: 40 });
    expect(m.points.map((p) => p.timesteps)).toEqual([1, 4]);
    // Direct input, so deterministic: at the run's T on its 40 test samples the rebuilt PLIF network
    // scores exactly what the run's last evaluation did, which fails if the measured spec is not the trained one.
    const last = (await service.getRun(r.id)).metrics.filter((x) => x.kind === 'epoch').at(-1);
    expect(m.points[1].accuracy).toBeCloseTo(last?.testAccuracy ?? -1, 9);
  }, 60_000);

  it('refuses methods whose network cannot be rebuilt at another T', async () => {
    const { config } = await service.getRun((await service.listRuns())[0].id);
    const now = new Date().toISOString();
    const id = service.store.newRunId('s4nn');
    const base = (await service.listRuns())[0];
    service.store.create({ ...base, id, method: 'single-spike', status: 'completed', createdAt: now, updatedAt: now }, { ...config, method: 'single-spike', methodOptions: undefined });
    service.store.writeFinalWeights(id, new Uint8Array(8));
    await expect(service.measureCurve(id, { timesteps: [2], samples: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('this run used single-spike') });
  });
});

describe('bptt options', () => {
  it('trains with overridden recipe options and refuses a bad one', async () => {
    const r = await finish({ preset: 'mnist-mlp', settings: { ...small, timesteps: 2, trainLimit: 64, testLimit: 16 }, methodOptions: { optimizer: 'sgd', momentum: 0.5, schedule: 'cosine', clipNorm: 1 } });
    const measured = await service.measureCurve(r.id, { timesteps: [1, 2, 4], samples: 16 });
    expect(measured.points.map((p) => p.timesteps)).toEqual([1, 2, 4]);
    expect(measured.samples).toBe(16);
    expect(r.status).toBe('completed');
    const { metrics } = await service.getRun(r.id);
    // Cosine annealing: the second batch already runs at a lower rate than the first.
    const lrs = metrics.filter((m) => m.kind === 'batch').map((m) => m.learningRate);
    expect(lrs[0]).toBeCloseTo(1e-3, 9);
    expect(lrs[lrs.length - 1]).toBeLessThan(lrs[0]);
    await expect(service.startRun({ preset: 'mnist-mlp', methodOptions: { loss: 'hinge' } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('"loss"') });
  }, 60_000);
});
