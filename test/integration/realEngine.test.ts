/**
 * The lab with the real engine (core/train bptt, MNIST subset) over the web host: a tiny run end to
 * end, then stop mid-run and resume from the checkpoint. Kept small: a few hundred samples, T=4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { RunEvent } from '../../core/api/contract';
import { createWsClient, type WsClient } from '../../core/api/wsClient';
import { startWebHost, type WebHost } from '../../host/web/server';
import { tempDir, waitFor } from '../unit/lab/helpers';

const tmp = tempDir('spikelab-real-');
let host: WebHost;
let client: WsClient;
const events: RunEvent[] = [];

beforeAll(async () => {
  host = await startWebHost({ workspace: join(tmp.dir, 'ws'), rendererDir: join(tmp.dir, 'none') });
  client = createWsClient(`${host.url}`, { WebSocketImpl: WebSocket });
  await client.ready;
  client.onRunEvent((e) => events.push(e));
});
afterAll(async () => {
  client.close();
  await host.close();
  tmp.cleanup();
});

describe('lab service with the real training engine', () => {
  it('reports the kernel backend and the built-in presets', async () => {
    const info = await client.getAppInfo();
    expect(['native', 'reference']).toContain(info.backend);
    const presets = await client.listPresets();
    expect(presets.map((p) => p.name)).toContain('mnist-mlp');
  });

  it('trains a tiny mnist-mlp run to completion', async () => {
    const run = await client.startRun({ preset: 'mnist-mlp', settings: { epochs: 1, trainLimit: 384, testLimit: 128, timesteps: 4, batchSize: 64 } });
    await waitFor(() => events.some((e) => e.type === 'status' && e.run.id === run.id && (e.run.status === 'completed' || e.run.status === 'failed')), 60_000, 'end of run');
    const d = await client.getRun(run.id);
    expect(d.summary.error).toBeNull();
    expect(d.summary.status).toBe('completed');
    expect(d.summary.bestTestAccuracy).toBeGreaterThan(0.2);
    expect(d.metrics.filter((m) => m.kind === 'epoch')).toHaveLength(1);
  });

  it('stops a real run with a checkpoint and resumes it to completion', async () => {
    const run = await client.startRun({ preset: 'mnist-mlp', settings: { epochs: 3, trainLimit: 1024, testLimit: 128, timesteps: 4, batchSize: 32 } });
    await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.runId === run.id), 60_000, 'progress');
    const stopped = await client.stopRun(run.id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.lastCheckpoint).toMatch(/^ckpt-\d+-\d+\.safetensors$/);
    await client.resumeRun(run.id);
    await waitFor(() => events.some((e) => e.type === 'status' && e.run.id === run.id && ['completed', 'failed'].includes(e.run.status) && e.run.updatedAt > stopped.updatedAt), 90_000, 'completion after resume');
    const d = await client.getRun(run.id);
    expect(d.summary.status).toBe('completed');
    expect(d.summary.epochsDone).toBe(3);
  });
});
