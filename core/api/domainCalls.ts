/**
 * The domain methods of SpikeLabApi (models, methods, plasticity, data, board, probe) as explicit
 * wrappers over a transport's `call(method, args)`. Written once here so the preload and the
 * WebSocket client cannot drift apart; each wrapper fixes its method name and argument list, so no
 * page code can reach an arbitrary channel.
 */
import type { SpikeLabApi } from './contract';
import type { BoardApi } from './contractBoard';
import type { DataApi } from './contractData';
import type { MethodsApi, PlasticityApi } from './contractMethods';
import type { ModelsApi } from './contractModels';
import type { ProbeApi } from './contractProbe';

export type DomainApi = ModelsApi & MethodsApi & PlasticityApi & DataApi & BoardApi & ProbeApi;
type DomainMethod = keyof DomainApi;
export type DomainCall = <M extends DomainMethod>(method: M, args: Parameters<SpikeLabApi[M]>) => Promise<Awaited<ReturnType<SpikeLabApi[M]>>>;

export function domainCalls(call: DomainCall): DomainApi {
  return {
    getLayerCatalog: () => call('getLayerCatalog', []),
    inspectModel: (spec, options) => call('inspectModel', [spec, options]),
    listModels: () => call('listModels', []),
    saveModel: (spec) => call('saveModel', [spec]),
    loadModel: (name) => call('loadModel', [name]),
    listMethods: () => call('listMethods', []),
    measureCurve: (runId, request) => call('measureCurve', [runId, request]),
    listCurves: (runId) => call('listCurves', [runId]),
    stdpWindow: (request) => call('stdpWindow', [request]),
    lastPlasticity: (runId) => call('lastPlasticity', [runId]),
    inspectData: (path, labels) => call('inspectData', [path, labels]),
    readEventWindow: (path, request) => call('readEventWindow', [path, request]),
    previewFrames: (path, request) => call('previewFrames', [path, request]),
    listBoardPorts: () => call('listBoardPorts', []),
    connectBoard: (path) => call('connectBoard', [path]),
    disconnectBoard: () => call('disconnectBoard', []),
    getBoardState: () => call('getBoardState', []),
    checkBoardModel: (runId) => call('checkBoardModel', [runId]),
    uploadToBoard: (runId) => call('uploadToBoard', [runId]),
    runOnBoard: (runId, sample) => call('runOnBoard', [runId, sample]),
    probeRun: (runId, request) => call('probeRun', [runId, request]),
  } satisfies DomainApi;
}
