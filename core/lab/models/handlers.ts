/** Transport-side checks of the models domain (see core/lab/apiDispatch.ts). */
import type { ModelSpec } from '../../snn/spec';
import type { InspectOptions, ModelsApi } from '../../api/contractModels';
import { argObject, argString, arity, type Handler } from '../args';

export const MODELS_HANDLERS: { readonly [K in keyof ModelsApi]: Handler } = {
  getLayerCatalog: (api, args) => (arity('getLayerCatalog', args, 0), api.getLayerCatalog()),
  // The spec itself is validated by the service, which reports issues instead of throwing.
  inspectModel: (api, args) => (arity('inspectModel', args, 2), api.inspectModel(args[0], argObject('inspectModel', 'options', args[1]) as unknown as InspectOptions)),
  listModels: (api, args) => (arity('listModels', args, 0), api.listModels()),
  saveModel: (api, args) => (arity('saveModel', args, 1), api.saveModel(argObject('saveModel', 'spec', args[0]) as unknown as ModelSpec)),
  loadModel: (api, args) => (arity('loadModel', args, 1), api.loadModel(argString('loadModel', 'name', args[0], { maxLength: 128 }))),
};
