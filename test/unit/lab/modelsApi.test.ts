/**
 * The models domain over two paths: the LabService called directly and the same service behind
 * the web host's WebSocket (errors must arrive with the same code and message).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type SpikeLabApi } from '../../../core/api/contract';
import { createWsClient } from '../../../core/api/wsClient';
import { createLabService, type LabService } from '../../../core/lab/service';
import { startWebHost } from '../../../host/web/server';
import type { ModelSpec } from '../../../core/snn/spec';
import { estimateModel } from '../../../core/snn/estimates';
import { fakeBackend, fakePresets } from '../../fixtures/fakePresets';
import { tempDir } from './helpers';

const tmp = tempDir('spikelab-models-');
afterAll(() => tmp.cleanup());

interface Harness {
  api: SpikeLabApi;
  service: LabService;
  teardown(): Promise<void>;
}

function newService(name: string): LabService {
  return createLabService({ workspace: join(tmp.dir, name), host: 'web', presets: fakePresets, backendInfo: fakeBackend });
}

async function direct(): Promise<Harness> {
  const service = newService('direct');
  return { api: service, service, teardown: () => service.close() };
}

async function overWs(): Promise<Harness> {
  const service = newService('ws');
  const host = await startWebHost({ port: 0, service, rendererDir: join(tmp.dir, 'renderer') });
  const client = createWsClient(host.url.replace(/^http/, 'ws') + 'ws', { WebSocketImpl: WebSocket });
  await client.ready;
  return { api: client, service, teardown: async () => (client.close(), await host.close(), await service.close()) };
}

const mySpec = (name: string): ModelSpec => ({
  format: 'spikelab.model',
  version: 1,
  name,
  input: [1, 8, 8],
  timesteps: 4,
  encoder: { type: 'poisson' },
  layers: [
    { type: 'conv2d', name: 'conv1', filters: 4, kernel: 3 },
    { type: 'neuron', name: 'sn1', neuron: { model: 'lif', beta: 0.8 } },
    { type: 'flatten' },
    { type: 'dense', name: 'fc', units: 10 },
    { type: 'neuron', name: 'out', neuron: { model: 'lif' } },
  ],
  decoder: { type: 'spikeCount' },
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a rejection');
}

function suite(name: string, make: () => Promise<Harness>): void {
  describe(`models API (${name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(async () => h.teardown());

    it('serves the catalog', async () => {
      const c = await h.api.getLayerCatalog();
      expect(c.specFormat).toBe('spikelab.model');
      expect(c.layers.map((l) => l.id)).toContain('residual');
    });

    it('inspects a valid spec: shapes, params, SynOps at the firing rate, energy, memory', async () => {
      const r = await h.api.inspectModel(mySpec('a'), { batchSize: 8, firingRate: 0.2 });
      expect(r.ok).toBe(true);
      expect(r.layers.map((l) => l.outputShape)).toEqual([[4, 6, 6], [4, 6, 6], [144], [10], [10]]);
      const conv = r.layers[0];
      expect(conv.params).toBe(4 * 9 + 4);
      expect(conv.macsPerStep).toBe(4 * 6 * 6 * 9);
      // Poisson input is spikes: SynOps = rate x MACs per step x T.
      expect(conv.countedAs).toBe('ac');
      expect(conv.synOps).toBeCloseTo(0.2 * conv.macsPerStep * 4);
      expect(conv.energyPj).toBeCloseTo(conv.synOps * 0.9);
      expect(r.layers.reduce((a, l) => a + l.energyPj, 0)).toBeCloseTo(r.totals.snnEnergyPj);
      expect(r.totals.params).toBe(40 + 144 * 10 + 10);
      expect(r.totals.energyTable).toMatch(/45 nm/);
      expect(r.totals.snnEnergyPj).toBeCloseTo(r.totals.synOpsPerSample * 0.9);
      expect(r.totals.annEnergyPj).toBeCloseTo(r.totals.annMacsPerSample * 4.6);
      expect(r.totals.bpttBytes).toBeGreaterThan(0);
      expect(r.assumptions).toEqual({ batchSize: 8, timesteps: 4, firingRate: 0.2 });
      // BPTT memory for the chosen batch and T is the engine's estimate (nearly x4 here; the conv workspace is per sample).
      const big = await h.api.inspectModel(mySpec('a'), { batchSize: 16, timesteps: 8 });
      expect(big.totals.bpttBytes).toBe(estimateModel(mySpec('a'), { batch: 16, timesteps: 8 }).bytes.bptt);
      expect(big.totals.bpttBytes).toBeGreaterThan(3.5 * r.totals.bpttBytes);
    });

    it('locates issues by layer and field instead of rejecting', async () => {
      const bad = mySpec('bad') as unknown as { layers: Record<string, unknown>[]; decoder: unknown };
      bad.layers[0].kernel = 'five';
      bad.layers[1].neuron = { model: 'lif', betta: 0.5 };
      const r = await h.api.inspectModel(bad, { batchSize: 1 });
      expect(r.ok).toBe(false);
      expect(r.spec).toBeNull();
      expect(r.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ layerIndex: 0, field: 'kernel', path: 'layers[0] (conv2d "conv1").kernel', message: expect.stringContaining('positive integer') }),
          expect.objectContaining({ layerIndex: 1, field: 'neuron.betta', message: expect.stringContaining('did you mean "beta"') }),
        ]),
      );
      // Shape mismatch: dense without flatten in front.
      const shape = mySpec('shape');
      shape.layers.splice(2, 1);
      const s = await h.api.inspectModel(shape, { batchSize: 1 });
      expect(s.issues).toEqual([expect.objectContaining({ layerIndex: 2, field: null, message: expect.stringContaining('add a flatten layer') })]);
      const nested = await h.api.inspectModel(
        { ...mySpec('n'), layers: [{ type: 'residual', name: 'blk', layers: [{ type: 'conv2d', filters: 0, kernel: 3 }] }, ...mySpec('n').layers] },
        { batchSize: 1 },
      );
      expect(nested.issues[0]).toMatchObject({ layerIndex: 0, field: 'layers[0].filters' });
      const dec = await h.api.inspectModel({ ...mySpec('d'), decoder: { type: 'voting', classes: 3 } }, { batchSize: 1 });
      expect(dec.issues).toEqual([expect.objectContaining({ layerIndex: null, field: 'decoder.classes' })]);
      expect((await h.api.inspectModel(42, { batchSize: 1 })).issues).toEqual([expect.objectContaining({ layerIndex: null, field: null })]);
    });

    it('rejects bad options with BAD_REQUEST', async () => {
      expect((await rejection(h.api.inspectModel(mySpec('a'), { batchSize: 0 }))).code).toBe('BAD_REQUEST');
      expect((await rejection(h.api.inspectModel(mySpec('a'), { batchSize: 1, firingRate: 2 }))).message).toMatch(/firingRate/);
      expect((await rejection(h.api.inspectModel(mySpec('a'), { batchSize: 1, bogus: 1 } as never))).message).toMatch(/unknown option "bogus"/);
    });

    it('lists seed nets first, saves, lists and loads a model', async () => {
      const before = await h.api.listModels();
      expect(before.filter((m) => m.builtin).map((m) => m.name)).toEqual(['mnist-mlp-lif', 'mnist-conv-lif', 'mnist-if-400', 'cifar10-vgg-tdbn', 'cifar10-resnet']);
      const saved = await h.api.saveModel(mySpec('my-net'));
      expect(saved).toMatchObject({ name: 'my-net', builtin: false, layers: 5, params: 1490, error: null });
      const list = await h.api.listModels();
      expect(list.at(-1)).toMatchObject({ name: 'my-net', builtin: false });
      expect(await h.api.loadModel('my-net')).toEqual(mySpec('my-net'));
      const seed = await h.api.loadModel('mnist-conv-lif');
      expect(seed.input).toEqual([1, 28, 28]);
    });

    it('refuses unsafe names, builtin names, invalid specs and unknown models', async () => {
      expect((await rejection(h.api.loadModel('../etc/passwd'))).code).toBe('BAD_REQUEST');
      expect((await rejection(h.api.loadModel('nul'))).code).toBe('BAD_REQUEST');
      expect((await rejection(h.api.saveModel({ ...mySpec('x'), name: 'a.b' }))).message).toMatch(/name/);
      const conflict = await rejection(h.api.saveModel(mySpec('mnist-mlp-lif')));
      expect(conflict.code).toBe('CONFLICT');
      const invalid = await rejection(h.api.saveModel({ ...mySpec('y'), timesteps: 0 }));
      expect(invalid).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('timesteps') });
      const missing = await rejection(h.api.loadModel('nothing-here'));
      expect(missing.code).toBe('NOT_FOUND');
    });

    it('names a corrupt or invalid file, and lists it as broken without hiding the others', async () => {
      const dir = h.service.workspace.modelsDir;
      writeFileSync(join(dir, 'torn.json'), '{"format": "spikelab.model", "vers');
      writeFileSync(join(dir, 'odd.json'), JSON.stringify({ ...mySpec('odd'), version: 99 }));
      const torn = await rejection(h.api.loadModel('torn'));
      expect(torn.message).toMatch(/torn\.json is not valid JSON/);
      expect((await rejection(h.api.loadModel('odd'))).message).toMatch(/odd\.json is not a valid model spec: version: version 99 is newer/);
      const list = await h.api.listModels();
      expect(list.find((m) => m.name === 'torn')?.error).toMatch(/not valid JSON/);
      expect(list.find((m) => m.name === 'my-net')?.error).toBeNull();
    });
  });
}

suite('LabService', direct);
suite('WebSocket', overWs);
