/**
 * SpikeLabApi over Electron ipc, for the preload. One explicit wrapper per method (no generic
 * invoke(channel) reaches the page), checked against the contract with `satisfies`.
 */
import { API_CHANNELS, ApiError, type RunEvent, type SpikeLabApi, type Unsubscribe } from '../../core/api/contract';
import { domainCalls } from '../../core/api/domainCalls';
import { isIpcEnvelope } from '../shared/ipcEnvelope';

/** The part of Electron's ipcRenderer the preload uses; tests pass a fake wired to ipcHandlers. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi(ipc: IpcRendererLike): SpikeLabApi {
  const call = async <T>(channel: string, ...args: unknown[]): Promise<T> => {
    let reply: unknown;
    try {
      reply = await ipc.invoke(channel, ...args);
    } catch (err) {
      throw new ApiError('TRANSPORT', `${channel}: ipc failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isIpcEnvelope(reply)) throw new ApiError('TRANSPORT', `${channel}: malformed reply from the main process`);
    if (!reply.ok) throw ApiError.fromPayload(reply.error);
    return reply.result as T;
  };

  return {
    getAppInfo: () => call(API_CHANNELS.getAppInfo),
    listPresets: () => call(API_CHANNELS.listPresets),
    listRuns: () => call(API_CHANNELS.listRuns),
    getRun: (runId) => call(API_CHANNELS.getRun, runId),
    startRun: (request) => call(API_CHANNELS.startRun, request),
    pauseRun: (runId) => call(API_CHANNELS.pauseRun, runId),
    resumeRun: (runId) => call(API_CHANNELS.resumeRun, runId),
    stopRun: (runId) => call(API_CHANNELS.stopRun, runId),
    deleteRun: (runId) => call(API_CHANNELS.deleteRun, runId),
    ...domainCalls((method, args) => call(API_CHANNELS[method], ...args)),
    onRunEvent(listener: (event: RunEvent) => void): Unsubscribe {
      // The page's callback never sees the IpcRendererEvent (it carries `sender`, a handle to ipc).
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as RunEvent);
      ipc.on(API_CHANNELS.runEvent, wrapped);
      return () => {
        ipc.removeListener(API_CHANNELS.runEvent, wrapped);
      };
    },
  } satisfies SpikeLabApi;
}
