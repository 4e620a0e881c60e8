/**
 * SpikeLabApi over the web host's WebSocket. Environment-neutral: the browser passes nothing and gets
 * globalThis.WebSocket; Node tests pass the `ws` package. Reconnects with capped exponential backoff;
 * calls in flight when the socket drops reject with ApiError('TRANSPORT') because the server may or
 * may not have run them, and only the caller can decide whether repeating is safe.
 */
import { domainCalls } from './domainCalls';
import { ApiError, type RunEvent, type SpikeLabApi, type Unsubscribe } from './contract';
import { WS_PATH, parseServerMessage, type CallMethod, type WsCall } from './wsProtocol';

/**
 * Handler slots are declared with method syntax so that implementations whose handlers take a
 * richer event type (the DOM's MessageEvent, ws's MessageEvent) still satisfy the interface.
 */
type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** The subset of the WHATWG WebSocket that both browsers and `ws` provide. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onclose: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
}

export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface WsClientOptions {
  WebSocketImpl?: WebSocketCtor;
  /** First reconnect delay; doubles per failure up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a call waits for a connection before it fails with TRANSPORT. */
  connectTimeoutMs?: number;
}

const OPEN = 1;

interface Pending {
  resolve(v: unknown): void;
  reject(e: ApiError): void;
}

export type WsClient = SpikeLabApi & { close(): void; ready: Promise<void> };

export function createWsClient(url: string, opts: WsClientOptions = {}): WsClient {
  const Impl = opts.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!Impl) throw new ApiError('TRANSPORT', 'no WebSocket implementation: pass opts.WebSocketImpl (e.g. the ws package) outside a browser');
  const target = normaliseUrl(url);
  const minBackoff = opts.minBackoffMs ?? 200;
  const maxBackoff = opts.maxBackoffMs ?? 5000;
  const connectTimeout = opts.connectTimeoutMs ?? 10_000;

  let socket: WebSocketLike | null = null;
  let closed = false;
  let backoff = minBackoff;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: RunEvent) => void>();
  let openWaiters: Array<(ok: boolean) => void> = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));

  const connect = (): void => {
    if (closed) return;
    let ws: WebSocketLike;
    try {
      ws = new Impl(target);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      backoff = minBackoff;
      markReady();
      const waiters = openWaiters;
      openWaiters = [];
      for (const w of waiters) w(true);
    };
    ws.onmessage = (ev) => {
      const text = typeof ev.data === 'string' ? ev.data : String(ev.data);
      const msg = parseServerMessage(text);
      if (!msg) return;
      if ('event' in msg) {
        for (const l of listeners) {
          try {
            l(msg.payload);
          } catch {
            // a throwing listener must not break the connection for the others
          }
        }
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if ('error' in msg) p.reject(ApiError.fromPayload(msg.error));
      else p.resolve(msg.result);
    };
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failPending('the connection to the lab service closed');
      scheduleReconnect();
    };
  };

  const failPending = (why: string): void => {
    for (const p of pending.values()) p.reject(new ApiError('TRANSPORT', `${why} before the call completed`));
    pending.clear();
  };

  const scheduleReconnect = (): void => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, backoff);
    backoff = Math.min(maxBackoff, backoff * 2);
  };

  const waitOpen = (): Promise<boolean> => {
    if (socket && socket.readyState === OPEN) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(ok);
      };
      const timer = setTimeout(() => {
        openWaiters = openWaiters.filter((w) => w !== finish);
        finish(false);
      }, connectTimeout);
      openWaiters.push(finish);
    });
  };

  const call = async <T>(method: CallMethod, args: unknown[]): Promise<T> => {
    if (closed) throw new ApiError('TRANSPORT', `${method}: the client is closed`);
    if (!(await waitOpen()) || !socket || closed) throw new ApiError('TRANSPORT', `${method}: no connection to the lab service at ${target}`);
    const id = nextId++;
    const msg: WsCall = { id, method, args };
    const ws = socket;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      try {
        ws.send(JSON.stringify(msg));
      } catch (err) {
        pending.delete(id);
        reject(new ApiError('TRANSPORT', `${method}: send failed: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  };

  connect();

  return {
    ready,
    getAppInfo: () => call('getAppInfo', []),
    listPresets: () => call('listPresets', []),
    listRuns: () => call('listRuns', []),
    getRun: (runId) => call('getRun', [runId]),
    startRun: (request) => call('startRun', [request]),
    pauseRun: (runId) => call('pauseRun', [runId]),
    resumeRun: (runId) => call('resumeRun', [runId]),
    stopRun: (runId) => call('stopRun', [runId]),
    deleteRun: (runId) => call('deleteRun', [runId]),
    ...domainCalls((method, args) => call(method, args)),
    onRunEvent(listener): Unsubscribe {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      if (closed) return;
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      for (const w of openWaiters) w(false);
      openWaiters = [];
      failPending('the client was closed');
      const ws = socket;
      socket = null;
      ws?.close();
    },
  } satisfies WsClient;
}

/**
 * Accepts ws://host:port/ws, http(s)://host:port[/] (path /ws added), or, in a browser page, a path
 * such as '/ws' resolved against the page's own origin.
 */
export function normaliseUrl(url: string, location: { protocol: string; host: string } | undefined = (globalThis as { location?: { protocol: string; host: string } }).location): string {
  if (/^wss?:\/\//.test(url)) return url;
  const m = /^http(s?):\/\/([^/]+)\/?$/.exec(url);
  if (m) return `ws${m[1]}://${m[2]}${WS_PATH}`;
  if (url.startsWith('/') && location) return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${url}`;
  throw new ApiError('TRANSPORT', `cannot connect to ${JSON.stringify(url)}: expected ws(s)://host:port${WS_PATH}, http(s)://host:port, or a path inside a page`);
}
