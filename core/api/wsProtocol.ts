/**
 * Messages on the web host's WebSocket (/ws), shared by server and client. JSON text frames:
 *   client -> server  { id, method, args }             one call of a SpikeLabApi method
 *   server -> client  { id, result } | { id, error }   its answer
 *   server -> client  { event: 'runs:event', payload } a RunEvent, pushed to every client
 * Environment-neutral (no Node or DOM imports): the renderer bundles this file.
 */
import { API_CHANNELS, type ApiErrorPayload, type RunEvent, type SpikeLabApi } from './contract';

export const WS_PATH = '/ws';

export type CallMethod = Exclude<keyof SpikeLabApi, 'onRunEvent'>;

/** Every request/response method: the channel table's keys minus the event channel. */
export const CALL_METHODS: readonly CallMethod[] = (Object.keys(API_CHANNELS) as (keyof typeof API_CHANNELS)[]).filter((k): k is CallMethod => k !== 'runEvent');

export function isCallMethod(name: unknown): name is CallMethod {
  return typeof name === 'string' && (CALL_METHODS as readonly string[]).includes(name);
}

export interface WsCall {
  id: number;
  method: CallMethod;
  args: unknown[];
}

export type WsReply = { id: number; result: unknown } | { id: number; error: ApiErrorPayload };

export interface WsEventMessage {
  event: typeof API_CHANNELS.runEvent;
  payload: RunEvent;
}

export type WsServerMessage = WsReply | WsEventMessage;

const ERROR_CODES: ReadonlySet<string> = new Set(['BAD_REQUEST', 'NOT_FOUND', 'UNKNOWN_PRESET', 'CONFLICT', 'WORKSPACE_UNWRITABLE', 'DATASET_INVALID', 'TRANSPORT', 'INTERNAL']);

export function isApiErrorPayload(v: unknown): v is ApiErrorPayload {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as { code?: unknown; message?: unknown };
  return typeof p.code === 'string' && ERROR_CODES.has(p.code) && typeof p.message === 'string';
}

/** Parses a server frame; null for anything malformed (a client ignores frames it cannot read). */
export function parseServerMessage(text: string): WsServerMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  if (m.event === API_CHANNELS.runEvent && typeof m.payload === 'object' && m.payload !== null) return { event: API_CHANNELS.runEvent, payload: m.payload as RunEvent };
  if (typeof m.id !== 'number') return null;
  if ('error' in m) return isApiErrorPayload(m.error) ? { id: m.id, error: m.error } : { id: m.id, error: { code: 'INTERNAL', message: 'malformed error reply from server' } };
  if ('result' in m) return { id: m.id, result: m.result };
  return null;
}
