/**
 * The transports' side of the contract: one explicit entry per SpikeLabApi method that checks the
 * argument count and shapes before the service sees them. Both the web host and Electron's ipcMain
 * handlers call through this table, so neither can become a generic passthrough to the service.
 */
import { API_CHANNELS, ApiError, type SpikeLabApi } from '../api/contract';
import { isCallMethod, type CallMethod } from '../api/wsProtocol';
import { arity, type Handler } from './args';
import { BOARD_HANDLERS } from './board/handlers';
import { DATA_HANDLERS } from './data/handlers';
import { METHODS_HANDLERS } from './methods/handlers';
import { MODELS_HANDLERS } from './models/handlers';
import { PROBE_HANDLERS } from './probe/handlers';
import { validateRunId, validateTrainRequest } from './validate';

const HANDLERS: { readonly [K in CallMethod]: Handler } = {
  getAppInfo: (api, args) => (arity('getAppInfo', args, 0), api.getAppInfo()),
  listPresets: (api, args) => (arity('listPresets', args, 0), api.listPresets()),
  listRuns: (api, args) => (arity('listRuns', args, 0), api.listRuns()),
  getRun: (api, args) => (arity('getRun', args, 1), api.getRun(validateRunId(args[0]))),
  startRun: (api, args) => (arity('startRun', args, 1), api.startRun(validateTrainRequest(args[0]))),
  pauseRun: (api, args) => (arity('pauseRun', args, 1), api.pauseRun(validateRunId(args[0]))),
  resumeRun: (api, args) => (arity('resumeRun', args, 1), api.resumeRun(validateRunId(args[0]))),
  stopRun: (api, args) => (arity('stopRun', args, 1), api.stopRun(validateRunId(args[0]))),
  deleteRun: (api, args) => (arity('deleteRun', args, 1), api.deleteRun(validateRunId(args[0]))),
  ...MODELS_HANDLERS,
  ...METHODS_HANDLERS,
  ...DATA_HANDLERS,
  ...BOARD_HANDLERS,
  ...PROBE_HANDLERS,
};

/** Channel name (`runs:start`) -> method name (`startRun`), for the ipc transport. */
export const METHOD_BY_CHANNEL: ReadonlyMap<string, CallMethod> = new Map(
  (Object.keys(HANDLERS) as CallMethod[]).map((m) => [API_CHANNELS[m], m] as const),
);

export async function dispatchCall(api: SpikeLabApi, method: unknown, args: unknown): Promise<unknown> {
  if (!isCallMethod(method)) throw new ApiError('BAD_REQUEST', `unknown method ${typeof method === 'string' ? JSON.stringify(method) : `of type ${typeof method}`}`);
  if (!Array.isArray(args)) throw new ApiError('BAD_REQUEST', `${method}: args must be an array`);
  return HANDLERS[method](api, args);
}

/** Anything thrown below a transport becomes a payload; non-ApiErrors are INTERNAL and keep their message. */
export function toErrorPayload(err: unknown): { code: ApiError['code']; message: string } {
  if (err instanceof ApiError) return err.toPayload();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
