/** Transport-side checks of the data domain (see core/lab/apiDispatch.ts). */
import type { DataApi, EventWindowRequest, FramePreviewRequest } from '../../api/contractData';
import { argNullableString, argObject, argString, arity, type Handler } from '../args';

export const DATA_HANDLERS: { readonly [K in keyof DataApi]: Handler } = {
  inspectData: (api, args) => (arity('inspectData', args, 2), api.inspectData(argString('inspectData', 'path', args[0]), argNullableString('inspectData', 'labels', args[1]))),
  readEventWindow: (api, args) => (arity('readEventWindow', args, 2), api.readEventWindow(argString('readEventWindow', 'path', args[0]), argObject('readEventWindow', 'request', args[1]) as unknown as EventWindowRequest)),
  previewFrames: (api, args) => (arity('previewFrames', args, 2), api.previewFrames(argString('previewFrames', 'path', args[0]), argObject('previewFrames', 'request', args[1]) as unknown as FramePreviewRequest)),
};
