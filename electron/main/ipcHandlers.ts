/**
 * ipcMain side of the contract: one handler per channel, each refusing frames that are not the app's
 * own page (a navigated-away or injected frame must not drive the lab), then calling the service
 * through the same argument checks as the web host.
 */
import { fileURLToPath } from 'node:url';
import { resolve, sep } from 'node:path';
import { API_CHANNELS, ApiError, type RunEvent, type SpikeLabApi } from '../../core/api/contract';
import { METHOD_BY_CHANNEL, dispatchCall, toErrorPayload } from '../../core/lab/apiDispatch';
import type { IpcEnvelope } from '../shared/ipcEnvelope';

export interface IpcMainInvokeEventLike {
  senderFrame: { url: string } | null;
}

/** The part of Electron's ipcMain used here; tests pass a fake. */
export interface IpcMainLike {
  handle(channel: string, handler: (event: IpcMainInvokeEventLike, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface IpcHandlerOptions {
  isTrustedUrl(url: string): boolean;
  /** Windows that receive run events. */
  targets(): WebContentsLike[];
}

/** Trusts file:// pages under the built renderer folder and, in development, the dev server's origin. */
export function createTrustedUrlCheck(opts: { rendererDir: string; devServerUrl?: string | null }): (url: string) => boolean {
  const root = resolve(opts.rendererDir);
  const devOrigin = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  return (url: string): boolean => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (u.protocol === 'file:') {
      const p = resolve(fileURLToPath(u));
      return p.startsWith(root + sep);
    }
    return devOrigin !== null && u.origin === devOrigin;
  };
}

export function registerIpcHandlers(ipc: IpcMainLike, api: SpikeLabApi, opts: IpcHandlerOptions): () => void {
  const channels = [...METHOD_BY_CHANNEL.keys()];
  for (const [channel, method] of METHOD_BY_CHANNEL) {
    ipc.handle(channel, async (event, ...args): Promise<IpcEnvelope> => {
      const url = event.senderFrame?.url ?? '';
      if (!opts.isTrustedUrl(url)) {
        return { ok: false, error: new ApiError('BAD_REQUEST', `${channel} refused: sender ${url || '(no frame)'} is not the SpikeLab page`).toPayload() };
      }
      try {
        return { ok: true, result: await dispatchCall(api, method, args) };
      } catch (err) {
        return { ok: false, error: toErrorPayload(err) };
      }
    });
  }
  const unsubscribe = api.onRunEvent((event: RunEvent) => {
    for (const wc of opts.targets()) if (!wc.isDestroyed()) wc.send(API_CHANNELS.runEvent, event);
  });
  return () => {
    unsubscribe();
    for (const c of channels) ipc.removeHandler(c);
  };
}
