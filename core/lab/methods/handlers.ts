/** Transport-side checks of the methods and plasticity domains (see core/lab/apiDispatch.ts). */
import type { MethodsApi, PlasticityApi, StdpWindowRequest } from '../../api/contractMethods';
import { validateRunId } from '../validate';
import { argObject, arity, type Handler } from '../args';
import { validateCurveRequest } from './service';

export const METHODS_HANDLERS: { readonly [K in keyof (MethodsApi & PlasticityApi)]: Handler } = {
  listMethods: (api, args) => (arity('listMethods', args, 0), api.listMethods()),
  measureCurve: (api, args) => (arity('measureCurve', args, 2), api.measureCurve(validateRunId(args[0]), validateCurveRequest(args[1]))),
  listCurves: (api, args) => (arity('listCurves', args, 1), api.listCurves(validateRunId(args[0]))),
  lastPlasticity: (api, args) => (arity('lastPlasticity', args, 1), api.lastPlasticity(validateRunId(args[0]))),
  stdpWindow: (api, args) => (arity('stdpWindow', args, 1), api.stdpWindow(argObject('stdpWindow', 'request', args[0]) as unknown as StdpWindowRequest)),
};
