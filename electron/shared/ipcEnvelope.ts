/**
 * What crosses ipcMain.handle -> ipcRenderer.invoke. Electron flattens a thrown error into
 * "Error invoking remote method ...: Error: msg" and drops its code, so handlers never throw: they
 * return an envelope and the preload rebuilds the ApiError.
 */
import type { ApiErrorPayload } from '../../core/api/contract';

export type IpcEnvelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

export function isIpcEnvelope(v: unknown): v is IpcEnvelope {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { ok?: unknown; error?: unknown };
  if (e.ok === true) return 'result' in e;
  if (e.ok !== false || typeof e.error !== 'object' || e.error === null) return false;
  const err = e.error as { code?: unknown; message?: unknown };
  return typeof err.code === 'string' && typeof err.message === 'string';
}
