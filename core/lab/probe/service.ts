/** Probe domain of the lab service: one sample through a run's network, every layer recorded. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../api/contract';
import type { ProbeApi, ProbeRequest, ProbeResult } from '../../api/contractProbe';
import type { LabContext } from '../context';
import { runTask } from '../tasks';
import type { ProbeTaskArgs, ProbeTaskResult } from './tasks';

export class ProbeService implements ProbeApi {
  constructor(private readonly ctx: LabContext) {}

  async probeRun(runId: string, request: ProbeRequest): Promise<ProbeResult> {
    this.ctx.summary(runId);
    const store = this.ctx.store;
    const config = store.readConfig(runId);
    const dir = store.runDir(runId);
    const metas = store.listCheckpoints(runId);
    const finalPath = join(dir, 'weights', 'final.safetensors');
    const hasFinal = existsSync(finalPath);
    let checkpoint: string | null;
    let weightsPath: string;
    if (request.checkpoint !== null) {
      // Accept the weights file name too, as RunSummary.lastCheckpoint gives it.
      const name = request.checkpoint.replace(/\.safetensors$/, '');
      const meta = metas.find((m) => m.name === name);
      if (!meta) throw new ApiError('NOT_FOUND', `run ${runId} has no checkpoint ${JSON.stringify(request.checkpoint)}; it has ${metas.length ? metas.map((m) => m.name).join(', ') : 'none'}`);
      checkpoint = meta.name;
      weightsPath = join(dir, 'checkpoints', meta.weights.file);
    } else if (hasFinal) {
      checkpoint = null;
      weightsPath = finalPath;
    } else {
      const newest = metas[metas.length - 1];
      if (!newest) throw new ApiError('CONFLICT', `run ${runId} has no weights yet (no final weights and no checkpoint); probe it after its first checkpoint`);
      checkpoint = newest.name;
      weightsPath = join(dir, 'checkpoints', newest.weights.file);
    }
    const args: ProbeTaskArgs = { config, weightsPath, sample: request.sample, traceNeurons: request.traceNeurons, maxEventsPerLayer: request.maxEventsPerLayer };
    const r = await runTask<ProbeTaskResult>('probe', 'probeSample', args);
    return { runId, checkpoint, checkpoints: metas.map((m) => ({ name: m.name, epoch: m.epoch, step: m.step })), hasFinal, ...r };
  }
}
