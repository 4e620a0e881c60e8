/**
 * Transport selection and the one place the renderer obtains its SpikeLabApi.
 *
 * Under Electron the preload has put the contract on window.spikelab; in a plain browser (web
 * host, tests) we speak the same contract over WebSocket. Nothing else in the renderer knows which.
 */
import type { SpikeLabApi } from '../../../core/api/contract';
import { ApiError } from '../../../core/api/contract';
import { createWsClient } from '../../../core/api/wsClient';

declare global {
  interface Window {
    /** Present only under Electron: the preload's contextBridge implementation of the contract. */
    spikelab?: SpikeLabApi;
  }
}

let current: SpikeLabApi | null = null;

/** The client keeps retrying in the background; past this we show the connect-error screen. */
const CONNECT_TIMEOUT_MS = 8000;

export async function connectApi(): Promise<SpikeLabApi> {
  if (window.spikelab) {
    current = window.spikelab;
    return current;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = createWsClient(`${scheme}://${location.host}/ws`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // `ready` only ever resolves (the client reconnects forever), so bound the wait here.
    await Promise.race([
      client.ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ApiError('TRANSPORT', `no answer from ${location.host}/ws within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    client.close();
    throw err instanceof ApiError ? err : new ApiError('TRANSPORT', `Cannot reach the lab service at ${location.host}: ${String(err)}`);
  } finally {
    clearTimeout(timer);
  }
  current = client;
  return current;
}

/** For tests and for alternative hosts that build the API themselves. */
export function provideApi(api: SpikeLabApi): void {
  current = api;
}

export function useApi(): SpikeLabApi {
  if (!current) throw new ApiError('TRANSPORT', 'Not connected to the lab service');
  return current;
}

/** Normalises anything thrown by a call into an ApiError for display. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return new ApiError(e.code as ApiError['code'], e.message);
  }
  return new ApiError('INTERNAL', err instanceof Error ? err.message : String(err));
}
