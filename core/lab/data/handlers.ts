/**
 * Transport-side checks of the data domain (see core/lab/apiDispatch.ts): paths are non-empty
 * strings, requests are checked field by field (requests.ts; the service checks again for direct
 * callers).
 */
import type { DataApi } from '../../api/contractData';
import { argNullableString, argString, arity, type Handler } from '../args';
import { validatePreviewRequest, validateWindowRequest } from './requests';

export const DATA_HANDLERS: { readonly [K in keyof DataApi]: Handler } = {
  inspectData: (api, args) => (arity('inspectData', args, 2), api.inspectData(argString('inspectData', 'path', args[0]), argNullableString('inspectData', 'labels', args[1]))),
  readEventWindow: (api, args) => (arity('readEventWindow', args, 2), api.readEventWindow(argString('readEventWindow', 'path', args[0]), validateWindowRequest(args[1]))),
  previewFrames: (api, args) => (arity('previewFrames', args, 2), api.previewFrames(argString('previewFrames', 'path', args[0]), validatePreviewRequest(args[1]))),
};
