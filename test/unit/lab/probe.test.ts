/**
 * probeRun on a tiny real run (mnist-mlp, 128 samples, T = 4): through LabService directly and
 * through the WebSocket client, plus the errors for unknown runs, checkpoints and samples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { RunEvent, RunSummary } from '../../../core/api/contract';
import { createWsClient, type WsClient } from '../../../core/api/wsClient';
import { rasterOf } from '../../../core/lab/probe/tasks';
import { validateProbeRequest } from '../../../core/lab/probe/handlers';
import { startWebHost, type WebHost } from '../../../host/web/server';
import { tempDir, waitFor } from './helpers';

const tmp = tempDir('spikelab-probe-');
let host: WebHost;
let client: WsClient;
let run: RunSummary;
const events: RunEvent[] = [];
const request = { sample: 3, checkpoint: null, traceNeurons: [], maxEventsPerLayer: 100_000 };

beforeAll(async () => {
  host = await startWebHost({ workspace: join(tmp.dir, 'ws'), rendererDir: join(tmp.dir, 'none') });
  client = createWsClient(host.url, { WebSocketImpl: WebSocket });
  await client.ready;
  client.onRunEvent((e) => events.push(e));
  run = await client.startRun({ preset: 'mnist-mlp', settings: { epochs: 1, trainLimit: 128, testLimit: 32, timesteps: 4, batchSize: 32 } });
  await waitFor(() => events.some((e) => e.type === 'status' && e.run.id === run.id && ['completed', 'failed'].includes(e.run.status)), 60_000, 'end of the run');
}, 90_000);
afterAll(async () => {
  client.close();
  await host.close();
  tmp.cleanup();
});

describe('probeRun', () => {
  it('records every neuron layer of one test sample from the final weights', async () => {
    const r = await host.service.probeRun(run.id, request);
    expect(r.checkpoint).toBeNull();
    expect(r.hasFinal).toBe(true);
    expect(r.checkpoints.length).toBeGreaterThan(0);
    expect(r.timesteps).toBe(4);
    expect(r.label).toBeGreaterThanOrEqual(0);
    expect(r.scores).toHaveLength(10);
    expect(r.predicted).toBe(r.scores.indexOf(Math.max(...r.scores)));
    expect(r.layers.map((l) => [l.name, l.neurons, l.spiking])).toEqual([['lif1', 500, true], ['lif2', 10, true]]);
    const hidden = r.layers[0];
    expect(hidden.totalSpikes).toBeGreaterThan(0);
    expect(hidden.times.length).toBe(hidden.totalSpikes);
    expect(hidden.truncated).toBe(false);
    // rates are spikes per neuron per step, so they sum to spikes / T.
    expect(hidden.rates.reduce((a, b) => a + b, 0)).toBeCloseTo(hidden.totalSpikes / 4, 6);
    expect(hidden.membrane.length).toBe(4);
    for (const m of hidden.membrane) expect(m.values).toHaveLength(4);
    expect(hidden.threshold).toBeGreaterThan(0);
    // The most active neurons are traced: each fired at least once unless the layer is nearly silent.
    expect(hidden.membrane.every((m) => hidden.rates[m.neuron] > 0)).toBe(true);
    // The input: MNIST pixels, rate-coded spikes and a 28 x 28 picture.
    expect(r.input.imageShape).toEqual([28, 28]);
    expect(r.input.image).toHaveLength(784);
    expect(Math.max(...(r.input.image ?? []))).toBe(1);
    expect(r.input.times.length).toBeGreaterThan(0);
  });

  it('probes a named checkpoint, traces chosen neurons and decimates beyond the cap over the WebSocket', async () => {
    const first = await client.probeRun(run.id, request);
    const ckpt = first.checkpoints[0].name;
    const r = await client.probeRun(run.id, { sample: 3, checkpoint: ckpt, traceNeurons: [7, 2], maxEventsPerLayer: 5 });
    expect(r.checkpoint).toBe(ckpt);
    const hidden = r.layers[0];
    expect(hidden.membrane.map((m) => m.neuron)).toEqual([7, 2]);
    expect(hidden.times.length).toBeLessThanOrEqual(5);
    expect(hidden.truncated).toBe(hidden.totalSpikes > 5);
    const byFile = await client.probeRun(run.id, { ...request, checkpoint: `${ckpt}.safetensors` });
    expect(byFile.checkpoint).toBe(ckpt);
  });

  it('answers NOT_FOUND for an unknown run, checkpoint or sample, BAD_REQUEST for a bad request', async () => {
    await expect(client.probeRun('no-such-run', request)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.probeRun(run.id, { ...request, checkpoint: 'ckpt-9-9' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('ckpt-9-9') });
    await expect(client.probeRun(run.id, { ...request, sample: 70_000 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('70000') });
    await expect(client.probeRun(run.id, { ...request, maxEventsPerLayer: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(client.probeRun(run.id, { ...request, traceNeurons: [-1] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('traceNeurons[0]') });
  });

  it('answers CONFLICT for a run without weights and for weights that do not fit its model', async () => {
    const store = host.service.store;
    const detail = await client.getRun(run.id);
    const bare = { ...detail.summary, id: 'bare-run', status: 'stopped' as const, lastCheckpoint: null };
    store.create(bare, detail.config);
    await expect(client.probeRun('bare-run', request)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('no weights yet') });
    store.writeFinalWeights('bare-run', new Uint8Array([1, 2, 3]));
    await expect(client.probeRun('bare-run', request)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('do not fit') });
  });

  it('streams membrane traces and the threshold in live spike snapshots', () => {
    const snaps = events.flatMap((e) => (e.type === 'spikes' && e.snapshot.runId === run.id ? [e.snapshot] : []));
    expect(snaps.length).toBeGreaterThan(0);
    const s = snaps[0];
    expect(s.membrane?.length).toBe(4);
    expect(s.membrane?.every((m) => m.values.length === s.timesteps)).toBe(true);
    expect(s.threshold).toBeGreaterThan(0);
  });
});

describe('probe helpers', () => {
  it('rasterOf keeps events evenly over time when it decimates', () => {
    const T = 10;
    const data = new Float32Array(T * 10).fill(1);
    const r = rasterOf(data, T, 10);
    expect(r.total).toBe(100);
    expect(r.truncated).toBe(true);
    expect(r.times).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rasterOf(data, T, 1000).times).toHaveLength(100);
  });

  it('validateProbeRequest rejects unknown fields and too many traces', () => {
    expect(() => validateProbeRequest({ ...request, extra: 1 })).toThrow(/unknown field "extra"/);
    expect(() => validateProbeRequest({ ...request, traceNeurons: Array.from({ length: 17 }, (_, i) => i) })).toThrow(/at most 16/);
    expect(validateProbeRequest({ sample: 0, traceNeurons: [], maxEventsPerLayer: 10 }).checkpoint).toBeNull();
  });
});
