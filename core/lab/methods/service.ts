/** Methods domain of the lab service: method catalogue, accuracy-vs-T curves, STDP windows. */
import { ApiError } from '../../api/contract';
import type { AccuracyCurve, CurveRequest, MethodInfo, MethodsApi, PlasticityApi, StdpWindow, StdpWindowRequest } from '../../api/contractMethods';
import type { LabContext } from '../context';

export class MethodsService implements MethodsApi, PlasticityApi {
  constructor(private readonly ctx: LabContext) {}
  async listMethods(): Promise<MethodInfo[]> {
    throw new ApiError('INTERNAL', 'listMethods is not implemented yet');
  }
  async measureCurve(runId: string, _request: CurveRequest): Promise<AccuracyCurve> {
    this.ctx.summary(runId);
    throw new ApiError('INTERNAL', 'measureCurve is not implemented yet');
  }
  async listCurves(runId: string): Promise<AccuracyCurve[]> {
    this.ctx.summary(runId);
    throw new ApiError('INTERNAL', 'listCurves is not implemented yet');
  }
  async stdpWindow(_request: StdpWindowRequest): Promise<StdpWindow> {
    throw new ApiError('INTERNAL', 'stdpWindow is not implemented yet');
  }
}
