/**
 * One contract suite, two transports: the Electron preload path (fake ipc pair wired to the real
 * ipcMain handlers) and a real WebSocket to the web host. Both talk to a real LabService whose runs
 * execute the fixture method in worker threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { ApiError, type RunEvent, type RunStatus, type SpikeLabApi } from '../../core/api/contract';
import { createWsClient } from '../../core/api/wsClient';
import { createLabService, type LabService } from '../../core/lab/service';
import { createTrustedUrlCheck, registerIpcHandlers } from '../../electron/main/ipcHandlers';
import { createPreloadApi } from '../../electron/preload/api';
import { startWebHost } from '../../host/web/server';
import { FAKE_METHOD_MODULE, fakeBackend, fakePresets } from '../fixtures/fakePresets';
import { tempDir, waitFor } from '../unit/lab/helpers';
import { createFakeIpcPair } from './fakeIpc';

interface Harness {
  api: SpikeLabApi;
  service: LabService;
  teardown(): Promise<void>;
}

const tmp = tempDir('spikelab-contract-');
afterAll(() => tmp.cleanup());

function newService(name: string, host: 'web' | 'electron'): LabService {
  return createLabService({ workspace: join(tmp.dir, name), host, presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE, stopGraceMs: 5000 });
}

const rendererDir = join(tmp.dir, 'renderer');

async function preloadHarness(): Promise<Harness> {
  const service = newService('ipc', 'electron');
  const pair = createFakeIpcPair(pathToFileURL(join(rendererDir, 'index.html')).href);
  const dispose = registerIpcHandlers(pair.ipcMain, service, {
    isTrustedUrl: createTrustedUrlCheck({ rendererDir }),
    targets: () => [pair.webContents],
  });
  return { api: createPreloadApi(pair.ipcRenderer), service, teardown: async () => (dispose(), service.close()) };
}

async function wsHarness(): Promise<Harness> {
  const service = newService('ws', 'web');
  const host = await startWebHost({ port: 0, service, rendererDir });
  const client = createWsClient(host.url.replace(/^http/, 'ws') + 'ws', { WebSocketImpl: WebSocket });
  await client.ready;
  return { api: client, service, teardown: async () => (client.close(), await host.close(), await service.close()) };
}

function contractSuite(name: string, make: () => Promise<Harness>, host: 'web' | 'electron'): void {
  describe(`contract over ${name}`, () => {
    let h: Harness;
    const events: RunEvent[] = [];
    beforeAll(async () => {
      h = await make();
      h.api.onRunEvent((e) => events.push(e));
    });
    afterAll(async () => h.teardown());

    const statuses = (id: string): RunStatus[] => events.flatMap((e) => (e.type === 'status' && e.run.id === id ? [e.run.status] : []));

    it('getAppInfo describes the host, backend and workspace', async () => {
      const info = await h.api.getAppInfo();
      expect(info).toMatchObject({ apiVersion: 1, backend: 'reference', backendNote: 'test fixture backend', host });
      expect(info.workspace).toBe(h.service.workspace.root);
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('listPresets returns the catalogue', async () => {
      const presets = await h.api.listPresets();
      expect(presets.map((p) => p.name)).toEqual(['fake-fast', 'fake-slow', 'fake-fail', 'fake-spikes', 'fake-busy', 'fake-sparse']);
      expect(presets[0].defaults.epochs).toBe(2);
    });

    it('startRun trains to completion while status, progress and metric events stream', async () => {
      const run = await h.api.startRun({ preset: 'fake-fast', name: 'contract run', settings: { epochs: 2, trainLimit: 100 } });
      expect(run.name).toBe('contract run');
      await waitFor(() => statuses(run.id).includes('completed'), 20_000, 'completed status event');
      expect(statuses(run.id)).toEqual(expect.arrayContaining(['queued', 'running', 'completed']));
      expect(events.some((e) => e.type === 'progress' && e.progress.runId === run.id)).toBe(true);
      expect(events.filter((e) => e.type === 'metric' && e.runId === run.id && e.metric.kind === 'epoch')).toHaveLength(2);
      const detail = await h.api.getRun(run.id);
      expect(detail.summary).toMatchObject({ status: 'completed', epochsDone: 2, lastCheckpoint: 'ckpt-2-0.safetensors' });
      expect(detail.config.settings.trainLimit).toBe(100);
      expect(detail.metrics.some((m) => m.kind === 'epoch')).toBe(true);
      expect((await h.api.listRuns()).map((r) => r.id)).toContain(run.id);
    });

    it('pause, resume and stop a run', async () => {
      const run = await h.api.startRun({ preset: 'fake-slow', settings: { epochs: 5, trainLimit: 1000 } });
      await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.runId === run.id), 20_000, 'progress');
      expect((await h.api.pauseRun(run.id)).status).toBe('paused');
      expect((await h.api.resumeRun(run.id)).status).toBe('running');
      const stopped = await h.api.stopRun(run.id);
      expect(stopped.status).toBe('stopped');
      expect(stopped.lastCheckpoint).toMatch(/^ckpt-\d+-\d+\.safetensors$/);
      expect((await h.api.getRun(run.id)).summary.status).toBe('stopped');
    });

    it('errors arrive as ApiError with their codes', async () => {
      const unknownPreset = await h.api.startRun({ preset: 'no-such-preset' }).catch((e: unknown) => e);
      expect(unknownPreset).toBeInstanceOf(ApiError);
      expect(unknownPreset).toMatchObject({ code: 'UNKNOWN_PRESET' });
      expect((unknownPreset as ApiError).message).toContain('no-such-preset');
      await expect(h.api.getRun('20990101-000000-nothing-000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(h.api.stopRun('20990101-000000-nothing-000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(h.api.startRun({ preset: 'fake-fast', settings: { batchSize: 0 } })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'request.settings.batchSize must be a positive integer, got 0',
      });
      await expect(h.api.getRun(42 as unknown as string)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('deleteRun refuses an active run and removes a finished one', async () => {
      const live = await h.api.startRun({ preset: 'fake-slow', settings: { epochs: 5, trainLimit: 1000 } });
      await expect(h.api.deleteRun(live.id)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('stop it before deleting') });
      await h.api.stopRun(live.id);
      const deleted = await h.api.deleteRun(live.id);
      expect(deleted).toMatchObject({ id: live.id, status: 'stopped' });
      expect((await h.api.listRuns()).map((r) => r.id)).not.toContain(live.id);
      await expect(h.api.getRun(live.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(h.api.deleteRun(live.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(h.api.deleteRun('../escape' as string)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
}

contractSuite('the Electron preload (fake ipc pair)', preloadHarness, 'electron');
contractSuite('a real WebSocket to the web host', wsHarness, 'web');

describe('ipc sender checks', () => {
  it('refuses calls from frames that are not the app page', async () => {
    const service = newService('ipc-untrusted', 'electron');
    try {
      for (const url of ['https://evil.example/', pathToFileURL('/etc/passwd').href, pathToFileURL(join(rendererDir, '..', 'x.html')).href]) {
        const pair = createFakeIpcPair(url);
        const dispose = registerIpcHandlers(pair.ipcMain, service, { isTrustedUrl: createTrustedUrlCheck({ rendererDir }), targets: () => [] });
        await expect(createPreloadApi(pair.ipcRenderer).listRuns()).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('is not the SpikeLab page') });
        dispose();
        expect(pair.handlerCount()).toBe(0);
      }
      const dev = createTrustedUrlCheck({ rendererDir, devServerUrl: 'http://localhost:5173' });
      expect(dev('http://localhost:5173/#/runs')).toBe(true);
      expect(dev('http://localhost:5174/')).toBe(false);
    } finally {
      await service.close();
    }
  });
});
