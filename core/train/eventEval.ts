/**
 * Accuracy of a finished run's weights on an event dataset folder (`spikelab eval`): the run's own
 * model spec and timesteps, every labelled sample of the folder, frames cut as in training and
 * streamed from the loader's worker (and frame cache) in stored order, so a folder of any size is
 * scored in the memory of a few batches.
 */
import { ApiError, type RunConfig } from '../api/contract';
import { buildNetwork } from '../snn/build';
import { getKernels } from '../snn/kernels/index';
import type { Kernels } from '../snn/kernels/types';
import { evaluateSource } from './bptt';
import { EventBatchSource, FrameInputNetwork, scanForModel, type EventDataRef } from './eventData';

export interface EventEvalResult {
  accuracy: number;
  samples: number;
}

export async function evaluateOnEvents(
  config: RunConfig,
  weights: Uint8Array,
  data: EventDataRef,
  opts: { batchSize?: number; kernels?: Kernels; cacheDir?: string | null } = {},
): Promise<EventEvalResult> {
  const spec = { ...config.model, timesteps: config.settings.timesteps };
  if (spec.input.length !== 3) {
    throw new ApiError('BAD_REQUEST', `run ${config.name} has a model input of [${spec.input.join(', ')}]; evaluating on event data needs [polarities, height, width] (an event preset such as nmnist-conv)`);
  }
  const kernels = opts.kernels ?? getKernels().kernels;
  const base = buildNetwork(spec, { kernels, seed: config.settings.seed });
  base.loadWeights(weights);
  const framed = new FrameInputNetwork(base);
  const index = scanForModel(data, spec.input);
  const source = new EventBatchSource(index, index.samples, { batchSize: opts.batchSize ?? 64, timesteps: spec.timesteps, input: spec.input, cacheDir: opts.cacheDir });
  try {
    const accuracy = await evaluateSource((x, B, training) => framed.forward(x, B, training), source, source.batchSize);
    return { accuracy, samples: source.count };
  } finally {
    await source.close();
  }
}
