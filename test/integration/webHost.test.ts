import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../core/api/contract';
import { createWsClient } from '../../core/api/wsClient';
import { createLabService, type LabService } from '../../core/lab/service';
import { resolveStatic } from '../../host/web/staticFiles';
import { startWebHost, type WebHost } from '../../host/web/server';
import { FAKE_METHOD_MODULE, fakeBackend, fakePresets } from '../fixtures/fakePresets';
import { tempDir, waitFor } from '../unit/lab/helpers';

const tmp = tempDir('spikelab-webhost-');
const rendererDir = join(tmp.dir, 'renderer');
let service: LabService;
let host: WebHost;

beforeAll(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>SpikeLab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'assets', 'app-1234.css'), 'body{}');
  writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'top secret');
  service = createLabService({ workspace: join(tmp.dir, 'ws'), presets: fakePresets, backendInfo: fakeBackend, methodModule: FAKE_METHOD_MODULE });
  host = await startWebHost({ service, rendererDir });
});
afterAll(async () => {
  await host.close();
  await service.close();
  tmp.cleanup();
});

/** Raw HTTP GET with the path sent verbatim (fetch and URL would normalise the dots away). */
function rawGet(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(host.port, '127.0.0.1', () => sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
      const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
      resolve({ status, type, body: rest.join('\r\n\r\n') });
    });
    sock.on('error', reject);
  });
}

