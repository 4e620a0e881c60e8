/** Probe domain of the lab service: one sample through a run's network, every layer recorded. */
import { ApiError } from '../../api/contract';
import type { ProbeApi, ProbeRequest, ProbeResult } from '../../api/contractProbe';
import type { LabContext } from '../context';

export class ProbeService implements ProbeApi {
  constructor(private readonly ctx: LabContext) {}
  async probeRun(runId: string, _request: ProbeRequest): Promise<ProbeResult> {
    this.ctx.summary(runId);
    throw new ApiError('INTERNAL', 'probeRun is not implemented yet');
  }
}
