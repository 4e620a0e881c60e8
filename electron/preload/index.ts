/** Preload (sandboxed): exposes the typed API as window.spikelab and nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './api';

contextBridge.exposeInMainWorld('spikelab', createPreloadApi(ipcRenderer));