describe('web host: static files', () => {
  it('binds 127.0.0.1 by default and serves index.html', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    const r = await fetch(host.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await r.text()).toContain('<title>SpikeLab</title>');
  });

  it('sends correct MIME types', async () => {
    const cases: Array<[string, string]> = [
      ['assets/app-1234.js', 'text/javascript; charset=utf-8'],
      ['assets/app-1234.css', 'text/css; charset=utf-8'],
      ['assets/logo.svg', 'image/svg+xml'],
    ];
    for (const [p, type] of cases) {
      const r = await fetch(host.url + p);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(type);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('falls back to index.html for client routes but 404s missing assets', async () => {
    expect((await fetch(host.url + 'runs/abc')).status).toBe(200);
    expect(await (await fetch(host.url + 'runs/abc')).text()).toContain('SpikeLab');
    expect((await fetch(host.url + 'assets/missing.js')).status).toBe(404);
  });

  it('blocks path traversal, raw and encoded', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/assets/%00x']) {
      const r = await rawGet(p);
      expect(r.body, p).not.toContain('top secret');
      expect([403, 404], p).toContain(r.status);
    }
    expect(resolveStatic(rendererDir, '/../secret.txt').kind).toBe('forbidden');
    expect(resolveStatic(rendererDir, '/%2e%2e/secret.txt').kind).toBe('forbidden');
  });

  it('rejects methods other than GET and HEAD', async () => {
    const r = await fetch(host.url, { method: 'POST', body: 'x' });
    expect(r.status).toBe(405);
  });

  it('says how to build when the renderer is missing', async () => {
    const bare = await startWebHost({ service, rendererDir: join(tmp.dir, 'nothing-here') });
    try {
      const r = await fetch(bare.url);
      expect(r.status).toBe(503);
      expect(await r.text()).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});

function rawSocket(origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function exchange(ws: WebSocket, msg: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

describe('web host: WebSocket protocol', () => {
  it('rejects unknown methods, bad args and malformed frames', async () => {
    const ws = await rawSocket();
    try {
      expect(await exchange(ws, { id: 1, method: 'close', args: [] })).toEqual({ id: 1, error: { code: 'BAD_REQUEST', message: 'unknown method "close"' } });
      expect(await exchange(ws, { id: 2, method: 'constructor', args: [] })).toMatchObject({ id: 2, error: { code: 'BAD_REQUEST' } });
      expect(await exchange(ws, { id: 3, method: 'killRunWorker', args: ['x'] })).toMatchObject({ id: 3, error: { code: 'BAD_REQUEST' } });
      expect(await exchange(ws, { id: 4, method: 'getRun', args: [] })).toEqual({ id: 4, error: { code: 'BAD_REQUEST', message: 'getRun takes 1 argument, got 0' } });
      expect(await exchange(ws, { id: 5, method: 'listRuns', args: 'x' })).toMatchObject({ id: 5, error: { code: 'BAD_REQUEST', message: 'listRuns: args must be an array' } });
      expect(await exchange(ws, { id: 6, method: 'startRun', args: [{ preset: 'fake-fast', extra: 1 }] })).toMatchObject({ id: 6, error: { code: 'BAD_REQUEST', message: 'request.extra is not a known field (expected preset, settings, name, data, method, methodOptions, model)' } });
      expect(await exchange(ws, 'not json')).toMatchObject({ id: -1, error: { code: 'BAD_REQUEST' } });
      expect(await exchange(ws, { id: 7, method: 'listPresets', args: [] })).toMatchObject({ id: 7, result: expect.any(Array) });
    } finally {
      ws.close();
    }
  });

  it('drops a client that sends an oversized frame and keeps serving others', async () => {
    const big = await rawSocket();
    const closed = new Promise<number>((r) => big.once('close', (code) => r(code)));
    big.send('x'.repeat(2 << 20));
    expect(await closed).toBe(1009);
    const ws = await rawSocket();
    try {
      expect(await exchange(ws, { id: 1, method: 'listRuns', args: [] })).toEqual({ id: 1, result: [] });
    } finally {
      ws.close();
    }
  });

  it('accepts browser origins only when listed', async () => {
    const dev = await startWebHost({ service, rendererDir, allowedOrigins: ['http://localhost:5173'] });
    try {
      const ok = await new Promise<boolean>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${dev.port}/ws`, { origin: 'http://localhost:5173' });
        ws.once('open', () => (ws.close(), resolve(true)));
        ws.once('error', () => resolve(false));
      });
      expect(ok).toBe(true);
    } finally {
      await dev.close();
    }
  });

  it('refuses /ws upgrades from another site, and other paths', async () => {
    await expect(rawSocket('https://evil.example')).rejects.toThrow(/403/);
    const same = await rawSocket(`http://127.0.0.1:${host.port}`);
    same.close();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/other`);
        ws.once('open', resolve);
        ws.once('error', reject);
      }),
    ).rejects.toThrow(/403/);
  });

  it('client: pending calls reject with TRANSPORT on disconnect, then it reconnects', async () => {
    // A server that accepts calls and never answers, so the calls are surely in flight when it goes.
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as AddressInfo).port;
    const received: string[] = [];
    silent.on('connection', (ws) => ws.on('message', (d) => received.push(d.toString())));
    const client = createWsClient(`ws://127.0.0.1:${port}/ws`, { WebSocketImpl: WebSocket, minBackoffMs: 50, maxBackoffMs: 200, connectTimeoutMs: 5000 });
    try {
      await client.ready;
      const a = client.getAppInfo().catch((e: unknown) => e);
      const b = client.stopRun('20990101-000000-x-000000').catch((e: unknown) => e);
      await waitFor(() => received.length === 2, 5000, 'calls to reach the server');
      expect(JSON.parse(received[1])).toMatchObject({ method: 'stopRun', args: ['20990101-000000-x-000000'] });
      for (const ws of silent.clients) ws.terminate();
      await new Promise((r) => silent.close(r));
      for (const e of await Promise.all([a, b])) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe('TRANSPORT');
      }
      // The real host comes up on the same port; the client finds it on its own.
      const revived = await startWebHost({ service, rendererDir, port });
      try {
        expect((await client.getAppInfo()).apiVersion).toBe(1);
      } finally {
        await revived.close();
      }
    } finally {
      client.close();
    }
    await expect(client.listRuns()).rejects.toMatchObject({ code: 'TRANSPORT' });
  });
});

describe('wsClient URL forms', () => {
  it('normalises http, ws and page-relative URLs', async () => {
    const { normaliseUrl } = await import('../../core/api/wsClient');
    expect(normaliseUrl('http://127.0.0.1:7777')).toBe('ws://127.0.0.1:7777/ws');
    expect(normaliseUrl('https://lab.example/')).toBe('wss://lab.example/ws');
    expect(normaliseUrl('ws://h:1/ws')).toBe('ws://h:1/ws');
    expect(normaliseUrl('/ws', { protocol: 'https:', host: 'lab.example:8443' })).toBe('wss://lab.example:8443/ws');
    expect(() => normaliseUrl('/ws', undefined)).toThrow(/cannot connect to "\/ws"/);
  });
});
