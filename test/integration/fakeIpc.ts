/**
 * A fake ipcMain/ipcRenderer pair with Electron's semantics where they matter to the contract:
 * arguments and results are structured-cloned, invoke of an unregistered channel rejects, events
 * reach renderer listeners with an event object first, and every invoke carries a sender frame URL.
 */
import type { IpcRendererLike } from '../../electron/preload/api';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike } from '../../electron/main/ipcHandlers';

type Listener = (event: unknown, ...args: unknown[]) => void;
type Handler = (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown;

export function createFakeIpcPair(senderUrl: string): { ipcMain: IpcMainLike; ipcRenderer: IpcRendererLike; webContents: WebContentsLike; handlerCount(): number } {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<Listener>>();
  const ipcMain: IpcMainLike = {
    handle(channel, handler) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  const ipcRenderer: IpcRendererLike = {
    async invoke(channel, ...args) {
      const h = handlers.get(channel);
      if (!h) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      return structuredClone(await h({ senderFrame: { url: senderUrl } }, ...structuredClone(args)));
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const webContents: WebContentsLike = {
    send(channel, ...args) {
      const cloned = structuredClone(args);
      // Electron delivers asynchronously; so does the fake, so ordering bugs show up here too.
      queueMicrotask(() => {
        for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer' }, ...cloned);
      });
    },
    isDestroyed: () => false,
  };
  return { ipcMain, ipcRenderer, webContents, handlerCount: () => handlers.size };
}
