/** Transport-side checks of the methods and plasticity domains (see core/lab/apiDispatch.ts). */
import type { CurveRequest, MethodsApi, PlasticityApi, StdpWindowRequest } from '../../api/contractMethods';
import { validateRunId } from '../validate';
import { argObject, arity, type Handler } from '../args';

export const METHODS_HANDLERS: { readonly [K in keyof (MethodsApi & PlasticityApi)]: Handler } = {
  listMethods: (api, args) => (arity('listMethods', args, 0), api.listMethods()),
  measureCurve: (api, args) => (arity('measureCurve', args, 2), api.measureCurve(validateRunId(args[0]), argObject('measureCurve', 'request', args[1]) as unknown as CurveRequest)),
  listCurves: (api, args) => (arity('listCurves', args, 1), api.listCurves(validateRunId(args[0]))),
  stdpWindow: (api, args) => (arity('stdpWindow', args, 1), api.stdpWindow(argObject('stdpWindow', 'request', args[0]) as unknown as StdpWindowRequest)),
};
