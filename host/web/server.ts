/**
 * The web host: HTTP serving the built renderer plus a WebSocket (/ws) carrying SpikeLabApi calls
 * and run events. What tests drive in Chromium, what a lab server runs headless, and what `npm start`
 * falls back to without an Electron binary. Binds 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_CHANNELS, ApiError, type RunEvent } from '../../core/api/contract';
import { WS_PATH, type WsEventMessage, type WsReply } from '../../core/api/wsProtocol';
import { dispatchCall, toErrorPayload } from '../../core/lab/apiDispatch';
import { findPackageRoot } from '../../core/lab/packageRoot';
import { createLabService, type LabService } from '../../core/lab/service';
import { serveStatic } from './staticFiles';

export interface WebHostOptions {
  port?: number;
  host?: string;
  workspace?: string;
  rendererDir?: string;
  /** An existing service (tests, CLI); otherwise one is created and closed with the host. */
  service?: LabService;
  /** Extra browser origins allowed to open /ws (e.g. the Vite dev server, http://localhost:5173). */
  allowedOrigins?: string[];
}

export interface WebHost {
  url: string;
  port: number;
  service: LabService;
  close(): Promise<void>;
}

/** Progress and spike events are skipped for a client this far behind; it gets the next ones. */
const DROPPABLE_BACKLOG_BYTES = 4 << 20;
/** A client this far behind is not reading at all: disconnect it rather than buffer without bound. */
const MAX_BACKLOG_BYTES = 64 << 20;
const MAX_MESSAGE_BYTES = 1 << 20;

export async function startWebHost(opts: WebHostOptions = {}): Promise<WebHost> {
  const ownsService = !opts.service;
  const service = opts.service ?? createLabService({ workspace: opts.workspace, host: 'web' });
  const rendererDir = opts.rendererDir ?? join(findPackageRoot(), 'out', 'renderer');
  const bindHost = opts.host ?? '127.0.0.1';

  const http = createServer((req, res) => serveStatic(rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH || !originAllowed(req, opts.allowedOrigins ?? [])) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    // Oversized or malformed frames surface as 'error' on the socket; unhandled they would crash the host.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(ws, { id: -1, error: { code: 'BAD_REQUEST', message: 'binary frames are not part of the protocol; send JSON text' } });
        return;
      }
      void handleCall(ws, data.toString());
    });
  });

  const handleCall = async (ws: WebSocket, text: string): Promise<void> => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      send(ws, { id: -1, error: { code: 'BAD_REQUEST', message: 'message is not valid JSON' } });
      return;
    }
    const m = typeof msg === 'object' && msg !== null ? (msg as Record<string, unknown>) : {};
    if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) {
      send(ws, { id: -1, error: { code: 'BAD_REQUEST', message: 'a call needs a numeric id, a method and an args array' } });
      return;
    }
    const id = m.id;
    try {
      const result = await dispatchCall(service, m.method, m.args);
      send(ws, { id, result });
    } catch (err) {
      send(ws, { id, error: toErrorPayload(err) });
    }
  };

  const unsubscribe = service.onRunEvent((event: RunEvent) => {
    const frame = JSON.stringify({ event: API_CHANNELS.runEvent, payload: event } satisfies WsEventMessage);
    const droppable = event.type === 'progress' || event.type === 'spikes';
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BACKLOG_BYTES) {
        ws.terminate();
        continue;
      }
      if (droppable && ws.bufferedAmount > DROPPABLE_BACKLOG_BYTES) continue;
      ws.send(frame);
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) =>
      reject(new ApiError('INTERNAL', `web host cannot listen on ${bindHost}:${opts.port ?? 0}: ${err.message}`)),
    );
    http.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    service,
    close() {
      closing ??= (async () => {
        unsubscribe();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((r) => wss.close(() => r()));
        http.closeAllConnections();
        await new Promise<void>((r) => http.close(() => r()));
        if (ownsService) await service.close();
      })();
      return closing;
    },
  };
}

function send(ws: WebSocket, msg: WsReply): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

/**
 * Browsers send Origin on WebSocket upgrades; a page from another site must not drive the lab
 * (cross-site WebSocket hijacking). Non-browser clients (CLI, tests) send none and are allowed.
 */
function originAllowed(req: IncomingMessage, extra: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (extra.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
